"""cnncalc: the arithmetic of convolutional networks, exact and explained.

The library is a pipeline of pure stages a notebook can use directly::

    import cnncalc
    arch = cnncalc.parse(open("lenet5.arch").read(), "lenet5.arch")
    report = cnncalc.analyze(arch)
    report.totals.trainable_params   # 61706
"""

from cnncalc.analysis import LayerRow, Report, Totals, analyze
from cnncalc.arch.reader import parse
from cnncalc.errors import ArchError, CnncalcError, ShapeError, UsageError
from cnncalc.model import Arch

__version__ = "0.1.0"

__all__ = [
    "Arch",
    "ArchError",
    "CnncalcError",
    "LayerRow",
    "Report",
    "ShapeError",
    "Totals",
    "UsageError",
    "__version__",
    "analyze",
    "parse",
]
