"""Reading architectures: ``text`` (.arch), ``json_arch``, ``source`` (paths, ``-``, ``zoo:NAME``).

The data they produce lives in :mod:`cnncalc.model`, below both the readers and the
layer registry (the readers use the registry to know each kind's keys).
"""
