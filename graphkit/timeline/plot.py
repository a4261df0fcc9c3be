"""Draw the weak-signal maps of :func:`graphkit.timeline.weaksignals.signal_map`: a PNG (matplotlib, Agg
backend, imported only when a PNG is asked for) or a self-contained HTML page with inline SVG
(no JavaScript, no network; every label escaped).

Both show the two maps side by side — emergence (average TF × DoV growth) and issue (average DF
× DoD growth) — with the median lines that cut them into quadrants, the quadrants' names, and
labelled points. Items at exactly the same place share one point and one label ("A, B +2").
Items seen in one period only have no growth rate and are not drawn (the caption counts them).
Labels that would overlap an earlier one are dropped, weak signals being labelled first, and at
most :data:`MAX_LABELS` per map are printed.
"""

from __future__ import annotations

import html
from pathlib import Path

from graphkit.timeline.weaksignals import QUADRANTS

COLOURS = {"weak": "#d62728", "strong": "#2ca02c", "latent": "#7f7f7f", "well-known": "#1f77b4"}
MAPS = {
    "emergence": (
        "Emergence map",
        "avg_tf",
        "dov_growth",
        "average TF per period (mentions)",
        "growth rate of DoV per period (%)",
    ),
    "issue": (
        "Issue map",
        "avg_df",
        "dod_growth",
        "average DF per period (articles)",
        "growth rate of DoD per period (%)",
    ),
}
#: Label priority: weak signals first.
_PRIORITY = {"weak": 0, "strong": 1, "latent": 2, "well-known": 3}
MAX_LABEL = 28
#: At most this many labels per map (weak signals first): beyond, a map is unreadable anyway and
#: placing labels gets slow; every point stays drawn and the HTML tooltips name them all.
MAX_LABELS = 80


def map_points(result: dict, which: str) -> tuple[list[dict], int]:
    """Points of one map: items with a growth rate, grouped when they sit at the same place.

    Returns ``(points, not_drawn)``; each point has ``x``, ``y`` (growth in %), ``quadrant``,
    ``labels`` (its items' labels) and ``label`` (short text to print).

    Examples
    --------
    >>> res = {"items": [{"label": "A", "avg_tf": 1.0, "dov_growth": 0.5, "emergence": "weak"},
    ...                  {"label": "B", "avg_tf": 1.0, "dov_growth": 0.5, "emergence": "weak"},
    ...                  {"label": "C", "avg_tf": 2.0, "dov_growth": None, "emergence": "latent"}]}
    >>> points, not_drawn = map_points(res, "emergence")
    >>> points[0]["label"], points[0]["y"], not_drawn
    ('A, B', 50.0, 1)
    """
    _, xkey, ykey, _, _ = MAPS[which]
    groups: dict[tuple, dict] = {}
    not_drawn = 0
    for it in result["items"]:
        if it[ykey] is None:
            not_drawn += 1
            continue
        key = (round(it[xkey], 9), round(it[ykey], 9))
        g = groups.setdefault(key, {"x": it[xkey], "y": it[ykey] * 100.0, "quadrant": it[which], "labels": []})
        g["labels"].append(it["label"])
    points = []
    for g in groups.values():
        names = [_short(x) for x in g["labels"]]
        g["label"] = ", ".join(names[:2]) + (f" +{len(names) - 2}" if len(names) > 2 else "")
        points.append(g)
    points.sort(key=lambda p: (_PRIORITY[p["quadrant"]], -abs(p["y"]), p["label"]))
    return points, not_drawn


def _log_x(xs: list[float]) -> bool:
    """Whether the x values span enough orders of magnitude to need a log scale (Zipf-like
    counts of a large corpus), all being positive.

    >>> _log_x([0.1, 0.2, 0.5]), _log_x([0.1, 20.0])
    (False, True)
    """
    return bool(xs) and min(xs) > 0 and max(xs) / min(xs) > 30


