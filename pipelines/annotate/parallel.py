"""Batches worked on in forked worker processes, their results taken back in input order.

Annotation spends most of its time in the two models, one batch of whole documents at a
time, and no batch depends on another. With ``jobs`` > 1, :func:`in_order` hands the batches
to ``jobs`` worker processes forked from this one once the models are loaded and have warmed
up here (so the workers share the models' memory, warm, and load nothing), while this process
reads the input ahead and receives each batch's result in input order. So everything the
caller does with a result (append it to the output, checkpoint, report progress) happens as
with one process: the output bytes, the resume state and the errors do not depend on ``jobs``.
At most ``3 × jobs`` batches are read and not yet written, so memory stays flat in the input's size.

Workers are forked, so the pool is used only where ``fork`` exists (Linux, macOS) and from a
process with no other thread running (a fork with threads alive can deadlock the child); an
input of a single batch never starts one. Otherwise batches run here, one after the other.
Workers ignore Ctrl-C (the main process stops them once the batches in progress end) and end
when the main process is gone.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import count
from typing import Any, TypeVar

from pipelines.errors import UnclauseError

log = logging.getLogger(__name__)

#: the most worker processes ``jobs=0`` (one per CPU) starts
MAX_AUTO_JOBS = 8
#: batches in flight per worker: one being worked on, one waiting, so no worker idles (and
#: ``jobs`` more read ahead, see ``in_order``)
IN_FLIGHT_PER_JOB = 2

#: Python's thread switch interval as this module was imported (workers go back to it)
_DEFAULT_SWITCH_INTERVAL_S = sys.getswitchinterval()

B = TypeVar("B")
R = TypeVar("R")

#: the work function of the pool being started: set before the fork, so workers inherit it
#: (it closes over the loaded models, which are never pickled)
_work: Callable[[Any], Any] | None = None
#: the first batches (or their pieces), set before the fork: workers find them in memory, so
#: they start at once instead of waiting for them to be pickled and sent
_inherited: list[Any] = []


def available_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def resolved_jobs(jobs: int) -> int:
    """``jobs`` worker processes, ``0`` meaning one per available CPU (at most
    :data:`MAX_AUTO_JOBS`)."""
    if jobs < 0:
        raise UnclauseError(f"--jobs must be 0 (one per CPU) or more, not {jobs}")
    return min(available_cpus(), MAX_AUTO_JOBS) if jobs == 0 else jobs


def fork_problem() -> str | None:
    """Why worker processes cannot be forked here, or None."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return "this platform cannot fork"
    if threading.active_count() > 1:
        return f"{threading.active_count() - 1} other thread(s) are running"
    return None


#: how often a worker checks that the process that forked it is still alive, in seconds
PARENT_CHECK_S = 0.25
#: the main process's thread switch interval while workers run, in seconds. The pool's own
#: threads move each batch and result through a pipe 64 KiB at a time and need the GIL after
#: every chunk, while the main thread reads the input: at Python's default (5 ms) a batch
#: reached its worker tens of ms late. 100k clauses, 2 workers: 1.88-1.90 s → 1.82 s.
POOL_SWITCH_INTERVAL_S = 0.0005


