"""An arc's lookback window, packed into ArcState.window_days so an incremental evaluation reads one row.

The window holds exactly the subject's ArcDaily rows from ArcState.window_from on (days after the
evaluation day included: they arrive later). It is kept equal to ArcDaily by adding the same new
daily sums to both, with the same floating-point additions, so an arc computed from the window equals
one computed from ArcDaily; a subject whose daily rows are rebuilt is read from ArcDaily instead.

Layout: n little-endian int32 day ordinals, n int32 counts, n int32 negative counts, n float64 sums.
"""
from __future__ import annotations

import struct
from bisect import bisect_left
from typing import Iterable

from monitor.arcs import Series

_ROW_BYTES = 20
_LAYOUTS: dict[int, struct.Struct] = {}


def _layout(n: int) -> struct.Struct:
    found = _LAYOUTS.get(n)
    if found is None:
        found = _LAYOUTS[n] = struct.Struct(f"<{3 * n}i{n}d")
    return found


def pack(s: Series) -> bytes:
    """The window's bytes."""
    return _layout(len(s.ords)).pack(*s.ords, *s.counts, *s.negatives, *s.totals)


def unpack(blob: bytes) -> Series:
    """The Series of a packed window."""
    n = len(blob) // _ROW_BYTES
    values = _layout(n).unpack(blob)
    return Series(list(values[:n]), list(values[3 * n:]), list(values[n:2 * n]), list(values[2 * n:3 * n]))


def trimmed(s: Series, first: int) -> Series:
    """The days from ordinal `first` on."""
    cut = bisect_left(s.ords, first)
    if cut == 0:
        return s
    return Series(s.ords[cut:], s.totals[cut:], s.counts[cut:], s.negatives[cut:])


def add_days(s: Series, days: Iterable[tuple[int, float, int, int]], first: int) -> None:
    """Add (ordinal, sum, count, negatives) from ordinal `first` on into the series in place, as ArcDaily's
    upsert adds them."""
    ords = s.ords
    for ordinal, total, count, negatives in days:
        if ordinal < first:
            continue
        at = bisect_left(ords, ordinal)
        if at < len(ords) and ords[at] == ordinal:
            s.totals[at] += total
            s.counts[at] += count
            s.negatives[at] += negatives
        else:
            ords.insert(at, ordinal)
            s.totals.insert(at, total)
            s.counts.insert(at, count)
            s.negatives.insert(at, negatives)
