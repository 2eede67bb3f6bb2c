"""Cleaning in worker processes: every core busy, one bad page costing one page.

Extraction and the cleaner chain are pure CPU work on one page at a time, so
they run in ``N`` worker processes, each building the chain and the extractor
once from the run's settings. A small dispatcher thread in the parent hands
each worker one task at a time over its own pipe, which gives what a generic
executor does not:

- **back-pressure**: callers get a future per task and bound how many are in
  flight (:meth:`CleaningPool.map` keeps a window; the crawl's pipeline awaits);
- **a per-task timeout**: a worker that hangs on a page is killed and replaced;
  that page fails with :class:`PageTimeout`, every other page goes on;
- **a dead worker costs one page**: the page it held fails with
  :class:`WorkerDied`, a new worker takes its place;
- **stats**: each result carries the counters the worker's chain incremented
  for that page (spans, reasons, seconds per cleaner), merged in the parent.

Workers are never ``fork``ed from the parent, which may be running a Twisted
reactor and threads. Where the platform has it they are forked from a
``forkserver`` that imported the cleaning stack once (:data:`PRELOAD`, plus the
configured cleaners' modules), so a worker, and a replacement for a dead one,
starts in a few milliseconds instead of each importing everything again
(about 0.8 s of CPU a worker); elsewhere they are ``spawn``ed.
``workers=1`` still runs in a child process only when asked to; commands clean
a single file in-process, since starting a pool costs about a second.
"""

from __future__ import annotations

import collections
import itertools
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

logger = logging.getLogger(__name__)

#: The default number of workers: one per core.
DEFAULT_WORKERS = os.cpu_count() or 1

#: What the forkserver imports before forking workers: everything a worker's tasks use.
PRELOAD = ("crawler.pool_tasks", "crawler.components", "cleaners.process", "cleaners.builtin", "trafilatura")


class PoolError(RuntimeError):
    """A page the pool could not clean; the message is what the page's ``errors`` record."""


class PageTimeout(PoolError):
    pass


class WorkerDied(PoolError):
    pass


class TaskFailed(PoolError):
    """The task raised inside the worker (a bug): the worker stays, the page fails."""


@dataclass
class _Worker:
    process: Any
    conn: Connection
    task: int | None = None
    deadline: float = 0.0


@dataclass
class _Task:
    id: int
    name: str
    args: tuple[Any, ...]
    future: Future[Any]
    timeout: float | None
    #: Only this worker may run it (a broadcast).
    pin: _Worker | None = None


@dataclass
class Outcome:
    """What a task returned, and the stats the worker's components counted while doing it."""

    value: Any
    stats: dict[str, float] = field(default_factory=dict)


