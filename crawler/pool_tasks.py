"""What a cleaning worker does: build the components once, then run one task a message.

Each task is a small function of the worker's :class:`WorkerState` and picklable
arguments, returning a picklable value; the counters its components incremented
go back with it (:mod:`crawler.pool`). Everything CPU-heavy about a page
happens here: decoding a file, parsing, the article decision, extraction, the
cleaner chain, and for storage the compression and the content hash.
"""

from __future__ import annotations

import logging
import os
import pickle
import re
import signal
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from cleaners.furniture.stats import Evidence, MemorySiteStats

logger = logging.getLogger(__name__)


class WorkerStats:
    """The stats collector of a worker's components: counts per task, handed back and reset."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}

    def inc_value(self, key: str, count: float = 1, start: float = 0, spider: object = None) -> None:
        self._values[key] = self._values.get(key, start) + count

    def set_value(self, key: str, value: Any, spider: object = None) -> None:
        self._values[key] = value

    def get_value(self, key: str, default: Any = None, spider: object = None) -> Any:
        return self._values.get(key, default)

    def max_value(self, key: str, value: Any, spider: object = None) -> None:
        self._values[key] = max(self._values.get(key, value), value)

    def min_value(self, key: str, value: Any, spider: object = None) -> None:
        self._values[key] = min(self._values.get(key, value), value)

    def get_stats(self, spider: object = None) -> dict[str, Any]:
        return dict(self._values)

    def take(self) -> dict[str, Any]:
        values, self._values = self._values, {}
        return values


class SharedSiteStats:
    """Site-furniture statistics of an offline run split over workers.

    A worker records what it observes (the learning pass), the parent gathers
    every worker's observations into one :class:`MemorySiteStats` and sends a
    copy back to each worker (:func:`set_site_stats`), so every page is then
    cleaned with the statistics of the whole run, whichever worker cleans it.
    """

    def __init__(self) -> None:
        self.snapshot = MemorySiteStats()
        self.observed: list[tuple[str, str, Mapping[str, str]]] = []

    def observe(self, site: str, page: str, lines: Mapping[str, str]) -> None:
        self.observed.append((site, page, dict(lines)))

    def evidence(self, site: str, keys: Any) -> Evidence:
        return self.snapshot.evidence(site, keys)

    def other_sites(self, site: str, keys: Any) -> dict[str, int]:
        return self.snapshot.other_sites(site, keys)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class WorkerState:
    chain: Any
    extractor: Any
    stats: WorkerStats
    max_bytes: int
    min_article_chars: int

    @classmethod
    def build(cls, settings_values: Mapping[str, tuple[Any, Any]]) -> WorkerState:
        from scrapy.settings import Settings

        from crawler.components import load_chain, load_extractor, offline_crawler

        settings = Settings()
        for key, (value, priority) in settings_values.items():
            settings.set(key, value, priority=priority)
        crawler = offline_crawler(settings)
        stats = WorkerStats()
        crawler.stats = stats  # type: ignore[assignment]
        return cls(
            chain=load_chain(crawler),
            extractor=load_extractor(crawler),
            stats=stats,
            max_bytes=settings.getint("SIEVE_MAX_BYTES"),
            min_article_chars=settings.getint("SIEVE_ARTICLE_MIN_CHARS", 800),
        )

    def shared_stats(self) -> list[SharedSiteStats]:
        return [c.stats for c in self.chain.cleaners if isinstance(getattr(c, "stats", None), SharedSiteStats)]

    def close(self) -> None:
        self.chain.close()


def settings_values(settings: Any) -> dict[str, tuple[Any, Any]]:
    """A Scrapy ``Settings`` as ``{name: (value, priority)}``, picklable, so a worker rebuilds it exactly."""
    return {name: (attr.value, attr.priority) for name, attr in settings.attributes.items() if _picklable(attr.value)}


def _picklable(value: Any) -> bool:
    import pickle

    try:
        pickle.dumps(value)
    except Exception:
        return False
    return True


# -- tasks ------------------------------------------------------------------------------------------


def clean_file(state: WorkerState, name: str, data: bytes) -> Any:
    """``scrapy clean``'s work on one file: :func:`cleaners.process.clean_file`."""
    from cleaners.process import clean_file as clean

    return clean(name, data, state.chain, state.extractor, state.max_bytes)


