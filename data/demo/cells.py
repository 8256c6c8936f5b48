"""Geometry helpers for the generator: split big blocks into cells, and balanced partitions.

All coordinates metric (EPSG:4549); areas in m².
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray


def split_large(polys: NDArray[np.object_], max_area: float) -> NDArray[np.object_]:
    """Halve every polygon larger than max_area across its longer side until none is.

    The two halves are the polygon intersected with the two halves of its bounding box,
    so they share their cut edge exactly and together cover the original.
    """
    done: list[object] = []
    todo = np.asarray(polys, dtype=object)
    while len(todo):
        big = shapely.area(todo) > max_area
        done.extend(todo[~big])
        todo = todo[big]
        if not len(todo):
            break
        b = shapely.bounds(todo)
        wide = (b[:, 2] - b[:, 0]) >= (b[:, 3] - b[:, 1])
        mx, my = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
        x1 = np.where(wide, mx, b[:, 2])
        y1 = np.where(wide, b[:, 3], my)
        x0 = np.where(wide, mx, b[:, 0])
        y0 = np.where(wide, b[:, 1], my)
        box_a = shapely.box(b[:, 0], b[:, 1], x1, y1)
        box_b = shapely.box(x0, y0, b[:, 2], b[:, 3])
        halves = np.concatenate(
            [shapely.intersection(todo, box_a), shapely.intersection(todo, box_b)]
        )
        halves = _polygonal(halves)
        todo = halves[~shapely.is_empty(halves)]
    return np.asarray(done, dtype=object)


def _polygonal(geoms: NDArray[np.object_]) -> NDArray[np.object_]:
    """Keep only the polygonal parts (intersections can add stray lines and points)."""
    out = []
    for g in geoms:
        if g.geom_type in ("Polygon", "MultiPolygon"):
            out.append(g)
        else:
            parts = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon" and p.area > 0]
            out.append(shapely.multipolygons(parts) if parts else shapely.Polygon())
    return np.asarray(out, dtype=object)


def bisect(
    x: NDArray[np.float64], y: NDArray[np.float64], w: NDArray[np.float64], parts: int
) -> NDArray[np.int64]:
    """Recursive coordinate bisection: `parts` compact groups of near-equal total weight.

    Returns a group number (0..parts-1) per item, numbered west-to-east / south-to-north
    along each cut, so the numbering is deterministic for the same input.
    """
    labels = np.zeros(len(x), dtype=np.int64)

    def rec(idx: NDArray[np.int64], k: int, first: int) -> None:
        if k <= 1 or len(idx) <= 1:
            labels[idx] = first
            return
        xs, ys = x[idx], y[idx]
        key = xs if np.ptp(xs) >= np.ptp(ys) else ys
        order = idx[np.argsort(key, kind="stable")]
        k_left = k // 2
        cw = np.cumsum(w[order])
        target = cw[-1] * k_left / k
        cut = int(np.searchsorted(cw, target))
        cut = min(max(cut, k_left if len(order) >= k else 1), len(order) - 1)
        rec(order[:cut], k_left, first)
        rec(order[cut:], k - k_left, first + k_left)

    rec(np.arange(len(x)), max(1, parts), 0)
    return labels


def random_points_in(
    polys: NDArray[np.object_], rng: np.random.Generator, tries: int = 30
) -> NDArray[np.object_]:
    """One uniform random point inside each polygon (rejection sampling in its bbox)."""
    out = shapely.point_on_surface(polys)
    todo = np.flatnonzero(~shapely.is_empty(polys))
    b = shapely.bounds(polys)
    shapely.prepare(polys)
    for _ in range(tries):
        if not len(todo):
            break
        px = rng.uniform(b[todo, 0], b[todo, 2])
        py = rng.uniform(b[todo, 1], b[todo, 3])
        pts = shapely.points(px, py)
        ok = shapely.contains(polys[todo], pts)
        out[todo[ok]] = pts[ok]
        todo = todo[~ok]
    return out


def bisect_capped(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    w: NDArray[np.float64],
    size: NDArray[np.float64],
    cap: float,
    target: float,
) -> NDArray[np.int64]:
    """Split into compact groups whose `size` total is at most `cap` (aiming at `target`).

    Each step cuts along the longer axis so that the left side gets floor(k/2)/k of the
    weight, k = ceil(size/target); a group stops splitting when within the cap or a
    single item. Groups are numbered 0.. in cut order (deterministic).
    """
    labels = np.zeros(len(x), dtype=np.int64)
    counter = [0]

    def rec(idx: NDArray[np.int64]) -> None:
        total = size[idx].sum()
        if total <= cap or len(idx) <= 1:
            labels[idx] = counter[0]
            counter[0] += 1
            return
        k = max(2, int(np.ceil(total / target)))
        xs, ys = x[idx], y[idx]
        key = xs if np.ptp(xs) >= np.ptp(ys) else ys
        order = idx[np.argsort(key, kind="stable")]
        cw = np.cumsum(w[order])
        cut = int(np.searchsorted(cw, cw[-1] * (k // 2) / k))
        cut = min(max(cut, 1), len(order) - 1)
        rec(order[:cut])
        rec(order[cut:])

    rec(np.arange(len(x)))
    return labels