def _short(label: str) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _title(result: dict, title: str | None) -> str:
    periods = result["periods"]
    span = f"{periods[0]} – {periods[-1]}, {len(periods)} periods" if periods else "no dated article"
    return title or f"Weak-signal map ({span}; tw = {result['tw']}, {result['growth']} growth)"


# -- PNG ------------------------------------------------------------------------------------------


def write_png(result: dict, path: str | Path, *, title: str | None = None, dpi: int = 110) -> Path:
    """Draw both maps into a PNG file (matplotlib, Agg backend).

    Returns the path written.
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(16, 7.5), dpi=dpi)
    try:
        fig.suptitle(_title(result, title), fontsize=13)
        for ax, which in zip(axes, MAPS):
            _draw_panel(fig, ax, result, which)
        fig.tight_layout(rect=(0, 0, 1, 0.95))
        # place labels after layout, in final display coordinates
        fig.canvas.draw()
        for ax, which in zip(axes, MAPS):
            _place_labels(fig, ax, map_points(result, which)[0])
        path = Path(path)
        from graphkit.store.folder import atomic_output

        with atomic_output(path) as tmp:
            fig.savefig(tmp, format="png")
    finally:
        plt.close(fig)
    return path


def _draw_panel(fig, ax, result: dict, which: str) -> None:
    name, xkey, ykey, xlabel, ylabel = MAPS[which]
    points, not_drawn = map_points(result, which)
    for q in QUADRANTS:
        pts = [p for p in points if p["quadrant"] == q]
        if pts:
            ax.scatter(
                [p["x"] for p in pts],
                [p["y"] for p in pts],
                s=[28 + 14 * (len(p["labels"]) - 1) for p in pts],
                c=COLOURS[q],
                label=f"{QUADRANTS[q]} ({sum(len(p['labels']) for p in pts)})",
                alpha=0.8,
                edgecolors="white",
                linewidths=0.6,
                zorder=3,
            )
    mx, my = result["medians"][xkey], result["medians"][ykey]
    if mx is not None:
        ax.axvline(mx, color="black", linestyle="--", linewidth=0.9, zorder=2)
    if my is not None:
        ax.axhline(my * 100.0, color="black", linestyle="--", linewidth=0.9, zorder=2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    caption = f"{len(result['items']) - not_drawn} items drawn"
    if not_drawn:
        caption += f"; {not_drawn} seen in one period only (no growth rate) not drawn"
    what = f" of {result['by']}s" if result.get("by") else ""
    ax.set_title(f"{name}{what}\n{caption}", fontsize=10)
    ax.grid(True, alpha=0.25, zorder=0)
    if points:
        xs = [p["x"] for p in points]
        ys = [p["y"] for p in points]
        dy = (max(ys) - min(ys)) or max(abs(ys[0]), 1.0)
        if _log_x(xs):
            ax.set_xscale("log")
            ax.set_xlim(min(xs) / 1.3, max(xs) * 3.0)
            ax.set_xlabel(xlabel + ", log scale")
        else:
            dx = (max(xs) - min(xs)) or max(abs(xs[0]), 1e-3)
            ax.set_xlim(min(xs) - 0.08 * dx, max(xs) + 0.3 * dx)
        ax.set_ylim(min(ys) - 0.1 * dy, max(ys) + 0.12 * dy)
    corners = {
        "weak": (0.01, 0.99, "left", "top"),
        "strong": (0.99, 0.99, "right", "top"),
        "latent": (0.01, 0.01, "left", "bottom"),
        "well-known": (0.99, 0.01, "right", "bottom"),
    }
    for q, (x, y, ha, va) in corners.items():
        ax.text(
            x,
            y,
            QUADRANTS[q],
            transform=ax.transAxes,
            ha=ha,
            va=va,
            fontsize=10,
            fontweight="bold",
            color=COLOURS[q],
            alpha=0.9,
            zorder=1,
        )
    if points:  # below the map, where it hides neither points nor quadrant names
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=4, fontsize=8, frameon=False)


def _place_labels(fig, ax, points: list[dict]) -> None:
    """Label points greedily, trying four positions around each; drop a label that would overlap
    another label, a marker, the legend or a quadrant name. Boxes are computed from the text's
    size (no trial artists), and overlaps tested on arrays: fast with thousands of points."""
    import numpy as np
    from matplotlib.font_manager import FontProperties

    renderer = fig.canvas.get_renderer()
    fixed = [ax.get_legend().get_window_extent(renderer)] if ax.get_legend() else []
    fixed += [t.get_window_extent(renderer) for t in ax.texts]  # quadrant names
    box = ax.get_window_extent(renderer)
    xy = ax.transData.transform([(p["x"], p["y"]) for p in points]) if points else np.zeros((0, 2))
    r = 5.0  # marker half-size, pixels
    boxes = np.empty((len(fixed) + len(points) + MAX_LABELS, 4))
    boxes[: len(fixed)] = [[b.x0, b.y0, b.x1, b.y1] for b in fixed]
    boxes[len(fixed) : len(fixed) + len(points)] = np.column_stack(
        [xy[:, 0] - r, xy[:, 1] - r, xy[:, 0] + r, xy[:, 1] + r]
    )
    n = len(fixed) + len(points)
    font = FontProperties(size=8)
    ox, oy = 5 * fig.dpi / 72, 3 * fig.dpi / 72  # the annotation offsets below, in pixels
    placed = 0
    for p, (x, y) in zip(points, xy):
        if placed >= MAX_LABELS:
            break
        w, h, _ = renderer.get_text_width_height_descent(p["label"], font, ismath=False)
        for dx, dy, ha, va, (x0, y0) in (
            (5, 3, "left", "bottom", (x + ox, y + oy)),
            (5, -3, "left", "top", (x + ox, y - oy - h)),
            (-5, 3, "right", "bottom", (x - ox - w, y + oy)),
            (-5, -3, "right", "top", (x - ox - w, y - oy - h)),
        ):
            x1, y1 = x0 + w, y0 + h
            if x0 < box.x0 or x1 > box.x1 or y0 < box.y0 or y1 > box.y1:
                continue
            b = boxes[:n]
            if np.any((b[:, 0] < x1) & (x0 < b[:, 2]) & (b[:, 1] < y1) & (y0 < b[:, 3])):
                continue
            # Labels are digest text: "$…$" must stay text, never matplotlib mathtext.
            ax.annotate(
                p["label"],
                (p["x"], p["y"]),
                xytext=(dx, dy),
                textcoords="offset points",
                parse_math=False,
                ha=ha,
                va=va,
                fontsize=8,
                color="#222222",
                zorder=4,
            )
            boxes[n] = (x0 - 1, y0 - 1, x1 + 1, y1 + 1)
            n += 1
            placed += 1
            break


# -- HTML -----------------------------------------------------------------------------------------

_W, _H = 620, 460
_M = {"left": 64, "right": 16, "top": 44, "bottom": 52}


def write_html(result: dict, path: str | Path, *, title: str | None = None) -> Path:
    """Write both maps as one self-contained HTML page (inline SVG, no script), with a table of
    every item below. Labels are HTML-escaped."""
    from graphkit.store.folder import atomic_write

    page_title = _title(result, title)
    panels = "\n".join(_svg_panel(result, which) for which in MAPS)
    rows = "\n".join(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.3f}</td><td>{}</td><td>{:.3f}</td><td>{}</td><td>{}</td></tr>".format(
            html.escape(str(it["label"])),
            html.escape(QUADRANTS[it["emergence"]]),
            html.escape(QUADRANTS[it["issue"]]),
            it["avg_tf"],
            _pct(it["dov_growth"]),
            it["avg_df"],
            _pct(it["dod_growth"]),
            it["articles"],
        )
        for it in result["items"]
    )
    doc = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(page_title)}</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; color: #222; }}
svg {{ background: #fff; border: 1px solid #ddd; margin: 0 1em 1em 0; }}
svg text {{ font-size: 11px; }} svg .axis {{ font-size: 12px; }} svg .quad {{ font-size: 12px; font-weight: bold; }}
circle:hover {{ stroke: #000; stroke-width: 2; }}
table {{ border-collapse: collapse; font-size: 13px; }} td, th {{ border-bottom: 1px solid #eee; padding: 2px 8px; text-align: left; }}
</style></head><body>
<h1>{html.escape(page_title)}</h1>
<p>Dashed lines: medians. Hover a point for its items and numbers. Items seen in one period only
have no growth rate and are listed below but not drawn.</p>
<div>{panels}</div>
<table><thead><tr><th>item</th><th>emergence map</th><th>issue map</th><th>avg TF</th><th>DoV growth</th>
<th>avg DF</th><th>DoD growth</th><th>articles</th></tr></thead><tbody>
{rows}
</tbody></table>
</body></html>
"""
    path = Path(path)
    atomic_write(path, doc.encode("utf-8"))
    return path


