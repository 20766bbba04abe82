"""How many threads the block-wise work uses: ``SIMLIB_THREADS`` or the processor count (at most 8).

numpy releases the interpreter lock inside its loops, so blocks of households run in parallel on threads. Results
do not depend on the number of threads: each block writes its own part of the output.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def workers() -> int:
    env = os.environ.get("SIMLIB_THREADS", "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            from simlib.errors import InputError

            raise InputError(f"SIMLIB_THREADS: expected a whole number of threads, got {env!r}") from None
    return max(1, min(os.cpu_count() or 1, 8))


def parallel_map(fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
    """``[fn(x) for x in items]``, on threads when there is more than one item and more than one worker."""
    items = list(items)
    n = min(workers(), len(items))
    if n <= 1:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(fn, items))