def learn_file(state: WorkerState, name: str, data: bytes) -> list[tuple[str, str, Mapping[str, str]]]:
    """The learning pass on one file; returns what the learning cleaners observed (for the parent to gather)."""
    from cleaners.process import learn_file as learn

    learn(name, data, state.chain, state.max_bytes)
    return _observed(state)


def prepare_file(state: WorkerState, spool: str, index: int, name: str, data: bytes) -> list[Any]:
    """The first pass of ``scrapy clean`` on one file: prepared once, kept in ``spool`` for :func:`finish_file`.

    Returns what the learning cleaners observed, as :func:`learn_file` does.
    The prepared page goes to a file, not back to the parent, so a run's
    memory does not grow with its pages; the file is written under a
    temporary name and renamed, so a worker killed while writing leaves
    nothing half-written. A page that cannot be kept (a full disk) is
    cleaned from its bytes in the second pass, as if never prepared.
    """
    from cleaners.process import prepare_file as prepare

    prepared = prepare(name, data, state.chain, state.extractor, state.max_bytes)
    if prepared is not None:
        note, page = prepared
        path = _spooled(spool, index)
        try:
            with open(path + ".part", "wb") as f:
                pickle.dump((zlib.crc32(data), len(data), note, page.to_bytes()), f, pickle.HIGHEST_PROTOCOL)
            os.replace(path + ".part", path)
        except OSError as exc:
            logger.warning("cannot keep %s for the second pass (%s): it will be prepared again", name, exc)
    return _observed(state)


def finish_file(state: WorkerState, spool: str, index: int, name: str, data: bytes) -> Any:
    """The second pass on one file: its prepared page through the chain, or :func:`clean_file` if none was kept."""
    from cleaners.process import Prepared
    from cleaners.process import finish_file as finish

    path = _spooled(spool, index)
    try:
        with open(path, "rb") as f:
            crc, size, note, kept = pickle.load(f)
        os.unlink(path)
        prepared = Prepared.from_bytes(kept)
    except FileNotFoundError:  # not prepared: not HTML, or it failed (the full path records why)
        return clean_file(state, name, data)
    except Exception:  # a damaged file (our own, in our own temporary folder): prepare the page again
        logger.warning("the kept copy of %s is unreadable: it is prepared again", name, exc_info=True)
        return clean_file(state, name, data)
    if (crc, size) != (zlib.crc32(data), len(data)):  # the file changed between the passes
        return clean_file(state, name, data)
    return finish(name, data, state.chain, state.max_bytes, note, prepared)


def _spooled(spool: str, index: int) -> str:
    return os.path.join(spool, f"{index}.page")


def _observed(state: WorkerState) -> list[tuple[str, str, Mapping[str, str]]]:
    observed: list[tuple[str, str, Mapping[str, str]]] = []
    for shared in state.shared_stats():
        observed.extend(shared.observed)
        shared.observed.clear()
    return observed


def learn_case(state: WorkerState, case: Any) -> list[tuple[str, str, Mapping[str, str]]]:
    """``scrapy evaluate``'s learning pass on one case (:func:`cleaners.evaluation.scoring.learn_case`)."""
    from cleaners.evaluation.scoring import learn_case as learn

    learn(case, state.chain, state.max_bytes)
    return _observed(state)


def evaluate_case(state: WorkerState, case: Any) -> Any:
    """``scrapy evaluate``'s work on one case: clean its page and score it."""
    from cleaners.evaluation.scoring import evaluate_case as evaluate

    return evaluate(case, state.chain, state.extractor, state.max_bytes)


def learn_stored_page(state: WorkerState, page: Any) -> list[tuple[str, str, Mapping[str, str]]]:
    """``scrapy reclean``'s learning pass on one stored page (:func:`crawler.reclean.learn_page`)."""
    from crawler.reclean import learn_page

    learn_page(page, state.chain, state.max_bytes)
    return _observed(state)


def reclean_stored_page(state: WorkerState, page: Any, when: Any) -> Any:
    """``scrapy reclean``'s work on one stored page: its :class:`crawler.reclean.Outcome` (written by the parent)."""
    from crawler.reclean import reclean_page

    return reclean_page(page, state.chain, state.extractor, when, state.max_bytes)


def set_site_stats(state: WorkerState, snapshot: MemorySiteStats) -> None:
    """The run's gathered statistics, for every page this worker cleans from now on."""
    for shared in state.shared_stats():
        shared.snapshot = snapshot


