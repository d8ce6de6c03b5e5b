"""Batches in forked worker processes (``pipelines.annotate.parallel``): results in input order,
errors where a single process would raise them, never a hang."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

from pipelines.annotate.parallel import fork_problem, in_order, resolved_jobs
from pipelines.errors import InputError, UnclauseError


def _worker_pid(batch: int) -> tuple[int, int]:
    return batch * batch, os.getpid()


def test_results_come_back_in_input_order_from_other_processes() -> None:
    got = list(in_order(range(40), _worker_pid, jobs=3))
    assert [b for b, _ in got] == list(range(40))
    assert [r for _, (r, _) in got] == [b * b for b in range(40)]
    # the first batch here (what it loads lazily is then shared by the workers), the rest there
    pids = [pid for _, (_, pid) in got]
    assert pids[0] == os.getpid() and os.getpid() not in pids[1:] and 1 <= len(set(pids[1:])) <= 3


def test_a_warm_up_runs_here_first_and_every_batch_goes_to_the_workers() -> None:
    warmed: list[tuple[int, int]] = []
    got = list(in_order(range(6), _worker_pid, jobs=2,
                        warm_up=lambda batch: warmed.append((batch, os.getpid()))))
    assert warmed == [(0, os.getpid())]
    assert [r for _, (r, _) in got] == [b * b for b in range(6)]
    assert os.getpid() not in {pid for _, (_, pid) in got}


def test_one_job_or_one_batch_stays_in_this_process() -> None:
    for batches, jobs in ((range(5), 1), (range(1), 4)):
        got = list(in_order(batches, _worker_pid, jobs=jobs))
        assert {pid for _, (_, pid) in got} == {os.getpid()}


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


def test_an_error_in_a_worker_is_raised_in_its_turn() -> None:
    seen: list[int] = []
    with pytest.raises(InputError, match="line 5 is not JSON") as caught:
        for _batch, result in in_order(range(12), _fails_on_five, jobs=2):
            seen.append(result)
    assert seen == [0, 1, 2, 3, 4]  # every batch before it was handed over first
    assert caught.value.hint == "fix it" and caught.value.source == "clauses.jsonl"


def _reader(n: int) -> Iterator[int]:
    yield from range(n)
    raise InputError("clauses.jsonl", f"line {n + 1} is not JSON")


@pytest.mark.parametrize("n", [0, 1, 2, 9])
def test_a_reading_error_comes_after_the_batches_read_before_it(n: int) -> None:
    seen: list[int] = []
    with pytest.raises(InputError, match=f"line {n + 1} is not JSON"):
        for batch, _result in in_order(_reader(n), _worker_pid, jobs=2):
            seen.append(batch)
    assert seen == list(range(n))


def _dies_on_three(batch: int) -> int:
    if batch == 3:
        os._exit(1)  # a worker killed (out of memory, signal): no exception to send back
    return batch


def test_a_dead_worker_is_one_clear_error() -> None:
    with pytest.raises(UnclauseError, match="worker process of annotate died") as caught:
        list(in_order(range(10), _dies_on_three, jobs=2))
    assert "--resume" in (caught.value.hint or "")


def test_jobs_zero_means_one_per_cpu_and_negative_is_refused() -> None:
    assert 1 <= resolved_jobs(0) <= (os.cpu_count() or 1)
    assert resolved_jobs(3) == 3
    with pytest.raises(UnclauseError, match="--jobs"):
        resolved_jobs(-1)