def _pct(rate) -> str:
    return "—" if rate is None else f"{rate * 100:+.1f} %"


def _svg_panel(result: dict, which: str) -> str:
    name, xkey, ykey, xlabel, ylabel = MAPS[which]
    points, not_drawn = map_points(result, which)
    mx, my = result["medians"][xkey], result["medians"][ykey]
    xs = [p["x"] for p in points] + ([mx] if mx is not None else [])
    ys = [p["y"] for p in points] + ([my * 100.0] if my is not None else [])
    import math

    logx = _log_x(xs)
    x0, x1 = (min(xs), max(xs)) if xs else (0.0, 1.0)
    y0, y1 = (min(ys), max(ys)) if ys else (0.0, 1.0)
    dx, dy = (x1 - x0) or 1.0, (y1 - y0) or 1.0
    if logx:
        x0, x1 = x0 / 1.3, x1 * 3.0
        xlabel += ", log scale"
    else:
        x0, x1 = x0 - 0.06 * dx, x1 + 0.25 * dx
    y0, y1 = y0 - 0.08 * dy, y1 + 0.1 * dy
    pw, ph = _W - _M["left"] - _M["right"], _H - _M["top"] - _M["bottom"]

    def sx(x):
        if logx:
            return _M["left"] + (math.log10(x) - math.log10(x0)) / (math.log10(x1) - math.log10(x0)) * pw
        return _M["left"] + (x - x0) / (x1 - x0) * pw

    def sy(y):
        return _M["top"] + (1 - (y - y0) / (y1 - y0)) * ph

    e = html.escape
    name += f" of {result['by']}s" if result.get("by") else ""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-label="{e(name)}">',
        f'<text x="{_W / 2:.0f}" y="18" text-anchor="middle" class="axis" font-weight="bold">{e(name)}</text>',
        f'<text x="{_W / 2:.0f}" y="34" text-anchor="middle">{len(result["items"]) - not_drawn} items drawn'
        + (f"; {not_drawn} seen in one period only not drawn" if not_drawn else "")
        + "</text>",
        f'<rect x="{_M["left"]}" y="{_M["top"]}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>',
    ]
    xticks = (
        [10.0**k for k in range(math.ceil(math.log10(x0)), math.floor(math.log10(x1)) + 1)] if logx else _ticks(x0, x1)
    )
    for xv in xticks:
        out.append(f'<line x1="{sx(xv):.1f}" y1="{_M["top"]}" x2="{sx(xv):.1f}" y2="{_M["top"] + ph}" stroke="#eee"/>')
        out.append(f'<text x="{sx(xv):.1f}" y="{_M["top"] + ph + 16}" text-anchor="middle">{xv:.4g}</text>')
    for yv in _ticks(y0, y1):
        out.append(
            f'<line x1="{_M["left"]}" y1="{sy(yv):.1f}" x2="{_M["left"] + pw}" y2="{sy(yv):.1f}" stroke="#eee"/>'
        )
        out.append(f'<text x="{_M["left"] - 6}" y="{sy(yv) + 4:.1f}" text-anchor="end">{yv:.4g}</text>')
    out.append(
        f'<text x="{_M["left"] + pw / 2:.0f}" y="{_H - 10}" text-anchor="middle" class="axis">{e(xlabel)}</text>'
    )
    out.append(
        f'<text transform="translate(16 {_M["top"] + ph / 2:.0f}) rotate(-90)" text-anchor="middle" '
        f'class="axis">{e(ylabel)}</text>'
    )
    if mx is not None:
        out.append(
            f'<line x1="{sx(mx):.1f}" y1="{_M["top"]}" x2="{sx(mx):.1f}" y2="{_M["top"] + ph}" '
            'stroke="#000" stroke-dasharray="5 4"/>'
        )
    if my is not None:
        out.append(
            f'<line x1="{_M["left"]}" y1="{sy(my * 100):.1f}" x2="{_M["left"] + pw}" y2="{sy(my * 100):.1f}" '
            'stroke="#000" stroke-dasharray="5 4"/>'
        )
    corners = {
        "weak": (_M["left"] + 6, _M["top"] + 16, "start"),
        "strong": (_M["left"] + pw - 6, _M["top"] + 16, "end"),
        "latent": (_M["left"] + 6, _M["top"] + ph - 8, "start"),
        "well-known": (_M["left"] + pw - 6, _M["top"] + ph - 8, "end"),
    }
    taken = []
    for q, (x, y, anchor) in corners.items():
        out.append(
            f'<text x="{x}" y="{y}" text-anchor="{anchor}" class="quad" fill="{COLOURS[q]}">{e(QUADRANTS[q])}</text>'
        )
        w = 7.5 * len(QUADRANTS[q])
        taken.append((x - (w if anchor == "end" else 0), y - 12, w, 14))
    for p in points:
        cx, cy = sx(p["x"]), sy(p["y"])
        tip = f"{'; '.join(p['labels'])} — {QUADRANTS[p['quadrant']]}; x = {p['x']:.3g}, growth = {p['y']:+.1f} %"
        out.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{4 + min(6, len(p["labels"]) - 1)}" fill="{COLOURS[p["quadrant"]]}" '
            f'fill-opacity="0.8"><title>{e(tip)}</title></circle>'
        )
    taken += [(sx(p["x"]) - 4, sy(p["y"]) - 4, 8, 8) for p in points]  # keep labels off the markers
    placed = 0
    for p in points:  # labels after points, greedily without overlaps (6.2 px per character)
        if placed >= MAX_LABELS:
            break
        cx, cy = sx(p["x"]), sy(p["y"])
        w, h = 6.2 * len(p["label"]), 12
        for bx, by, anchor in (
            (cx + 6, cy - 4, "start"),
            (cx + 6, cy + 12, "start"),
            (cx - 6, cy - 4, "end"),
            (cx - 6, cy + 12, "end"),
        ):
            rect = (bx - (w if anchor == "end" else 0), by - 10, w, h)
            inside = (
                _M["left"] <= rect[0]
                and rect[0] + w <= _M["left"] + pw
                and _M["top"] <= rect[1]
                and rect[1] + h <= _M["top"] + ph
            )
            if inside and not any(_overlap(rect, o) for o in taken):
                taken.append(rect)
                placed += 1
                out.append(f'<text x="{bx:.1f}" y="{by:.1f}" text-anchor="{anchor}">{e(p["label"])}</text>')
                break
    out.append("</svg>")
    return "\n".join(out)


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 × 10^k) inside ``[lo, hi]``.

    >>> _ticks(-31.9, 16.8)
    [-30, -20, -10, 0, 10]
    """
    import math

    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 12) for i in range(int((hi - first) / step + 1e-9) + 1)]


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def write_plot(result: dict, path: str | Path, *, title: str | None = None) -> Path:
    """PNG or HTML by the file's suffix (``.png``, ``.html``/``.htm``); ``ValueError`` otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix == ".png":
        return write_png(result, path, title=title)
    if suffix in (".html", ".htm"):
        return write_html(result, path, title=title)
    raise ValueError(f"--plot {path}: use a .png or .html file name")
