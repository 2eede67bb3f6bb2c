"""Re-run today's extraction and cleaner chain over every stored page; update only articles whose output changed.

HTML pages are re-extracted from their stored HTML, then cleaned: the same
:func:`cleaners.process.clean_content` call a crawl makes, so a re-cleaned
article is exactly what a fresh crawl of the same content would store (anchor
links and metadata included, which the raw text alone does not carry).
Segments must stay offsets into ``pages.raw_text``: when re-extraction yields a
different raw text (a newer extractor), the old raw text goes to
``page_versions`` (reason ``extraction``) and the new one is stored with the
new segments in the same transaction. ``.txt`` pages are their raw text and
only the chain runs.

Pages whose fetched bytes were kept (``raw_bytes``: another charset, a BOM,
undecodable bytes) are decoded again from those bytes first, so a better
charset decision reaches stored pages: when the HTML comes out different, the
old content goes to ``page_versions`` (reason ``decoding``) and the page
takes the new HTML, encoding and content hash.

Pages are read in chunks of ``chunk_size`` by increasing id (keyset
pagination), each chunk written in its own transaction: memory stays constant
whatever the size of the database, and an interrupted run loses at most one
chunk of work. The pages of a chunk are cleaned by a :class:`crawler.cleaning.Runner`:
in this process, or in its worker processes (``scrapy reclean -j N``), results
in page order either way; the database is only ever written from this process.

An article whose output comes out the same gets the current chain's
fingerprint and time, so ``fingerprint`` always names the chain that last
vouched for an article, and ``stale=True`` (``--stale``) re-cleans only the
articles some other chain made (a new or changed cleaner: its ``version``).

A crawl may store new content for a page between the moment reclean reads
it and the moment it writes (issue 9, case 4: results built from the old raw
text written over fresh articles). Each write is therefore conditional
(optimistic concurrency): it claims the page only if its ``content_hash`` is
still the one read (:func:`storage.repository.claim_page`), else the page is
left to the crawl's fresher result and counted as a conflict.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from cleaners.chain import CleanerChain
from cleaners.document.decode import DECODE_STAGE, DEFAULT_MAX_BYTES, Decoded, decode_html, decode_text, gunzip
from cleaners.process import Extractor, clean_content, learn_content
from cleaners.timestamps import utc_now
from storage.records import article_rows, cleaning_errors, decompress, output_hash
from storage.repository import (
    archive_raw_text,
    articles,
    claim_page,
    insert_errors,
    pages,
    replace_decoded,
    restamp_articles,
    write_articles,
)

if TYPE_CHECKING:
    from crawler.cleaning import Runner

logger = logging.getLogger(__name__)


@dataclass
class RecleanCounts:
    changed: int = 0
    unchanged: int = 0
    #: Extraction failed (the old article, if any, is kept) or the page could not be processed.
    failed: int = 0
    #: Of ``changed``: pages whose raw text itself changed on re-extraction.
    reextracted: int = 0
    #: Of ``changed``: pages whose stored bytes decoded into different HTML.
    redecoded: int = 0
    #: Not written: a crawl stored new content for the page after it was read.
    conflicts: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, repr=False)
class StoredPage:
    """What reclean reads of a stored page: plain values, so a worker process can be handed it."""

    id: int
    url: str
    is_html: bool
    raw_html: bytes | None
    raw_bytes: bytes | None
    raw_text: str | None
    content_type: str | None
    encoding: str | None
    content_hash: str
    output_hash: str | None  # of its article, if it has one
    fingerprint: str | None  # the chain that made its article

    def __repr__(self) -> str:  # in log lines: which page, not its compressed HTML
        return f"page {self.id} {self.url}"


def domain_filter(domain: str | None) -> ColumnElement[bool] | None:
    """``example.com`` selects example.com and its subdomains (www., news.)."""
    if not domain:
        return None
    d = domain.strip().lower().rstrip(".")
    return or_(pages.c.domain == d, pages.c.domain.like(f"%.{d}"))


def _selection(domain: str | None, stale: str | None) -> list[ColumnElement[bool]]:
    """Pages with content (of ``domain``; with ``stale``, only those whose article another chain made)."""
    conditions: list[ColumnElement[bool]] = [pages.c.content_hash.is_not(None)]
    cond = domain_filter(domain)
    if cond is not None:
        conditions.append(cond)
    if stale is not None:
        conditions.append(or_(articles.c.fingerprint.is_(None), articles.c.fingerprint != stale))
    return conditions


def count_pages(engine: Engine, domain: str | None = None, *, stale: str | None = None) -> int:
    """Pages :func:`reclean` would go through (``stale``: the current chain's fingerprint, as ``--stale``)."""
    stmt = (
        select(func.count())
        .select_from(pages.outerjoin(articles, articles.c.page_id == pages.c.id))
        .where(*_selection(domain, stale))
    )
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def stored_pages(
    engine: Engine, domain: str | None, chunk_size: int, stale: str | None = None
) -> Iterator[list[StoredPage]]:
    """The selected pages in chunks of ``chunk_size``, by increasing id (keyset pagination: constant memory)."""
    columns = [c for c in (f.name for f in fields(StoredPage)) if c not in ("output_hash", "fingerprint")]
    last_id = 0
    while True:
        stmt = (
            select(*(pages.c[c] for c in columns), articles.c.output_hash, articles.c.fingerprint)
            .outerjoin(articles, articles.c.page_id == pages.c.id)
            .where(pages.c.id > last_id, *_selection(domain, stale))
            .order_by(pages.c.id)
            .limit(chunk_size)
        )
        with engine.connect() as conn:
            rows = conn.execute(stmt).all()
        if not rows:
            return
        last_id = rows[-1].id
        yield [StoredPage(*row) for row in rows]


def stored_content(row: Any, max_bytes: int) -> tuple[str, Decoded | None]:
    """A stored page's content as it is cleaned today, and its new decoding when the kept bytes decode differently."""
    stored = decompress(row.raw_html) if row.is_html else row.raw_text
    if row.raw_bytes is not None:
        again = decode_stored(zlib.decompress(row.raw_bytes), row.is_html, row.content_type, max_bytes)
        if again.text != stored:
            return again.text, again
    if stored is None:
        raise ValueError("no stored content")
    return stored, None


def decode_stored(data: bytes, is_html: bool, content_type: str | None, max_bytes: int) -> Decoded:
    """A stored page's fetched bytes decoded as a crawl decodes them today (gzip first for saved ``.gz`` files)."""
    if data[:2] == b"\x1f\x8b":
        data = gunzip(data, max_bytes)
    if is_html:
        return decode_html(data, content_type, max_bytes)
    return Decoded(decode_text(data, max_bytes), "utf-8", is_html=False)


def learn_page(page: StoredPage, chain: CleanerChain, max_bytes: int) -> None:
    """Show one stored page to the chain's learning cleaners (a bad page is logged, not raised)."""
    try:
        content, _ = stored_content(page, max_bytes)
        learn_content(chain, content, is_html=page.is_html, url=page.url)
    except Exception as exc:  # one bad row must not stop a long reclean
        logger.warning("reclean: learning from page %s (%s) failed: %r", page.id, page.url, exc)


@dataclass
class _Update:
    """What one page's reclean will write, and the content hash it was computed from."""

    page_id: int
    read_hash: str
    article: dict[str, Any]
    segments: list[dict[str, Any]]
    links: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    raw_text: str | None = None  # the new raw text when re-extraction changed it
    decoded: Decoded | None = None  # the new decoding when the stored bytes decode differently


@dataclass
class Outcome:
    """One page's reclean: ``changed`` (with the ``update`` to write), ``unchanged`` or ``failed`` (``why``)."""

    status: str
    update: _Update | None = None
    why: str = ""


def reclean_page(
    page: StoredPage, chain: CleanerChain, extractor: Extractor, when: datetime, max_bytes: int
) -> Outcome:
    """Clean one stored page with today's chain; the same in this process or in a worker."""
    try:
        return _reclean_page(page, chain, extractor, when, max_bytes)
    except Exception as exc:  # one bad row must not stop a long reclean
        return Outcome("failed", why=repr(exc))


def _reclean_page(
    page: StoredPage, chain: CleanerChain, extractor: Extractor, when: datetime, max_bytes: int
) -> Outcome:
    content, decoded = stored_content(page, max_bytes)
    cleaned = clean_content(chain, content, is_html=page.is_html, extractor=extractor, url=page.url)
    if cleaned.raw_text is None:
        return Outcome("failed", why="; ".join(e["message"] for e in cleaned.record["errors"]))
    record = cleaned.record
    text_changed = cleaned.raw_text != page.raw_text
    if decoded is None and not text_changed and page.output_hash == output_hash(record):
        return Outcome("unchanged")
    article, segs, links = article_rows(record, chain.fingerprint, when)
    errors = [
        {
            "page_id": page.id,
            "stage": e["stage"],
            "cleaner": e.get("cleaner"),
            "message": e["message"],
            "created_at": when,
        }
        for e in cleaning_errors(record["errors"])
    ]
    if decoded is not None and decoded.note:
        errors.insert(
            0, {"page_id": page.id, "stage": DECODE_STAGE, "cleaner": None, "message": decoded.note, "created_at": when}
        )
    update = _Update(
        page.id,
        page.content_hash,
        article,
        segs,
        links,
        errors,
        raw_text=cleaned.raw_text if text_changed or decoded is not None else None,
        decoded=decoded,
    )
    return Outcome("changed", update)


def learn_stored(
    engine: Engine,
    chain: CleanerChain,
    *,
    domain: str | None = None,
    chunk_size: int = 200,
    max_bytes: int = DEFAULT_MAX_BYTES,
    runner: Runner | None = None,
    stale: str | None = None,
    progress: Callable[[int], Any] | None = None,
) -> None:
    """Show every selected stored page to the chain's learning cleaners (``progress(1)`` after each).

    The first pass of ``scrapy reclean``: site furniture is learned from all
    the stored pages of a site before any of them is cleaned, so each page's
    result depends on the site's pages, not on the order they were crawled
    in. Learning is idempotent (a page already counted with the same lines
    changes nothing), so this is cheap after a crawl that learned as it went,
    and it catches up pages stored before the learner existed. With ``stale``
    only the stale pages are shown: the others were learned from when the
    current chain cleaned them.
    """
    if not chain.learns:
        return
    runner = runner or _in_process(chain, None, max_bytes)

    def each() -> Iterator[tuple[StoredPage]]:
        for chunk in stored_pages(engine, domain, chunk_size, stale):
            for page in chunk:
                yield (page,)
                if progress is not None:
                    progress(1)

    runner.learn("learn_stored_page", each())


def _in_process(chain: CleanerChain, extractor: Extractor | None, max_bytes: int) -> Runner:
    from crawler.cleaning import Runner

    return Runner.in_process(chain, extractor, max_bytes)


def reclean(
    engine: Engine,
    chain: CleanerChain,
    extractor: Extractor,
    *,
    domain: str | None = None,
    chunk_size: int = 200,
    progress: Callable[[int], Any] | None = None,
    now: datetime | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    runner: Runner | None = None,
    stale: bool = False,
    learn_progress: Callable[[int], Any] | None = None,
) -> RecleanCounts:
    """Re-clean stored pages (optionally of one domain); ``progress(1)`` after each page.

    Learning cleaners first see every selected page (:func:`learn_stored`,
    ``learn_progress(1)`` after each). ``runner``: where pages are cleaned
    (:class:`crawler.cleaning.Runner`; default: this process). ``stale``: only
    pages without an article or whose article another chain made.
    """
    runner = runner or _in_process(chain, extractor, max_bytes)
    fingerprint = chain.fingerprint
    only = fingerprint if stale else None
    learn_stored(
        engine, chain, domain=domain, chunk_size=chunk_size, max_bytes=max_bytes, runner=runner, stale=only,
        progress=learn_progress,
    )  # fmt: skip
    counts = RecleanCounts()
    for chunk in stored_pages(engine, domain, chunk_size, only):
        when = now or utc_now()
        updates: list[_Update] = []
        restamp: list[tuple[int, str]] = []
        for page, outcome in zip(chunk, runner.map("reclean_stored_page", ((p, when) for p in chunk)), strict=True):
            if not isinstance(outcome, Outcome):  # the worker died or the page timed out (a PoolError)
                outcome = Outcome("failed", why=str(outcome))
            if outcome.status == "failed":
                logger.warning("reclean: page %s (%s) failed: %s", page.id, page.url, outcome.why)
                counts.failed += 1
            elif outcome.status == "unchanged":
                counts.unchanged += 1
                if page.output_hash is not None and page.fingerprint != fingerprint:
                    restamp.append((page.id, page.content_hash))
            else:
                assert outcome.update is not None
                updates.append(outcome.update)
            if progress is not None:
                progress(1)
        if updates or restamp:
            with engine.begin() as conn:
                _write_updates(conn, updates, counts, when)
                restamp_articles(conn, restamp, fingerprint, when)
    return counts


def _write_updates(conn: Connection, updates: list[_Update], counts: RecleanCounts, when: datetime) -> None:
    """Write the chunk's results in the caller's transaction, each only if its page's content is still the one read."""
    claimed: list[_Update] = []
    for u in updates:
        if not claim_page(conn, u.page_id, u.read_hash):
            logger.info(
                "reclean: page %s changed since it was read (a crawl stored it); left as the crawl wrote it", u.page_id
            )
            counts.conflicts += 1
            continue
        claimed.append(u)
        counts.changed += 1
        if u.decoded is not None:
            counts.redecoded += 1
            assert u.raw_text is not None
            replace_decoded(conn, u.page_id, u.decoded.text, u.decoded.encoding, u.raw_text, when)
        elif u.raw_text is not None:
            counts.reextracted += 1
            archive_raw_text(conn, u.page_id, u.raw_text, when)
    if claimed:
        write_articles(conn, [(u.page_id, u.article, u.segments, u.links) for u in claimed])
        insert_errors(conn, [e for u in claimed for e in u.errors])