class CleaningPool:
    """``workers`` processes running the tasks of :mod:`crawler.pool_tasks` with components built from ``settings``.

    ``settings`` is a plain dict (Scrapy's ``Settings.copy_to_dict()``): it is
    pickled to each worker once. ``timeout`` is the per-task limit in seconds
    (``None``: none).
    """

    def __init__(self, settings: Mapping[str, Any], workers: int = DEFAULT_WORKERS, timeout: float | None = 60.0):
        self.settings = dict(settings)
        self.size = max(1, workers)
        self.timeout = timeout
        self._ctx = _context(self.settings)
        self._ids = itertools.count(1)
        self._pending: collections.deque[_Task] = collections.deque()
        self._running: dict[int, _Task] = {}
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = self._ctx.Pipe(duplex=False)
        self._closed = False
        #: Broadcasts every worker must have seen (replayed to a worker that replaces a dead one).
        self._sticky: list[tuple[str, tuple[Any, ...]]] = []
        self._workers: list[_Worker] = []
        #: Set once every worker has started (or starting one failed: ``_start_error``).
        self._started = threading.Event()
        self._start_error: BaseException | None = None
        self.restarts = 0
        # Workers start in the dispatcher thread: the first start waits for the forkserver's imports, which the
        # caller (a crawl's reactor, a command reading its inputs) need not wait for; tasks queue meanwhile.
        self._thread = threading.Thread(target=self._run, name="sieve-pool", daemon=True)
        self._thread.start()

    # -- public -----------------------------------------------------------------------------------

    def submit(self, name: str, *args: Any, timeout: float | None = -1.0) -> Future[Outcome]:
        """Run task ``name`` (a function of :mod:`crawler.pool_tasks`) with ``args`` in a worker."""
        if self._closed:
            raise RuntimeError("the cleaning pool is closed")
        future: Future[Outcome] = Future()
        task = _Task(next(self._ids), name, args, future, self.timeout if timeout == -1.0 else timeout)
        with self._lock:
            failed = self._start_error is not None
            if not failed:
                self._pending.append(task)
        if failed:
            future.set_exception(self._start_failure())
            return future
        self._wake_w.send(b"")
        return future

    def broadcast(self, name: str, *args: Any) -> None:
        """Run task ``name`` once in every worker, and in every worker started later; returns when all have."""
        self._sticky.append((name, args))
        self._wait_started()
        futures = []
        for worker in list(self._workers):
            futures.append(self._enqueue(name, args, pin=worker))
        for future in futures:
            future.result()

    def _enqueue(
        self, name: str, args: tuple[Any, ...], pin: _Worker | None = None, front: bool = False
    ) -> Future[Any]:
        future: Future[Outcome] = Future()
        task = _Task(next(self._ids), name, args, future, None, pin)
        with self._lock:
            if front:
                self._pending.appendleft(task)
            else:
                self._pending.append(task)
        self._wake_w.send(b"")
        return future

    def map(self, name: str, items: Iterable[tuple[Any, ...]], window: int | None = None) -> Iterator[Future[Outcome]]:
        """Futures of ``name(*args)`` for each ``args`` in ``items``, in input order, at most ``window`` in flight.

        The default window is four tasks a worker: results come back in input
        order, so a slow page at the head holds the window, and with two a
        worker the others then sat idle (simulated on the AEB pages' own
        costs: 1.7% of a two-worker run lost, against none from four).
        """
        window = window or 4 * self.size
        queue: collections.deque[Future[Outcome]] = collections.deque()
        for args in items:
            queue.append(self.submit(name, *args))
            if len(queue) >= window:
                head = queue.popleft()
                _wait_done(head)
                yield head
        while queue:
            head = queue.popleft()
            _wait_done(head)
            yield head

    def close(self) -> None:
        """Stop the workers (pending tasks fail); idempotent."""
        if self._closed:
            return
        self._closed = True
        self._wake_w.send(b"")
        self._started.wait()
        self._thread.join(timeout=10)
        for worker in self._workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 5
        for worker in self._workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=5)
        for task in [*self._pending, *self._running.values()]:
            if not task.future.done():
                task.future.set_exception(PoolError("the cleaning pool was closed"))

    def __enter__(self) -> CleaningPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- workers ----------------------------------------------------------------------------------

    def _start_failure(self) -> PoolError:
        return PoolError(f"the cleaning workers could not start: {self._start_error}")

    def _wait_started(self) -> None:
        self._started.wait()
        if self._start_error is not None:
            raise self._start_failure()

    def _run(self) -> None:
        try:
            for _ in range(self.size):
                self._workers.append(self._start_worker())
        except Exception as exc:  # e.g. out of processes: every page fails with this, the caller goes on
            logger.error("The cleaning workers could not start: %s", exc)
            with self._lock:  # from now on submit() fails its task at once; what was queued fails here
                self._start_error = exc
                queued, self._pending = list(self._pending), collections.deque()
            for task in queued:
                if task.future.set_running_or_notify_cancel():
                    task.future.set_exception(self._start_failure())
            return
        finally:
            self._started.set()
        self._dispatch()

    def _start_worker(self) -> _Worker:
        from crawler.pool_tasks import worker_main

        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=worker_main, args=(child, self.settings), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _replace(self, worker: _Worker) -> None:
        try:
            worker.process.kill()
        except (OSError, AttributeError):
            pass
        worker.process.join(timeout=5)
        worker.conn.close()
        fresh = self._start_worker()
        self._workers[self._workers.index(worker)] = fresh
        self.restarts += 1
        for name, args in reversed(self._sticky):  # what every worker must have seen, first
            self._enqueue(name, args, pin=fresh, front=True)

    def _dispatch(self) -> None:
        while not self._closed:
            self._assign()
            busy = [w for w in self._workers if w.task is not None]
            deadlines = [w.deadline for w in busy if w.deadline]
            wait_for = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            ready = wait([self._wake_r, *(w.conn for w in busy)], timeout=wait_for)
            if self._wake_r in ready:
                while self._wake_r.poll():
                    self._wake_r.recv_bytes()
            now = time.monotonic()
            for worker in busy:
                if worker.conn in ready:
                    self._receive(worker)
                elif worker.deadline and now >= worker.deadline:
                    self._fail(worker, PageTimeout(f"cleaning took longer than {self._task_timeout(worker)} s"))

    def _task_timeout(self, worker: _Worker) -> float | None:
        task = self._running.get(worker.task or 0)
        return task.timeout if task else None

    def _assign(self) -> None:
        for worker in self._workers:
            if worker.task is not None:
                continue
            with self._lock:
                task = next((t for t in self._pending if t.pin is None or t.pin is worker), None)
                if task is None:
                    continue
                self._pending.remove(task)
            if not task.future.set_running_or_notify_cancel():
                continue
            try:
                worker.conn.send((task.id, task.name, task.args))
            except (OSError, ValueError) as exc:  # the worker died between tasks
                self._replace(worker)
                task.future.set_exception(WorkerDied(f"a cleaning worker died before the page: {exc}"))
                continue
            worker.task = task.id
            worker.deadline = time.monotonic() + task.timeout if task.timeout else 0.0
            self._running[task.id] = task

    def _receive(self, worker: _Worker) -> None:
        try:
            task_id, ok, value, stats = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(1.0)  # its pipe closed as it died: reap it, so its exit status is known
            code = worker.process.exitcode
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            self._fail(worker, WorkerDied(f"the cleaning worker died ({how}) on this page"))
            return
        task = self._running.pop(task_id)
        worker.task, worker.deadline = None, 0.0
        if ok:
            task.future.set_result(Outcome(value, stats))
        else:
            task.future.set_exception(TaskFailed(value))

    def _fail(self, worker: _Worker, error: PoolError) -> None:
        task = self._running.pop(worker.task or 0, None)
        worker.task, worker.deadline = None, 0.0
        self._replace(worker)
        logger.warning("%s%s", error, f" ({task.args[0]})" if task and task.args else "")
        if task is not None and not task.future.done():
            task.future.set_exception(error)


