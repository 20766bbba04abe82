"""Allocator settings for runs on large populations.

A run on millions of households allocates and frees arrays of tens to hundreds of megabytes. glibc hands each of
them to the kernel and back (mmap/munmap), and every fresh page then costs a page fault: on the machines this project
runs on that was half the time of a warm run (measured: the full population 1.9 s -> 1.2 s per run, the year of
repayments 16.7 s -> 12.6 s). :func:`keep_freed_memory` tells glibc to serve large arrays from its heap and keep
freed memory for reuse. The process then holds on to its peak memory instead of returning it. It also keeps all
threads on one arena (heap): with an arena per thread, the blocks run on threads each left their own freed memory
behind, and a whole-country run with its year of repayments peaked at 9.5 GB instead of 8.6 GB (same speed).

It is applied automatically the first time a population of more than ``LARGE`` households is processed, never for
small ones; ``SIMLIB_MALLOC=default`` switches it off. At 100,000 households a run caused 2,300 page faults and took
17-20 ms; with the settings none, 15-16 ms. Without glibc (macOS, musl) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

LARGE = 50_000  # households
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_MAX, _M_ARENA_MAX = -1, -2, -4, -8
_done = False


def keep_freed_memory() -> bool:
    """Serve large allocations from the heap, keep freed memory and use one arena (glibc ``mallopt``); True when
    applied."""
    global _done
    if _done:
        return True
    if os.environ.get("SIMLIB_MALLOC", "").strip().lower() == "default":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    ok = (mallopt(_M_MMAP_MAX, 0) and mallopt(_M_TRIM_THRESHOLD, 2**31 - 1) and mallopt(_M_TOP_PAD, 2**28)
          and mallopt(_M_ARENA_MAX, 1))
    _done = bool(ok)
    return _done


def release_freed_memory() -> None:
    """Hand the free pages of the heap back to the system (glibc ``malloc_trim``), when :func:`keep_freed_memory` is
    in effect. Done after loading a population: the read's freed buffers (1.5 GB for the whole country) lie between
    the columns and would not serve the runs' arrays, so a run on the whole country peaked at 6.1 GB instead of
    5.4 GB. Likewise between the steps of a population build (4.4 -> 4.0 GB for the whole country) and before
    writing one (Arrow allocates from its own pool)."""
    if not _done:
        return
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def for_population(n_households: int) -> None:
    """Apply :func:`keep_freed_memory` when the population is large."""
    if n_households > LARGE and not _done:
        keep_freed_memory()
