"""Drawing a :class:`~cnncalc.diagram.Layout` as a self-contained SVG (or an HTML page).

No external fonts, scripts or images: generic font families only. Every element of
a layer sits in a ``<g class="layer">`` carrying ``data-rows`` (the summary rows it
stands for), so tests and tools can find them.
"""

from __future__ import annotations

from html import escape
from typing import Any

from cnncalc.analysis import Report
from cnncalc.diagram import TIMES, Item, Layout, shape_text
from cnncalc.receptive import Field
from cnncalc.render import formatting as fmt

THEMES: dict[str, dict[str, Any]] = {
    "light": {
        "background": "#ffffff", "text": "#1d2330", "muted": "#5b6474", "edge": "#7a8394",
        "volume": ("#9cc9e8", "#6fa8d2", "#4f86b5"), "input": ("#d4d7de", "#b8bcc6", "#9ba0ad"),
        "vector": ("#f6b26b", "#e69138", "#b45f06"), "node": ("#eef4fb", "#3a6ea5"),
        "add": ("#fdf1d6", "#c98a00"), "concat": ("#e4f3e4", "#3c8d3c"), "frame": "#9aa3b5", "kernel": "#d1495b",
    },
    "dark": {
        "background": "#1b1e25", "text": "#e8ebf2", "muted": "#a6adbb", "edge": "#8c94a6",
        "volume": ("#3f6f99", "#335a7d", "#284863"), "input": ("#5a5f6b", "#4a4e58", "#3c3f47"),
        "vector": ("#b8742a", "#9a5f20", "#7b4b18"), "node": ("#252b36", "#6fa0d8"),
        "add": ("#3a3222", "#e0b040"), "concat": ("#23352a", "#6cc46c"), "frame": "#5f6878", "kernel": "#ff6b81",
    },
}  # fmt: skip


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(
    x: float, y: float, text: str, *, size: int, color: str, weight: str = "normal", anchor: str = "middle"
) -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" font-weight="{weight}" fill="{color}" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )


def _volume(item: Item, colors: tuple[str, str, str], theme: Any) -> list[str]:
    x, y, w, h, d = item.x, item.y, item.width, item.height, item.depth
    rise = d * 0.6
    front, top, side = colors
    parts = [
        f'<polygon points="{_n(x)},{_n(y)} {_n(x + d)},{_n(y - rise)} {_n(x + w + d)},{_n(y - rise)} {_n(x + w)},{_n(y)}" fill="{top}" stroke="{side}" stroke-width="0.6"/>',
        f'<polygon points="{_n(x + w)},{_n(y)} {_n(x + w + d)},{_n(y - rise)} {_n(x + w + d)},{_n(y + h - rise)} {_n(x + w)},{_n(y + h)}" fill="{side}" stroke="{side}" stroke-width="0.6"/>',
        f'<rect class="box" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{front}" stroke="{side}" stroke-width="0.6"/>',
    ]
    if item.kernel is not None:  # a parallelogram on the H x W side face, near its top front corner
        along_w, along_h = item.kernel
        u0, v0 = 0.12, 0.1

        def point(u: float, v: float) -> str:
            return f"{_n(x + w + u * d)},{_n(y - u * rise + v * h)}"

        corners = [point(u0, v0), point(u0 + along_w, v0), point(u0 + along_w, v0 + along_h), point(u0, v0 + along_h)]
        parts.append(
            f'<polygon class="kernel" points="{" ".join(corners)}" fill="none" stroke="{theme["kernel"]}" stroke-width="1.2"/>'
        )
    return parts


def _labels(item: Item, theme: Any, below: float, centre: float) -> list[str]:
    lines = [(item.title, 12, str(theme["text"]), "bold")]
    if item.detail:
        lines.append((item.detail, 10, str(theme["muted"]), "normal"))
    lines.append((item.shape, 11, str(theme["text"]), "normal"))
    out = []
    y = below
    for text, size, color, weight in lines:
        out.append(_text(centre, y, text, size=size, color=color, weight=weight))
        y += size + 3
    return out


def _item(item: Item, theme: Any) -> str:
    rows = ",".join(map(str, item.lines))
    body: list[str] = [f"<title>{escape(item.title)} → {escape(item.shape)}</title>"]
    if item.kind in ("volume", "input") and item.depth:
        colors = theme["input"] if item.kind == "input" else theme["volume"]
        body += _volume(item, colors, theme)
        body += _labels(item, theme, item.y + item.height + 16, item.x + (item.width + item.depth) / 2)
    elif item.kind == "vector":
        front, _, edge = theme["vector"]
        body.append(
            f'<rect class="box" x="{_n(item.x)}" y="{_n(item.y)}" width="{_n(item.width)}" height="{_n(item.height)}" rx="2" fill="{front}" stroke="{edge}"/>'
        )
        body += _labels(item, theme, item.y + item.height + 16, item.x + item.width / 2)
    elif item.kind == "add":
        fill, stroke = theme["add"]
        cx, cy = item.x + item.width / 2, item.y + item.height / 2
        body.append(
            f'<rect class="box" x="{_n(item.x)}" y="{_n(item.y)}" width="{_n(item.width)}" height="{_n(item.height)}" fill="none" stroke="none"/>'
        )
        body.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="13" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>')
        body.append(_text(cx, cy + 5, item.symbol, size=16, color=str(stroke), weight="bold"))
        after = f"{item.shape}  {item.detail}" if item.detail else item.shape
        body.append(_text(cx - 20, cy + 4, after, size=11, color=str(theme["text"]), anchor="end"))
    else:
        fill, stroke = theme["concat"] if item.kind == "concat" else theme["node"]
        body.append(
            f'<rect class="box" x="{_n(item.x)}" y="{_n(item.y)}" width="{_n(item.width)}" height="{_n(item.height)}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.2"/>'
        )
        cx = item.x + item.width / 2
        if item.kind == "concat":
            body.append(
                _text(cx, item.y + 19, f"{item.title} → {item.shape}", size=11, color=str(theme["text"]), weight="bold")
            )
        else:
            body.append(_text(cx, item.y + 16, item.title, size=12, color=str(theme["text"]), weight="bold"))
            if item.detail:
                body.append(_text(cx, item.y + 29, item.detail, size=10, color=str(theme["muted"])))
            body.append(_text(cx, item.y + (42 if item.detail else 34), item.shape, size=11, color=str(theme["text"])))
    return (
        f'<g class="layer" data-kind="{item.kind}" data-rows="{rows}" data-shape="{escape(item.shape)}">'
        + "".join(body)
        + "</g>"
    )