def finish_learning(state: WorkerState) -> None:
    """The learning pass is over (:meth:`cleaners.chain.CleanerChain.finish_learning`)."""
    state.chain.finish_learning()


@dataclass
class PageResult:
    """What the crawl's pipeline needs back: the record and raw text, or why the page is not an article."""

    record: dict[str, Any] | None
    raw_text: str | None
    skipped: tuple[str, str] | None = None  # (reason code, detail)
    packed_content: bytes | None = None  # the content as storage keeps it (HTML only), and its hash
    content_hash: str | None = None
    output_hash: str | None = None  # of the record, when the page has an article


_PATTERNS: dict[str, re.Pattern[str]] = {}


#: The verdict a sitemap or feed entry survives: the site listed it, which is the signal the page lacked.
WEAK_SIGNALS = "weak-signals"


def clean_page(
    state: WorkerState,
    url: str | None,
    content: str,
    is_html: bool,
    require_article: bool,
    article_pattern: str | None,
    learn: bool,
    listed: bool = False,
) -> PageResult:
    """A fetched page: one parse, the article decision if asked, extraction and the chain.

    Its time goes to the stat ``sieve/seconds/cleaning`` (the chain's own share is the sum of
    ``cleaners/<path>/seconds``), so a crawl's stats say where the workers' time went.
    """
    from storage.records import compress, content_hash, output_hash

    t0 = time.perf_counter()
    try:
        result = _clean_page(state, url, content, is_html, require_article, article_pattern, learn, listed)
        if result.skipped is None:  # to be stored: pack it here, not in the process that runs Scrapy
            result.packed_content = compress(content) if is_html else None
            result.content_hash = content_hash(content)
            if result.record is not None and result.raw_text is not None:
                result.output_hash = output_hash(result.record)
        return result
    finally:
        state.stats.inc_value("sieve/seconds/cleaning", time.perf_counter() - t0)


def _clean_page(
    state: WorkerState,
    url: str | None,
    content: str,
    is_html: bool,
    require_article: bool,
    article_pattern: str | None,
    learn: bool,
    listed: bool = False,
) -> PageResult:
    from cleaners.document.article import decide
    from cleaners.document.document import Document
    from cleaners.document.errors import InputError
    from cleaners.process import clean_content, clean_document
    from cleaners.record import empty_record, error_record

    if not is_html:
        cleaned = clean_content(state.chain, content, is_html=False, url=url, learn=learn)
        return PageResult(cleaned.record, cleaned.raw_text)
    try:
        doc = Document.parse(content, url)
    except InputError as exc:
        return PageResult(empty_record([error_record("extract", str(exc))]), None)
    if require_article:
        pattern = None
        if article_pattern:
            pattern = _PATTERNS.get(article_pattern) or _PATTERNS.setdefault(
                article_pattern, re.compile(article_pattern)
            )
        verdict = decide(doc, pattern, state.min_article_chars)
        if not verdict.is_article and not (listed and verdict.reason == WEAK_SIGNALS):
            return PageResult(None, None, (verdict.reason, verdict.detail))
    cleaned = clean_document(state.chain, doc, state.extractor, learn=learn)
    return PageResult(cleaned.record, cleaned.raw_text)


TASKS: dict[str, Callable[..., Any]] = {
    "clean_file": clean_file,
    "learn_file": learn_file,
    "prepare_file": prepare_file,
    "finish_file": finish_file,
    "learn_case": learn_case,
    "evaluate_case": evaluate_case,
    "learn_stored_page": learn_stored_page,
    "reclean_stored_page": reclean_stored_page,
    "set_site_stats": set_site_stats,
    "finish_learning": finish_learning,
    "clean_page": clean_page,
}


def worker_main(conn: Connection, settings: Mapping[str, tuple[Any, Any]]) -> None:
    """A worker's life: build the components, then answer ``(id, task, args)`` messages until ``None``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops the workers
    state = WorkerState.build(settings)
    try:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                return
            if message is None:
                return
            task_id, name, args = message
            try:
                value = TASKS[name](state, *args)
            except Exception as exc:  # a bug costs the page, not the worker
                conn.send((task_id, False, f"{type(exc).__name__}: {exc}", state.stats.take()))
                continue
            conn.send((task_id, True, value, state.stats.take()))
    finally:
        state.close()
