"""Batches in forked worker processes (``pipelines.annotate.parallel``): results in input order,
errors where a single process would raise them, never a hang.

Every test that expects workers runs in a process with no other thread (``single_threaded``):
from pytest's own process, which earlier tests may leave threads in, nothing would fork."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pipelines.annotate.parallel import fork_problem, in_order, resolved_jobs
from pipelines.errors import InputError, UnclauseError

Run = Callable[..., Any]


def _worker_pid(batch: int) -> tuple[int, int]:
    return batch * batch, os.getpid()


def _ordered(n: int, jobs: int) -> tuple[int, list[tuple[int, tuple[int, int]]]]:
    return os.getpid(), list(in_order(range(n), _worker_pid, jobs=jobs))


def test_results_come_back_in_input_order_from_other_processes(single_threaded: Run) -> None:
    here, got = single_threaded(_ordered, 40, 3)
    assert [b for b, _ in got] == list(range(40))
    assert [r for _, (r, _) in got] == [b * b for b in range(40)]
    # the first batch here (what it loads lazily is then shared by the workers), the rest there
    pids = [pid for _, (_, pid) in got]
    assert pids[0] == here and here not in pids[1:] and 1 <= len(set(pids[1:])) <= 3


def _warmed_up() -> tuple[int, list[tuple[int, int]], list[tuple[int, tuple[int, int]]]]:
    warmed: list[tuple[int, int]] = []
    got = list(in_order(range(6), _worker_pid, jobs=2,
                        warm_up=lambda batch: warmed.append((batch, os.getpid()))))
    return os.getpid(), warmed, got


def test_a_warm_up_runs_here_first_and_every_batch_goes_to_the_workers(
        single_threaded: Run) -> None:
    here, warmed, got = single_threaded(_warmed_up)
    assert warmed == [(0, here)]
    assert [r for _, (r, _) in got] == [b * b for b in range(6)]
    assert here not in {pid for _, (_, pid) in got}


def _forked_before_each_read(known: bool) -> list[int]:
    """The worker processes alive each time the source is asked for its next batch."""
    import multiprocessing

    alive: list[int] = []

    def source() -> Iterator[int]:
        for batch in range(4):
            alive.append(len(multiprocessing.active_children()))
            yield batch

    list(in_order(source(), _worker_pid, jobs=2, warm_up=lambda batch: None,
                  more_follows=(lambda batch: True) if known else None))
    return alive


def test_workers_start_before_the_second_batch_is_read_when_more_is_known(
        single_threaded: Run) -> None:
    assert single_threaded(_forked_before_each_read, True)[:2] == [0, 2]
    # not known: the second batch is read first, to keep a one-batch input in this process
    assert single_threaded(_forked_before_each_read, False)[:3] == [0, 0, 2]


def _squares_with_pid(batch: list[int]) -> list[tuple[int, int, int]]:
    return [(x * x, os.getpid(), len(batch)) for x in batch]


def _spread() -> tuple[int, list[tuple[list[int], list[tuple[int, int, int]]]]]:
    batches = [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9, 10, 11], [12, 13], [14, 15]]

    def halves(batch: list[int], n: int) -> list[list[int]]:
        return [batch[:len(batch) // n], batch[len(batch) // n:]]

    got = list(in_order(batches, _squares_with_pid, jobs=2, warm_up=lambda batch: None,
                        more_follows=lambda batch: True,
                        pieces=(halves, lambda parts: [r for part in parts for r in part])))
    return os.getpid(), got


def test_the_first_and_last_batches_are_spread_over_the_workers(single_threaded: Run) -> None:
    here, got = single_threaded(_spread)
    assert [batch for batch, _ in got] == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9, 10, 11], [12, 13],
                                           [14, 15]]
    assert [r for _, result in got for r, _, _ in result] == [x * x for x in range(16)]
    assert here not in {pid for _, result in got for _, pid, _ in result}
    # worked on: the first and the last two (jobs) batches in halves, the others whole
    assert [[size for _, _, size in result] for _, result in got] == [
        [2, 2, 2, 2], [3, 3, 3], [5, 5, 5, 5, 5], [1, 1], [1, 1]]


def test_one_job_or_one_batch_stays_in_this_process(single_threaded: Run) -> None:
    for n, jobs in ((5, 1), (1, 4)):
        here, got = single_threaded(_ordered, n, jobs)
        assert {pid for _, (_, pid) in got} == {here}


def test_a_running_thread_keeps_the_work_here() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert "thread" in (fork_problem() or "")
        got = list(in_order(range(6), _worker_pid, jobs=2))
    finally:
        stop.set()
        thread.join()
    assert [r for _, (r, _) in got] == [b * b for b in range(6)]
    assert {pid for _, (_, pid) in got} == {os.getpid()}


def _fails_on_five(batch: int) -> int:
    if batch == 5:
        raise InputError("clauses.jsonl", "line 5 is not JSON", "fix it")
    return batch


def _until_error(batches: Any, work: Callable[[int], Any]) -> tuple[list[int], Exception | None]:
    seen: list[int] = []
    try:
        for batch, _result in in_order(batches, work, jobs=2):
            seen.append(batch)
    except Exception as exc:  # noqa: BLE001  # returned to the test's process, checked there
        return seen, exc
    return seen, None


def test_an_error_in_a_worker_is_raised_in_its_turn(single_threaded: Run) -> None:
    seen, error = single_threaded(_until_error, range(12), _fails_on_five)
    assert seen == [0, 1, 2, 3, 4]  # every batch before it was handed over first
    assert isinstance(error, InputError) and error.hint == "fix it"
    assert error.source == "clauses.jsonl" and "line 5 is not JSON" in str(error)


def _reader(n: int) -> Iterator[int]:
    yield from range(n)
    raise InputError("clauses.jsonl", f"line {n + 1} is not JSON")


@pytest.mark.parametrize("n", [0, 1, 2, 9])
def test_a_reading_error_comes_after_the_batches_read_before_it(single_threaded: Run,
                                                                 n: int) -> None:
    seen, error = single_threaded(_until_error, _reader(n), _worker_pid)
    assert seen == list(range(n))
    assert isinstance(error, InputError) and f"line {n + 1} is not JSON" in str(error)


def _dies_on_three(batch: int) -> int:
    if batch == 3:
        os._exit(1)  # a worker killed (out of memory, signal): no exception to send back
    return batch


def test_a_dead_worker_is_one_clear_error(single_threaded: Run) -> None:
    seen, error = single_threaded(_until_error, range(10), _dies_on_three)
    # the first batch ran here, where it did not die; those done before the death may be kept
    # (the pool fails every batch in progress at that moment, whichever worker had it)
    assert seen[:1] == [0] and seen == list(range(len(seen))) and len(seen) <= 3
    assert isinstance(error, UnclauseError) and "worker process of annotate died" in str(error)
    assert "--resume" in (error.hint or "")


def test_jobs_zero_means_one_per_cpu_and_negative_is_refused() -> None:
    assert 1 <= resolved_jobs(0) <= (os.cpu_count() or 1)
    assert resolved_jobs(3) == 3
    with pytest.raises(UnclauseError, match="--jobs"):
        resolved_jobs(-1)
