"""The thread pool of simlib.engine.threads: results in order, nested calls do not wait on each other, the pool follows
SIMLIB_THREADS, and a bad value is a clear error."""

import threading

import pytest

from simlib.engine.threads import parallel_map, workers
from simlib.errors import InputError


def test_results_in_order_and_threads_kept(monkeypatch):
    monkeypatch.setenv("SIMLIB_THREADS", "2")
    seen = set()  # the Thread objects themselves: a new pool would bring new ones

    def square(x):
        seen.add(threading.current_thread())
        return x * x

    for _ in range(3):
        assert parallel_map(square, range(20)) == [x * x for x in range(20)]
    assert len(seen - {threading.current_thread()}) <= 2  # the same two threads served every call


def test_nested_calls_run_serially_inside_a_pool_thread(monkeypatch):
    monkeypatch.setenv("SIMLIB_THREADS", "2")
    result = parallel_map(lambda x: parallel_map(lambda y: x * 10 + y, range(3)), range(4))
    assert result == [[x * 10 + y for y in range(3)] for x in range(4)]


def test_pool_follows_the_setting(monkeypatch):
    monkeypatch.setenv("SIMLIB_THREADS", "3")
    assert workers() == 3
    seen = set()
    barrier = threading.Barrier(3, timeout=10)

    def wait(_):
        seen.add(threading.current_thread().name)
        barrier.wait()  # only returns when three threads run at once

    parallel_map(wait, range(3))
    assert len(seen) == 3
    monkeypatch.setenv("SIMLIB_THREADS", "1")
    assert parallel_map(lambda _: threading.current_thread().name, range(3)) == [threading.current_thread().name] * 3


def test_bad_setting_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("SIMLIB_THREADS", "many")
    with pytest.raises(InputError, match="SIMLIB_THREADS"):
        parallel_map(lambda x: x, range(3))
