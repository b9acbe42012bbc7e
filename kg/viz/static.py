"""A static picture of a view (PNG or SVG) for papers and slides, drawn with matplotlib from the same layout.

No browser is involved. Text is drawn with math parsing off (a ``$`` in a name stays a dollar sign), and SVG text is
converted to paths, so no name can inject markup into the SVG.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.viz.styles import style_of

log = logging.getLogger(__name__)

FORMATS = ("png", "svg", "pdf")
MAX_LABELS = 60  #: label only the biggest nodes so that the picture stays readable
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _plain(text: str) -> str:
    return _CONTROL.sub(" ", text)


def write_picture(payload: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Draw the view ``payload`` (from :func:`kg.viz.payload.view_payload`) to ``path`` (.png, .svg or .pdf).

    Raises:
        InputError: the suffix is not a supported format.
    """
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(
            f"Cannot write a picture to {path}: the suffix must be one of {', '.join('.' + f for f in FORMATS)}."
        )
    nodes = payload["nodes"]
    pos = {n["id"]: (n["x"], -n["y"]) for n in nodes}  # vis y grows downwards
    n = len(nodes)
    w, h = (12, 9) if n <= 300 else (18, 13.5)
    fig = Figure(figsize=(w, h), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.93))
    ax.set_axis_off()
    segs = [(pos[e["from"]], pos[e["to"]]) for e in payload["edges"] if e["from"] in pos and e["to"] in pos]
    if segs:
        widths = [0.4 + 0.25 * float(e.get("width", 1)) for e in payload["edges"] if e["from"] in pos and e["to"] in pos]
        ax.add_collection(LineCollection(segs, colors="#8a939c", linewidths=widths, alpha=0.55 if n > 300 else 0.8, zorder=1))
    scale = 1.0 if n <= 300 else 0.45
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for node in nodes:
        by_kind.setdefault(node["kg"]["kind"], []).append(node)
    for entry in payload.get("legend", []):
        kind = entry["kind"]
        items = by_kind.get(kind, [])
        if not items:
            continue
        st = style_of(kind)
        ax.scatter(
            [pos[i["id"]][0] for i in items],
            [pos[i["id"]][1] for i in items],
            s=[(float(i.get("size", 10)) * 1.5 * scale) ** 2 / 4 for i in items],
            c=st.color,
            edgecolors=st.border,
            linewidths=0.8,
            marker=st.marker,
            zorder=2,
        )
    ranked = sorted(nodes, key=lambda i: (-float(i.get("size", 0)), i["id"]))[:MAX_LABELS]
    for node in ranked:
        x, y = pos[node["id"]]
        # below the marker: half its size in points, plus a small gap
        offset = float(node.get("size", 10)) * 1.5 * scale / 2 + 2
        ax.annotate(
            _plain(node.get("label", "")), (x, y), xytext=(0, -offset), textcoords="offset points",
            fontsize=7 if n <= 300 else 5, ha="center", va="top", zorder=3, parse_math=False, annotation_clip=True,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.6},
        )
    if pos:
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        # room for labels, which hang below and spread sideways past the outermost nodes
        padx = 0.12 * (max(xs) - min(xs)) + 40.0
        pady = 0.06 * (max(ys) - min(ys)) + 40.0
        ax.set_xlim(min(xs) - padx, max(xs) + padx)
        ax.set_ylim(min(ys) - 1.5 * pady, max(ys) + pady)
    handles = [
        Line2D([], [], linestyle="", marker=style_of(e["kind"]).marker, markersize=8,
               markerfacecolor=style_of(e["kind"]).color, markeredgecolor=style_of(e["kind"]).border, label=e["kind"])
        for e in payload.get("legend", [])
    ]
    if handles:
        ax.legend(handles=handles, loc="upper left", fontsize=8, frameon=True, framealpha=0.85)
    stats = payload.get("stats", {})
    fig.suptitle(
        _plain(f"{payload.get('title', '')}  ({stats.get('nodes', n)} nodes, {stats.get('edges', len(segs))} edges)"),
        fontsize=11, parse_math=False,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # fixed salt and no date keep the files byte-identical across runs
    meta = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}, "pdf": {"CreationDate": None, "Producer": None, "Creator": None}}[fmt]
    with rc_context({"svg.hashsalt": "kg-view", "svg.fonttype": "path", "pdf.compression": 6}):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            fig.savefig(path, format=fmt, metadata=meta, facecolor="white")
    log.info("wrote %s", path)
    return path