def _edge(layout: Layout, index: int, theme: Any) -> str:
    edge = layout.edges[index]
    a, b = layout.items[edge.source], layout.items[edge.target]
    color = theme["edge"]
    if layout.mode == "boxes":
        start_x = a.x + a.width + a.depth + 4
        end_x = b.x - 4
        y = b.y + b.height / 2
        start_y = a.y + a.height / 2
        return f'<path d="M{_n(start_x)},{_n(start_y)} L{_n(end_x)},{_n(y)}" stroke="{color}" stroke-width="1" fill="none" marker-end="url(#arrow)"/>'
    if edge.skip:  # around the nodes of its lane, on the right
        sx, sy = a.x + a.width, a.y + a.height / 2
        tx, ty = b.x + b.width, b.y + b.height / 2
        bulge = max(sx, tx) + 22
        return (
            f'<path d="M{_n(sx)},{_n(sy)} C{_n(bulge)},{_n(sy)} {_n(bulge)},{_n(ty)} {_n(tx + 2)},{_n(ty)}" '
            f'stroke="{color}" stroke-width="1.2" stroke-dasharray="4 3" fill="none" marker-end="url(#arrow)"/>'
        )
    sx, sy = a.x + a.width / 2, a.y + a.height
    tx, ty = b.x + b.width / 2, b.y
    middle = (sy + ty) / 2
    return (
        f'<path d="M{_n(sx)},{_n(sy)} C{_n(sx)},{_n(middle)} {_n(tx)},{_n(middle)} {_n(tx)},{_n(ty - 2)}" '
        f'stroke="{color}" stroke-width="1.2" fill="none" marker-end="url(#arrow)"/>'
    )


def render_svg(
    layout: Layout, *, theme: str = "light", width: int | None = None, totals: bool = False, title: str = ""
) -> str:
    colors = THEMES[theme]
    height = layout.height + (30 if totals else 0)
    scale = (width / layout.width) if width else 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(layout.width)} {_n(height)}" '
        f'width="{_n(layout.width * scale)}" height="{_n(height * scale)}" font-family="Helvetica, Arial, sans-serif">',
        f"<title>{escape(title or 'cnncalc diagram')}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colors["edge"]}"/></marker></defs>',
        f'<rect x="0" y="0" width="{_n(layout.width)}" height="{_n(height)}" fill="{colors["background"]}"/>',
    ]
    for frame in layout.frames:
        parts.append(
            f'<g class="repeat" data-count="{frame.count}"><rect x="{_n(frame.x)}" y="{_n(frame.y)}" width="{_n(frame.width)}" '
            f'height="{_n(frame.height)}" rx="8" fill="none" stroke="{colors["frame"]}" stroke-dasharray="6 4"/>'
            + _text(
                frame.x + frame.width,
                frame.y - 5,
                f"×{frame.count}",
                size=13,
                color=str(colors["frame"]),
                weight="bold",
                anchor="end",
            )
            + "</g>"
        )
    parts += [_edge(layout, i, colors) for i in range(len(layout.edges))]
    parts += [_item(item, colors) for item in layout.items]
    if totals:
        parts.append(
            _text(18, height - 14, totals_line(layout.report), size=12, color=str(colors["text"]), anchor="start")
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render_html(layout: Layout, svg: str, title: str, theme: str) -> str:
    from cnncalc.render import formatting as fmt

    colors = THEMES[theme]
    rows = "\n".join(
        f"<tr><td>{row.index}</td><td>{escape((row.label + ': ') if row.label else '')}{escape(row.kind)}</td>"
        f"<td>{escape(fmt.shape(row.output_shape))}</td><td>{fmt.number(row.trainable_params)}</td><td>{fmt.number(row.macs)}</td></tr>"
        for row in layout.report.rows
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>body{{background:{colors["background"]};color:{colors["text"]};font-family:Helvetica,Arial,sans-serif;margin:24px}}
table{{border-collapse:collapse;margin-top:18px;font-size:13px}}td,th{{border:1px solid {colors["frame"]};padding:3px 8px;text-align:right}}
td:nth-child(2),td:nth-child(3){{text-align:left}}</style></head>
<body><h1>{escape(title)}</h1>
{svg}<p>{escape(totals_line(layout.report))}</p>
<table><thead><tr><th>#</th><th>layer</th><th>output</th><th>params</th><th>MACs</th></tr></thead><tbody>
{rows}
</tbody></table></body></html>
"""


def totals_line(report: Report) -> str:
    """``params 61,706   MACs 416.5 K   receptive field 32×32   output 10`` under the drawing."""
    field_ = report.totals.receptive_field
    rf = TIMES.join(map(str, field_.size)) if isinstance(field_, Field) else "n/a"
    return (
        f"params {fmt.number(report.totals.trainable_params)}   MACs {fmt.si(report.totals.macs)}"
        f"   receptive field {rf}   output {shape_text(report.totals.output_shape)}"
    )
