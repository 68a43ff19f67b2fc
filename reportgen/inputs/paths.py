"""Key paths into the data ("收支", "支出决算数", "合计"): where a field was written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

V = TypeVar("V")


def at_longest_prefix(known: Mapping[tuple, V], path: tuple, shortest: int = 0) -> V | None:
    """What known holds for path or, failing that, for its longest prefix that it has
    (prefixes of fewer than shortest keys are not tried): a missing field is reported
    where its group was written."""
    for cut in range(len(path), shortest - 1, -1):
        hit = known.get(tuple(path[:cut]))
        if hit is not None:
            return hit
    return None
