"""cnncalc's benchmark report: every figure the issues ask for, with its goal.

    python benchmarks/run.py            # the full report (a few minutes at most)
    python benchmarks/run.py --quick    # fewer repetitions

Wall times are medians of repeated runs; every ratio is taken against a baseline
measured in the same run, so the table compares like with like on any machine.
Run it against a regular (non-editable) install: an editable install adds its own
import hook to every start-up.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PYTHON = sys.executable
TRIVIAL_TYPER_APP = """
import typer
app = typer.Typer()
@app.command()
def main(path: str, json: bool = False) -> None:
    print(path)
app()
"""


@dataclass
class Row:
    figure: str
    value: str
    goal: str
    met: bool | None  # None: context only, no goal


def once(command: list[str]) -> float:
    """Wall time of one run of a command, output discarded."""
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def wall(command: list[str], repeat: int) -> float:
    """Median wall time of a command."""
    return statistics.median(once(command) for _ in range(repeat))


def peak_rss_mb(command: list[str]) -> float:
    """Peak resident memory of a child process, in MB (Linux reports kB)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        raise RuntimeError(f"{command} failed")
    return usage.ru_maxrss / 1024


def generated_file(directory: Path, layers: int) -> Path:
    """A sequential network of ``layers`` layers: conv, bn, relu, stride-1 pooling, repeating."""
    cycle = ["conv K=16 F=3 P=1", "bn", "relu", "maxpool F=3 S=1 P=1"]
    path = directory / f"seq{layers}.arch"
    path.write_text("input 64x64x16\n" + "".join(cycle[i % 4] + "\n" for i in range(layers)))
    return path


def rounds(
    baseline: list[str], commands: dict[str, list[str]], repeat: int
) -> tuple[float, dict[str, float], dict[str, float]]:
    """Each round runs the baseline and every command once, so drift in the machine's load hits
    them alike: the baseline's median time, each command's median time and median per-round ratio."""
    base_times: list[float] = []
    times: dict[str, list[float]] = {name: [] for name in commands}
    ratios: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        base = once(baseline)
        base_times.append(base)
        for name, command in commands.items():
            seconds = once(command)
            times[name].append(seconds)
            ratios[name].append(seconds / base)
    medians = {name: statistics.median(values) for name, values in times.items()}
    return statistics.median(base_times), medians, {name: statistics.median(r) for name, r in ratios.items()}


def cold_start(repeat: int) -> list[Row]:
    """Each round runs the baseline and every command once, so drift in the machine's
    load hits them alike; the figure is the median of the per-round ratios."""
    baseline = [PYTHON, "-c", "import typer"]
    commands = {"a trivial two-option typer app (floor)": [PYTHON, "-c", TRIVIAL_TYPER_APP, "x"]}
    for target in ("zoo:vgg16", "zoo:resnet50", "zoo:resnet152"):
        commands[f"cnncalc summary {target} --json"] = [PYTHON, "-m", "cnncalc", "summary", target, "--json"]
    base_time, times, ratios = rounds(baseline, commands, repeat)
    rows = [Row("python -c 'import typer' (baseline)", f"{base_time * 1000:.0f} ms", "", None)]
    for name in commands:
        ratio = ratios[name]
        value = f"{times[name] * 1000:.0f} ms = {ratio:.2f}x"
        floor = name.startswith("a trivial")
        rows.append(Row(name, value, "" if floor else "<= 1.5x", None if floor else ratio <= 1.5))
    return rows