def _context(settings: Mapping[str, Any]) -> Any:
    """The start method: a preloaded ``forkserver`` where there is one, else ``spawn``.

    The forkserver is one per parent process and keeps the preload list it
    started with; a later pool with other cleaners only imports those in its
    workers, as ``spawn`` would.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([*PRELOAD, *_component_modules(settings)])
    return ctx


def _component_modules(settings: Mapping[str, Any]) -> list[str]:
    """The modules of the configured cleaners, extractor and site statistics, for the forkserver to import.

    The site statistics matter in a crawl: the database ones import SQLAlchemy
    and the models, 0.3 s that every worker would otherwise spend on its own.
    """
    from cleaners.builtin.furniture import PROVIDERS

    def value(name: str) -> Any:
        found = settings.get(name)
        return found[0] if isinstance(found, tuple) else found  # settings_values: (value, priority)

    paths: list[Any] = []
    for name in ("CLEANERS_BASE", "CLEANERS"):
        components = value(name)
        paths += components.keys() if isinstance(components, Mapping) else ()
    stats = value("SIEVE_SITE_STATS") or "memory"
    paths += [value("SIEVE_EXTRACTOR"), PROVIDERS.get(stats, stats)]
    return [path.rpartition(".")[0] for path in paths if isinstance(path, str) and "." in path]


def _wait_done(future: Future[Any]) -> None:
    future.exception()  # blocks until done; the caller reads the result or the error


def merge_stats(stats: Mapping[str, float], inc: Callable[..., Any]) -> None:
    """Add a worker's counters to the parent's stats collector (``inc``: e.g. ``crawler.stats.inc_value``)."""
    for key, value in stats.items():
        if value:
            inc(key, value)
