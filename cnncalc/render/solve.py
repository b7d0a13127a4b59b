"""Rendering ``solve`` and ``sizes``: small result tables, working lines and JSON."""

from __future__ import annotations

from typing import Any

from cnncalc.dims import text as dim_text
from cnncalc.dims import to_json
from cnncalc.formula import Line, letter
from cnncalc.render.worked_solution import line_json
from cnncalc.sizes import SizeCheck, describe_exact
from cnncalc.solve import MAX_LISTED, ArchSolution, Interval, LayerSolution

SOLVE_SCHEMA = "cnncalc.solve/1"
SIZES_SCHEMA = "cnncalc.sizes/1"


def interval_json(interval: Interval | None) -> dict[str, Any] | None:
    if interval is None:
        return None
    count = interval.count()
    return {
        "first": interval.first,
        "last": interval.last,
        "step": interval.step,
        "count": count,
        "values": interval.values(count) if count is not None and count <= 1000 else None,
    }


def layer_solution_fields(solution: LayerSolution) -> list[tuple[str, str]]:
    problem = solution.problem
    given = [
        f"{name}={getattr(problem, name)}"
        for name in ("I", "O", "F", "S", "Ps", "Pe", "D", "OP")
        if getattr(problem, name) is not None and not (name == "OP" and problem.family != "deconv")
    ]
    if problem.stride_is_kernel:
        given.append("S=F")
    fields = [("given", ", ".join(given) + (" (ceil mode)" if problem.ceil else "")), ("answer", solution.answer())]
    return fields + [("note", note) for note in solution.notes]


def layer_solution_json(solution: LayerSolution) -> dict[str, Any]:
    problem = solution.problem
    return {
        "schema": SOLVE_SCHEMA,
        "kind": problem.family,
        "unknown": solution.unknown,
        "given": {
            name: getattr(problem, name)
            for name in ("I", "O", "F", "S", "Ps", "Pe", "D", "OP")
            if getattr(problem, name) is not None
        },
        "ceil": problem.ceil,
        "solutions": interval_json(solution.interval),
        "reason": solution.reason or None,
        "notes": list(solution.notes),
        "working": [line_json(line) for line in solution.lines],
    }


def arch_solution_fields(result: ArchSolution) -> list[tuple[str, str]]:
    shown = [dim_text(d) for d in result.output.as_list()]
    spaced = not all(part.isdigit() for part in shown)  # 'H/32 × W/32 × 512', as the tables write it
    fields = [("output", (" × " if spaced else "×").join(shown))]
    for answer in result.answers:
        fields.append((answer.name, answer.answer()))
        if answer.checked is None or answer.interval is None or len(result.answers) != 1:
            continue
        whole = answer.interval.last is not None and answer.checked[1] == answer.interval.last
        searched = f"{answer.name} = {answer.checked[0]}..{answer.checked[1]}" + ("" if whole else " only")
        if answer.exact:
            listed = ", ".join(map(str, answer.exact[:MAX_LISTED]))
            more = ", ..." if len(answer.exact) > MAX_LISTED else ""
            fields.append((f"exact {answer.name}", f"{listed}{more} (searched {searched})"))
        else:
            fields.append((f"exact {answer.name}", f"none in {searched}: every one drops rows somewhere"))
        if not whole:
            fields.append(("note", "raise --max-work to search further for exact sizes"))
    return fields + [("note", note) for note in result.notes]


def arch_solution_lines(result: ArchSolution) -> list[Line]:
    lines: list[Line] = []
    for answer in result.answers:
        for axis, formula in answer.formulas:
            want = result.target[axis]
            lines.append(
                Line(
                    name=letter(f"output dim {axis + 1}"),
                    formula=letter(dim_text(formula)),
                    result=letter(str(want)),
                    what="solve",
                )
            )
        lines.extend(answer.lines)
    return lines


def arch_solution_json(result: ArchSolution) -> dict[str, Any]:
    return {
        "schema": SOLVE_SCHEMA,
        "source": result.source,
        "output": [to_json(d) for d in result.output.as_list()],
        "target": list(result.target),
        "unknowns": {
            answer.name: {
                "solutions": interval_json(answer.interval) if answer.values is None else None,
                "values": list(answer.values) if answer.values is not None else None,
                "exact": list(answer.exact),
                "exact_searched": None
                if answer.checked is None
                else {"first": answer.checked[0], "last": answer.checked[1]},
                "reason": answer.reason or None,
                "formulas": {str(axis + 1): to_json(f) for axis, f in answer.formulas},
            }
            for answer in result.answers
        },
        "notes": list(result.notes),
    }


def sizes_table(source: str, checks: list[SizeCheck], *, exact_only: bool) -> Any:
    from rich.console import Group
    from rich.text import Text

    from cnncalc.render.formatting import shape
    from cnncalc.render.table import new_table

    table = new_table(f"cnncalc sizes — {source}", ">size|exact|output|why not")
    for check in checks:
        if exact_only and not check.exact:
            continue
        if check.error is not None:
            why = f"fails: {check.error}"
        else:
            why = "; ".join(check.problems[:2]) + (
                f" (+{len(check.problems) - 2} more)" if len(check.problems) > 2 else ""
            )
        table.add_row(
            str(check.size),
            "yes" if check.exact else "no",
            shape(check.output_shape) if check.output_shape is not None else "—",
            why,
        )
    return Group(table, Text(f"exact sizes: {describe_exact(checks)}"))


def sizes_json(checks: list[SizeCheck]) -> dict[str, Any]:
    from cnncalc.render.json_report import shape_json

    return {
        "schema": SIZES_SCHEMA,
        "sizes": [
            {
                "size": check.size,
                "input_shape": shape_json(check.input_shape) if check.input_shape is not None else None,
                "exact": check.exact,
                "output_shape": shape_json(check.output_shape) if check.output_shape is not None else None,
                "problems": list(check.problems),
                "error": check.error,
            }
            for check in checks
        ],
        "exact": [check.size for check in checks if check.exact],
    }