def scaling(repeat: int) -> list[Row]:
    import cnncalc

    rows = []
    per_layer = {}
    with tempfile.TemporaryDirectory() as folder:
        for count in (1_000, 10_000, 100_000):
            path = generated_file(Path(folder), count)
            text = path.read_text()
            times = []
            for _ in range(repeat if count < 100_000 else max(1, repeat // 3)):
                start = time.perf_counter()
                cnncalc.analyze(cnncalc.parse(text, path.name))
                times.append(time.perf_counter() - start)
            seconds = statistics.median(times)
            per_layer[count] = seconds / count
            goal, met = ("< 2 s", seconds < 2) if count == 100_000 else ("", None)
            rows.append(Row(f"parse + analyze {count:,} layers", f"{seconds:.3f} s", goal, met))
            if count == 100_000:
                cli = wall([PYTHON, "-m", "cnncalc", "summary", str(path), "--json"], 1)
                rows.append(Row("cnncalc summary (100,000 layers) --json, whole run", f"{cli:.2f} s", "", None))
                rss = peak_rss_mb([PYTHON, "-m", "cnncalc", "summary", str(path), "--json"])
                rows.append(Row("peak memory of that run", f"{rss:.0f} MB", "< 2 GB", rss < 2048))
        block = Path(folder) / "repeat50000.arch"
        block.write_text("input 32x32x8\nrepeat 50000 {\n  x: conv K=8 F=3 P=1\n  relu\n  add x\n}\n")
        command = [PYTHON, "-m", "cnncalc", "summary", str(block), "--json"]
        rows.append(Row("cnncalc summary of a repeat 50000 { 3 layers } block", f"{wall(command, 1):.2f} s", "", None))
        rows.append(
            Row(
                "peak memory of that run (150,000 layers)",
                f"{peak_rss_mb(command):.0f} MB",
                "< 2 GB",
                peak_rss_mb(command) < 2048,
            )
        )
        growth = per_layer[100_000] / per_layer[1_000]
        rows.append(
            Row("time per layer, 100k vs 1k (linear = 1.0)", f"{growth:.2f}", "~1 (linear)", 0.5 <= growth <= 1.5)
        )
    return rows


def naive_conv2d(image: list[list[list[int]]], weight: list[list[list[list[int]]]], pad: int) -> list[list[list[int]]]:
    """The textbook loop nest, the baseline: image[c][y][x], weight[k][c][i][j], stride 1."""
    channels, height, width = len(image), len(image[0]), len(image[0][0])
    kernel = len(weight[0][0])
    out_h, out_w = height + 2 * pad - kernel + 1, width + 2 * pad - kernel + 1
    out = [[[0] * out_w for _ in range(out_h)] for _ in weight]
    for k, filt in enumerate(weight):
        for y in range(out_h):
            for x in range(out_w):
                total = 0
                for c in range(channels):
                    for i in range(kernel):
                        row = y + i - pad
                        if row < 0 or row >= height:
                            continue
                        for j in range(kernel):
                            col = x + j - pad
                            if 0 <= col < width:
                                total += image[c][row][col] * filt[c][i][j]
                out[k][y][x] = total
    return out


def reference_speed(repeat: int) -> list[Row]:
    import random

    from cnncalc.reference import Tensor, conv

    rng = random.Random(0)
    channels, filters, size, kernel = 16, 16, 32, 3
    image = [[[rng.randint(-9, 9) for _ in range(size)] for _ in range(size)] for _ in range(channels)]
    weight = [
        [[[rng.randint(-9, 9) for _ in range(kernel)] for _ in range(kernel)] for _ in range(channels)]
        for _ in range(filters)
    ]
    macs = size * size * filters * channels * kernel * kernel
    tensor = Tensor((size, size), channels, tuple([v for row in plane for v in row] for plane in image))
    flat_weight = [[[v for row in w_c for v in row] for w_c in w_k] for w_k in weight]
    rounds = max(1, repeat // 5)
    naive_times, ours_times = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        expected = naive_conv2d(image, weight, 1)
        naive_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        got = conv(tensor, flat_weight, (3, 3), stride=(1, 1), padding=((1, 1), (1, 1)), dilation=(1, 1))
        ours_times.append(time.perf_counter() - start)
    assert [v for plane in expected for row in plane for v in row] == [v for plane in got.data for v in plane]
    naive, ours = min(naive_times), min(ours_times)
    speedup = naive / ours
    return [
        Row("naive nested-loop conv (16x32x32 -> 16, 3x3)", f"{macs / naive / 1e6:.2f} M MAC/s", "", None),
        Row("reference conv, same layer", f"{macs / ours / 1e6:.2f} M MAC/s = {speedup:.1f}x", ">= 3x", speedup >= 3),
    ]


def symbolic(repeat: int) -> list[Row]:
    cnncalc = [PYTHON, "-m", "cnncalc"]
    runs = max(1, repeat // 5)
    numeric = wall([*cnncalc, "summary", "zoo:resnet50", "--json"], runs)
    seconds = wall([*cnncalc, "summary", "zoo:resnet50", "--input", "NxNx3", "--json"], runs)
    assumed = wall([*cnncalc, "summary", "zoo:resnet50", "--input", "NxNx3", "--assume", "N % 32 == 0", "--json"], runs)
    vgg = str(Path(__file__).resolve().parent.parent / "examples" / "vgg16_features.arch")
    solve = wall([*cnncalc, "solve", vgg, "--input", "?", "--output", "7x7x512", "--json"], runs)
    sizes = wall([*cnncalc, "sizes", "zoo:resnet50", "--range", "200:260", "--json"], runs)
    explain = wall([*cnncalc, "explain", "zoo:googlenet", "--format", "latex"], runs)
    return [
        Row("cnncalc summary zoo:resnet50 --json (numeric baseline)", f"{numeric:.2f} s", "", None),
        Row(
            "cnncalc summary zoo:resnet50 --input NxNx3 --json",
            f"{seconds:.2f} s ({seconds / numeric:.1f}x numeric)",
            "< 2 s",
            seconds < 2,
        ),
        Row("... --assume 'N % 32 == 0'", f"{assumed:.2f} s ({assumed / numeric:.1f}x numeric)", "", None),
        Row(
            "cnncalc solve vgg16_features.arch --input ? --output 7x7x512",
            f"{solve:.2f} s ({solve / numeric:.1f}x numeric)",
            "",
            None,
        ),
        Row(
            "cnncalc sizes zoo:resnet50 --range 200:260 (61 sizes)",
            f"{sizes:.2f} s ({sizes / numeric:.1f}x numeric)",
            "",
            None,
        ),
        Row(
            "cnncalc explain zoo:googlenet --format latex",
            f"{explain:.2f} s ({explain / numeric:.1f}x numeric)",
            "",
            None,
        ),
    ]


def verify_time(repeat: int) -> list[Row]:
    seconds = wall([PYTHON, "-m", "cnncalc", "verify", "zoo:vgg16", "--json"], 1)
    return [Row("cnncalc verify zoo:vgg16", f"{seconds:.1f} s", "< 30 s", seconds < 30)]


def modern_models(repeat: int) -> list[Row]:
    """The largest new zoo models against ResNet-50, each round running all three, and a
    symbolic EfficientNet-B0 (squeeze-and-excitation on every block)."""
    cnncalc = [PYTHON, "-m", "cnncalc", "summary"]
    commands = {
        "efficientnet_b7": [*cnncalc, "zoo:efficientnet_b7", "--json"],
        "regnet_y_128gf": [*cnncalc, "zoo:regnet_y_128gf", "--json"],
    }
    baseline = [*cnncalc, "zoo:resnet50", "--json"]
    base_time, times, ratios = rounds(baseline, commands, repeat)
    rows = [Row("cnncalc summary zoo:resnet50 --json (baseline)", f"{base_time:.3f} s", "", None)]
    for name in commands:
        ratio = ratios[name]
        value = f"{times[name]:.3f} s = {ratio:.2f}x"
        rows.append(Row(f"cnncalc summary zoo:{name} --json", value, "< 1.5x", ratio < 1.5))
    symbolic = wall([*cnncalc, "zoo:efficientnet_b0", "--input", "NxNx3", "--json"], max(1, repeat // 5))
    figure = "cnncalc summary zoo:efficientnet_b0 --input NxNx3 --json"
    rows.append(Row(figure, f"{symbolic:.2f} s", "< 3 s", symbolic < 3))
    return rows


def cpu_seconds(command: list[str]) -> float:
    """User + system CPU time of one run of a command (what a loaded machine's waiting leaves out)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        raise RuntimeError(f"{command} failed")
    return usage.ru_utime + usage.ru_stime


def least(command: list[str], rounds: int) -> float:
    """The fastest of several runs: on a shared machine the minimum is the run least disturbed."""
    return min(once(command) for _ in range(rounds))


def summary_table(repeat: int) -> list[Row]:
    """The table against --json of the same file in the same rounds (a pipe, 160 columns): each
    round runs both, each figure is the fastest round (the least disturbed on a shared machine);
    the large files' tables and --json runs and their peak memory."""
    cnncalc = [PYTHON, "-m", "cnncalc", "summary"]
    table = [*cnncalc, "zoo:resnet152"]
    as_json = [*table, "--json"]
    table_times, json_times = [], []
    for _ in range(repeat):
        json_times.append(once(as_json))
        table_times.append(once(table))
    ratio = min(table_times) / min(json_times)
    rows = [
        Row("cnncalc summary zoo:resnet152 --json (baseline)", f"{min(json_times):.3f} s", "", None),
        Row(
            "cnncalc summary zoo:resnet152 (table)", f"{min(table_times):.3f} s = {ratio:.2f}x", "<= 1.5x", ratio <= 1.5
        ),
    ]
    peaks: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for count, goal in ((1_000, None), (10_000, 2.0), (100_000, 10.0)):
            path = str(generated_file(Path(folder), count))
            runs = max(1, repeat // 3) if count < 100_000 else max(1, repeat // 5)
            json_seconds = least([*cnncalc, path, "--json"], runs)
            seconds = least([*cnncalc, path], runs)
            met = None if goal is None else seconds < goal
            figure = f"cnncalc summary (table), {count:,} layers"
            value = f"{seconds:.2f} s = {seconds / json_seconds:.2f}x its --json"
            rows.append(Row(figure, value, "" if goal is None else f"< {goal:.0f} s", met))
            json_goal = count == 100_000
            value = f"{json_seconds:.2f} s"
            if json_goal:  # the same in CPU time, and against the ResNet-152 --json runs of this section
                cpu = min(cpu_seconds([*cnncalc, path, "--json"]) for _ in range(runs))
                value += f" (CPU {cpu:.2f} s) = {json_seconds / min(json_times):.1f}x resnet152 --json"
            rows.append(
                Row(
                    f"cnncalc summary --json, {count:,} layers, whole run",
                    value,
                    "< 2 s" if json_goal else "",
                    json_seconds < 2 if json_goal else None,
                )
            )
            peaks[count] = peak_rss_mb([*cnncalc, path])
            rows.append(Row(f"peak memory of the table run ({count:,} layers)", f"{peaks[count]:.0f} MB", "", None))
    # linear: the memory added per layer from 10,000 to 100,000 layers against 1,000 to 10,000
    growth = (peaks[100_000] - peaks[10_000]) / (peaks[10_000] - peaks[1_000])
    rows.append(Row("memory growth per layer, 10k->100k vs 1k->10k", f"{growth / 10:.2f}", "~1 (linear)", None))
    return rows


SECTIONS: list[tuple[str, Callable[[int], list[Row]]]] = [
    ("start-up (issues 2 and 3)", cold_start),
    ("large files (issue 2)", scaling),
    ("symbolic sizes (issue 5)", symbolic),
    ("reference implementation (issue 4)", reference_speed),
    ("verify (issue 4)", verify_time),
    ("the modern vocabulary (issue 13)", modern_models),
    ("the summary table (issue 14)", summary_table),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--only", metavar="TITLE", help="run only the sections whose title contains this")
    args = parser.parse_args()
    repeat = 5 if args.quick else 15
    import typer

    print(f"# cnncalc benchmarks — {time.strftime('%Y-%m-%d')}")
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()},"
        f" typer {typer.__version__}"
    )
    print()
    print("| figure | measured | goal | met |")
    print("|---|---:|---|---|")
    for title, run in SECTIONS:
        if args.only and args.only not in title:
            continue
        print(f"| **{title}** | | | |")
        for row in run(repeat):
            verdict = "" if row.met is None else ("yes" if row.met else "**no**")
            print(f"| {row.figure} | {row.value} | {row.goal} | {verdict} |")


if __name__ == "__main__":
    main()