def _start_worker(parent: int) -> None:
    """A worker ignores Ctrl-C (the parent stops the pool) and ends when its parent is gone
    (killed, say): an orphan would wait for work forever, holding the parent's pipes open."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.setswitchinterval(_DEFAULT_SWITCH_INTERVAL_S)  # as forked: the main process's

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _call(batch: Any) -> Any:
    assert _work is not None, "the pool's work function is set before its workers fork"
    return _work(batch)


def _call_inherited(index: int) -> Any:
    return _call(_inherited[index])


def in_order(batches: Iterable[B], work: Callable[[B], R], jobs: int,
             warm_up: Callable[[B], object] | None = None,
             more_follows: Callable[[B], bool] | None = None,
             pieces: tuple[Callable[[B, int], list[B]], Callable[[list[R]], R]] | None = None,
             ) -> Iterator[tuple[B, R]]:
    """``(batch, work(batch))`` for every batch, in order, computed by ``jobs`` processes.

    ``warm_up`` runs here on the first batch before the workers fork (default: that batch's
    own work, here), so that whatever the work loads on first use (the language detector's
    model, lookup tables built lazily) is in memory once, shared by every worker, instead of
    loaded again by each; a warm-up on a small part of the batch keeps the workers' start
    early. Workers are forked once a second batch is known to exist: ``more_follows(batch)``
    True for the first batch says so without reading the second first.

    ``pieces = (split, join)`` spreads the first batch and the last ``jobs`` batches over the
    workers, so that every worker starts at once and they finish together: ``split(batch,
    jobs)`` cuts a batch into pieces worked on apart, and ``join`` makes their results, in
    order, the batch's (``work(batch)`` exactly). The batches between go whole: each call of
    ``work`` has a fixed cost, and pieces of every batch (2,500 clauses instead of 5,000)
    cost 2-3 % more CPU than they gain. To know the last batches, ``jobs`` batches are read
    before they are handed over.

    An error reading ``batches`` is raised after the results of the batches read before it,
    as it would be one batch at a time; an error in ``work`` is raised (the same exception)
    when its batch's turn comes.
    """
    source = iter(batches)
    head: list[B] = []
    error: Exception | None = None
    problem: str | None = None
    known_more = False  # a second batch exists
    if jobs > 1:
        head, error = _take(source, 1)
        known_more = bool(head) and more_follows is not None and more_follows(head[0])
        if head and error is None and not known_more:
            second, error = _take(source, 1)
            head += second
            known_more = bool(second)
        problem = fork_problem()
        if problem and known_more:
            log.info("annotating in this process only (--jobs %d asked): %s", jobs, problem)
    if jobs <= 1 or not known_more or error is not None or problem:
        for batch in head:
            yield batch, work(batch)
        if error is not None:
            raise error
        for batch in source:
            yield batch, work(batch)
        return
    if warm_up is None:
        yield head[0], work(head[0])
        head = head[1:]
    else:
        warm_up(head[0])
    yield from _pooled(head, source, work, jobs, pieces)


def _take(source: Iterator[B], n: int) -> tuple[list[B], Exception | None]:
    """Up to ``n`` items of ``source``, and the error that stopped it early, if any."""
    items: list[B] = []
    try:
        for item in source:
            items.append(item)
            if len(items) == n:
                break
    except Exception as exc:  # raised after the items read before it are done
        return items, exc
    return items, None


def _pooled(head: list[B], source: Iterator[B], work: Callable[[B], R], jobs: int,
            pieces: tuple[Callable[[B, int], list[B]], Callable[[list[R]], R]] | None,
            ) -> Iterator[tuple[B, R]]:
    global _work, _inherited
    _work = work
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(os.getpid(),))

    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, POOL_SWITCH_INTERVAL_S))

    def parts(batch: B, split: bool) -> list[B]:
        return pieces[0](batch, jobs) if pieces and split else [batch]

    def submitted(batch: B, split: bool = False) -> tuple[B, list[Future[R]]]:
        return batch, [pool.submit(_call, part) for part in parts(batch, split)]

    try:
        pending: deque[tuple[B, list[Future[R]]]] = deque()
        head_parts = [(batch, parts(batch, i == 0)) for i, batch in enumerate(head)]
        _inherited = [part for _, split in head_parts for part in split]
        index = count()
        for batch, split in head_parts:  # the first submit forks the workers
            pending.append((batch, [pool.submit(_call_inherited, next(index)) for _ in split]))
        error: Exception | None = None
        more = True
        held: deque[B] = deque()  # read, not yet submitted: the last ``jobs`` go in pieces
        while True:
            while more and len(pending) < IN_FLIGHT_PER_JOB * jobs:
                got, error = _take(source, 1)
                more = bool(got) and error is None
                held.extend(got)
                if more and len(held) > jobs:
                    pending.append(submitted(held.popleft()))
                elif not more:  # the end: so that the workers finish together
                    pending.extend(submitted(batch, split=True) for batch in held)
                    held.clear()
            if not pending:
                break
            batch, futures = pending.popleft()
            results = [future.result() for future in futures]
            yield batch, pieces[1](results) if pieces and len(results) > 1 else results[0]
        if error is not None:
            raise error
    except BrokenProcessPool:  # from a result, or from a submit once the pool knows
        raise UnclauseError("a worker process of annotate died (out of memory, or killed)",
                            "rerun with --resume to continue, with fewer --jobs or a smaller "
                            "--batch-size") from None
    finally:
        _work, _inherited = None, []
        pool.shutdown(wait=True, cancel_futures=True)
        sys.setswitchinterval(switch_interval)
