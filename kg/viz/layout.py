"""Node positions computed before the page opens, so the browser only has to settle, not to lay out.

The algorithm is networkx's Fruchterman-Reingold (``spring_layout``: same forces, cooling and seeding) vectorised in
float32 NumPy, plus a weak pull towards the centre. networkx's own implementation switches, from 500 nodes on, to a
sparse solver that needs SciPy and loops in Python (about 18 s for 2,000 nodes here, against about 3 s), and without
gravity the components of a sparse view drift apart until every edge shrinks to a dot once the picture is scaled to
fit. Deterministic: same graph, same order, same seed -> same coordinates, rounded so that pages are byte-identical.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np

SEED = 7
LARGE = 400  #: from this many nodes on, run fewer iterations
#: pull towards the centre (in units of the repulsion at distance k); keeps disconnected parts of a view near each
#: other, so that edges do not shrink to dots when a few components drift apart (networkx's FR has none)
GRAVITY = 0.1


def _fruchterman_reingold(n: int, edges: Sequence[tuple[int, int, float]], iterations: int, seed: int) -> np.ndarray:
    """Fruchterman-Reingold with networkx's force model: dense float32 repulsion, sparse attraction along edges."""
    rng = np.random.RandomState(seed)
    pos = rng.rand(n, 2).astype(np.float32) - np.float32(0.5)
    src = np.array([a for a, b, _ in edges], dtype=np.intp)
    dst = np.array([b for a, b, _ in edges], dtype=np.intp)
    wts = np.array([w for _, _, w in edges], dtype=np.float32)
    k = np.float32(math.sqrt(1.0 / n))
    k2 = k * k
    temp = np.float32(0.1)
    step = temp / np.float32(iterations + 1)
    # preallocated n x n buffers: the loop is memory-bound, so avoiding temporaries is most of the speed
    dx = np.empty((n, n), np.float32)
    dy = np.empty((n, n), np.float32)
    f = np.empty((n, n), np.float32)
    tmp = np.empty((n, n), np.float32)
    for _ in range(iterations):
        x = pos[:, 0]
        y = pos[:, 1]
        np.subtract(x[:, None], x[None, :], out=dx)
        np.subtract(y[:, None], y[None, :], out=dy)
        np.multiply(dx, dx, out=f)
        np.multiply(dy, dy, out=tmp)
        f += tmp
        np.maximum(f, np.float32(1e-4), out=f)
        np.divide(k2, f, out=f)  # repulsion k^2/d along the unit vector = k^2/d^2 along (dx, dy)
        np.multiply(dx, f, out=tmp)
        rx = tmp.sum(axis=1)
        np.multiply(dy, f, out=tmp)
        ry = tmp.sum(axis=1)
        disp = np.stack([rx, ry], axis=1)
        if len(src):  # attraction w*d^2/k along each edge
            delta = pos[src] - pos[dst]
            pull = (wts * np.sqrt((delta * delta).sum(axis=1)) / k)[:, None] * delta
            np.subtract.at(disp, src, pull)
            np.add.at(disp, dst, pull)
        disp -= np.float32(GRAVITY) * pos / k
        length = np.sqrt((disp * disp).sum(axis=1))
        length = np.where(length < 0.01, np.float32(0.1), length)
        pos += disp * (temp / length)[:, None]
        temp -= step
    pos -= pos.mean(axis=0)
    return pos


def layout(nodes: Sequence[str], edges: Iterable[tuple[str, str, float]], *, seed: int = SEED) -> dict[str, tuple[int, int]]:
    """Positions (integer pixels, centred on 0) for ``nodes`` joined by weighted ``edges``.

    The canvas grows with the square root of the node count so that the density stays readable.
    """
    n = len(nodes)
    if n == 0:
        return {}
    scale = 120.0 * math.sqrt(n) + 150.0
    if n == 1:
        return {nodes[0]: (0, 0)}
    index = {node: i for i, node in enumerate(nodes)}
    weighted: dict[tuple[int, int], float] = {}
    for a, b, w in edges:
        if a in index and b in index and a != b:
            key = (min(index[a], index[b]), max(index[a], index[b]))
            weighted[key] = weighted.get(key, 0.0) + float(w)
    iterations = 80 if n < LARGE else (60 if n <= 1000 else 50)
    arr = _fruchterman_reingold(n, [(a, b, w) for (a, b), w in sorted(weighted.items())], iterations, seed)
    arr = arr.astype(np.float64)
    span = float(np.abs(arr).max()) or 1.0
    arr = arr / span * scale
    return {node: (int(round(arr[i, 0])), int(round(arr[i, 1]))) for i, node in enumerate(nodes)}
