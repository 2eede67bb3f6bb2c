"""One page in, one output record out: extraction then the cleaner chain, errors recorded not raised.

`scrapy clean`, the crawl's item pipeline, `scrapy reclean` and `scrapy evaluate`
all go through :func:`clean_content` (and, for files, :func:`clean_file`), so
the same page gives the same result whichever way it arrives.
"""

from __future__ import annotations

import logging
import pickle
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from cleaners.chain import CleanerChain, CleanResult
from cleaners.document.decode import DECODE_STAGE
from cleaners.document.document import Document
from cleaners.document.errors import ExtractionError, InputError
from cleaners.document.extract import MAIN_CONTENT_STAGE
from cleaners.document.files import decode_page
from cleaners.document.linearise import Block, Link
from cleaners.document.metadata import Metadata
from cleaners.labels import BODY
from cleaners.page import Page
from cleaners.record import FIELDS, empty_record, error_record
from cleaners.text import is_blank, sanitise, sanitised_note
from cleaners.urls import host_of

logger = logging.getLogger(__name__)


class Extractor(Protocol):
    """Decides which blocks of a linearised page are main content (see :class:`TrafilaturaExtractor`)."""

    def main_override(self, doc: Document) -> Collection[object]: ...

    def main_flags(self, doc: Document, text: str, blocks: Sequence[Block]) -> list[bool]: ...


@dataclass
class Cleaned:
    """The output record plus what storage needs beside it.

    Every cleaning result, whichever way a page came in, is one of these, so
    this is the one boundary where text is sanitised: a NUL or a lone
    surrogate (a JSON-LD ``"\\ud800"`` escape, a NUL deep in a raw-text page)
    would make a PostgreSQL batch, a UTF-8 spool line or ``scrapy clean``'s
    output fail, so each becomes U+FFFD here (offsets unchanged: one character
    for one) and the record says so in a ``clean``-stage error.
    """

    record: dict[str, Any]
    raw_text: str | None

    def __post_init__(self) -> None:
        record, replaced = sanitise(self.record)
        raw_text, in_text = sanitise(self.raw_text)
        if replaced or in_text:
            assert isinstance(record, dict) and (raw_text is None or isinstance(raw_text, str))
            record["errors"] = [*record["errors"], error_record("clean", sanitised_note(replaced + in_text))]
            self.record, self.raw_text = record, raw_text

    @property
    def ok(self) -> bool:
        return self.raw_text is not None


def main_ranges(blocks: Sequence[Block], flags: Sequence[bool]) -> list[tuple[int, int]]:
    """Runs of main blocks as ``(start, end)`` ranges of the page text."""
    ranges: list[tuple[int, int]] = []
    run_start: int | None = None
    run_end = 0
    for block, flag in zip(blocks, flags, strict=True):
        if flag:
            if run_start is None:
                run_start = block.start
            run_end = block.end
        elif run_start is not None:
            ranges.append((run_start, run_end))
            run_start = None
    if run_start is not None:
        ranges.append((run_start, run_end))
    return ranges


def document_page(doc: Document, extractor: Extractor) -> tuple[Page, list[dict[str, Any]]]:
    """The page the chain sees for a parsed HTML page, and extraction's warnings; raises ``InputError``.

    Separate from :func:`clean_document` so a plugin's tests can hand a cleaner
    the very page a crawl would (:func:`cleaners.testing.make_page`).
    """
    text, blocks = doc.linearise(extractor.main_override(doc))
    if is_blank(text):
        raise ExtractionError("no visible text in the HTML")
    flags = extractor.main_flags(doc, text, blocks)
    errors = [error_record(DECODE_STAGE, mapped_note(doc.mapped))] if doc.mapped else []
    errors += [error_record(MAIN_CONTENT_STAGE, note) for note in getattr(flags, "notes", ())]
    if not any(flags):
        unaligned = getattr(flags, "unaligned", 0)
        message = (
            f"main content lost: the extractor kept {unaligned} characters of text but none matched"
            " the page's blocks, the body is empty"
            if unaligned
            else "no main content found: the extractor kept nothing, the body is empty"
        )
        errors.append(error_record("extract", message))
    declared = doc.declared
    title = declared.title or doc.searched.title
    page = Page(
        text,
        url=doc.url,
        domain=doc.domain,
        metadata={"title": title, "published": declared.date},
        blocks=blocks,
        main=main_ranges(blocks, flags),
        base_url=doc.base_url,
    )
    return page, errors


def mapped_note(count: int) -> str:
    """The note on a page whose HTML held characters XML cannot hold (:func:`cleaners.document.parse.xml_safe`)."""
    return (
        f"{count} control or non-character(s) XML cannot hold (U+0001-U+001F but tab and line breaks, U+FFFE, U+FFFF)"
        " mapped before parsing: vertical tab and form feed to a space, the others to U+FFFD"
    )


@dataclass
class Prepared:
    """A page parsed, linearised and extracted: all of :func:`clean_document` that comes before the chain.

    ``searched`` is trafilatura's metadata search when preparing needed it
    (the page declares no title), else None: the chain's result decides
    whether it is needed after all (no declared and no printed date).
    """

    page: Page
    errors: list[dict[str, Any]]
    declared: Metadata
    language: str | None
    searched: Metadata | None = None

    def to_bytes(self) -> bytes:
        """The page as plain tuples: pickling the :class:`Block` objects themselves costs about twice as much."""
        p = self.page
        blocks = [(b.start, b.end, b.region, b.tag, [(k.start, k.end, k.href) for k in b.links], b.marked, b.item)
                  for b in p.blocks]  # fmt: skip
        page = (p.text, p.url, p.domain, dict(p.metadata), blocks, p.main, p.base_url)
        return pickle.dumps((page, self.errors, self.declared, self.language, self.searched), pickle.HIGHEST_PROTOCOL)

    @classmethod
    def from_bytes(cls, data: bytes) -> Prepared:
        (text, url, domain, metadata, rows, main, base_url), errors, declared, language, searched = pickle.loads(data)
        blocks = [Block(a, b, region, tag, tuple(Link(*k) for k in links), marked, item)
                  for a, b, region, tag, links, marked, item in rows]  # fmt: skip
        page = Page(text, url=url, domain=domain, metadata=metadata, blocks=blocks, main=main, base_url=base_url)
        return cls(page, errors, declared, language, searched)


def prepare_document(doc: Document, extractor: Extractor) -> Prepared:
    """The page the chain will see and what the record takes from the document; raises ``InputError``."""
    page, errors = document_page(doc, extractor)
    return Prepared(page, errors, doc.declared, doc.language, doc.__dict__.get("searched"))


def finish_document(chain: CleanerChain, prepared: Prepared, search: Callable[[], Metadata]) -> Cleaned:
    """The chain over a prepared page, and the output record; ``search()`` is the metadata search if needed."""
    page, declared = prepared.page, prepared.declared
    result = chain.run(page)
    searched = prepared.searched
    published = declared.date or printed_date(result)
    if not published:
        searched = searched or search()
        published = searched.date
    author = declared.author or (searched.author if searched is not None else None)
    title = page.metadata["title"]
    record = {"title": title, "published": published, "author": author, "language": prepared.language,
              **result.to_dict()}  # fmt: skip
    record["errors"] = prepared.errors + record["errors"]
    return Cleaned({k: record[k] for k in FIELDS}, page.text)


def clean_document(chain: CleanerChain, doc: Document, extractor: Extractor, *, learn: bool = False) -> Cleaned:
    """Linearise a parsed page, find its main content, run the chain over the whole page text.

    ``learn=True`` (a crawl) shows the page to the chain's learning cleaners first.
    """
    try:
        prepared = prepare_document(doc, extractor)
    except InputError as exc:
        return Cleaned(empty_record([error_record("extract", str(exc))]), None)
    if learn:
        chain.learn(prepared.page)
    return finish_document(chain, prepared, lambda: doc.searched)


#: A body line with this many words is article prose: a printed date comes before it.
PARAGRAPH_WORDS = 8


def printed_date(result: CleanResult) -> str | None:
    """The date a page prints over its article: a date stamp claimed before the first paragraph of the body.

    Pages that declare no date in their metadata usually print one under the
    headline (``GMT 11:20 2017 Thursday ,14 December``, ``May 6, 2024 at 12:42
    p.m.``). That is the article's date; a date found by searching the whole
    page may be any date the article mentions.
    """
    text = result.text
    body_start = len(text)
    for seg in result.segments():
        if seg.label == BODY:
            for line in re.finditer(r"[^\n]+", text[seg.start : seg.end]):
                if len(line.group().split()) >= PARAGRAPH_WORDS:
                    body_start = seg.start + line.start()
                    break
            if body_start < len(text):
                break
    for span in result.spans:
        if span.start >= body_start:
            break
        if span.reason == "meta.stamp" and span.data.get("published"):
            return str(span.data["published"])[:10]
    return None


def clean_content(
    chain: CleanerChain,
    content: str,
    *,
    is_html: bool,
    extractor: Extractor | None = None,
    url: str | None = None,
    learn: bool = False,
) -> Cleaned:
    """Clean one page (HTML, or raw text handed straight to the chain); never raises for a bad page.

    ``learn=True`` shows the page to the chain's learning cleaners just before cleaning it (a crawl).
    """
    if not is_html:
        page = Page(content, url=url, domain=host_of(url))
        if learn:
            chain.learn(page)
        return Cleaned({**empty_record([]), **chain.run(page).to_dict()}, content)
    if extractor is None:
        raise TypeError("clean_content: an extractor is needed for HTML")
    try:
        doc = Document.parse(content, url)
    except InputError as exc:
        return Cleaned(empty_record([error_record("extract", str(exc))]), None)
    return clean_document(chain, doc, extractor, learn=learn)


def learn_content(chain: CleanerChain, content: str, *, is_html: bool, url: str | None = None) -> None:
    """Show one page to the chain's learning cleaners without cleaning it: the first pass of a two-pass run.

    Only the page text is needed (parse and linearise, no extraction), and it
    is exactly the text :func:`clean_content` will clean, with the same URL and
    domain. A page that cannot be parsed teaches nothing.
    """
    if not chain.learns:
        return
    if not is_html:
        chain.learn(Page(content, url=url, domain=host_of(url)))
        return
    try:
        doc = Document.parse(content, url)
        text, blocks = doc.linearise()
    except InputError:
        return
    chain.learn(Page(text, url=doc.url, domain=doc.domain, blocks=blocks, base_url=doc.base_url))


def learn_file(name: str, data: bytes, chain: CleanerChain, max_bytes: int, url: str | None = None) -> None:
    """:func:`learn_content` for a page file's bytes (decoded exactly as :func:`clean_file` decodes them)."""
    try:
        decoded = decode_page(name, data, max_bytes)
    except InputError:
        return
    try:
        learn_content(chain, decoded.text, is_html=decoded.is_html, url=url)
    except Exception:  # a bug must cost one page's lesson, not the run
        logger.warning("learning from %s failed", name, exc_info=True)


def prepare_file(
    name: str, data: bytes, chain: CleanerChain, extractor: Extractor, max_bytes: int
) -> tuple[str | None, Prepared] | None:
    """The first pass of a two-pass run over one HTML file: prepare it and show it to the learning cleaners.

    Returns the charset note and the prepared page, for :func:`finish_file`
    to clean once learning is over, so the page is decoded, parsed and
    extracted once, not once a pass; None when the page is not HTML or cannot
    be prepared (then it teaches what :func:`learn_file` would, and the second
    pass cleans it from its bytes, recording why it failed).
    """
    try:
        decoded = decode_page(name, data, max_bytes)
    except InputError:
        return None
    if not decoded.is_html:
        learn_file(name, data, chain, max_bytes)
        return None
    try:
        prepared = prepare_document(Document.parse(decoded.text, None), extractor)
    except Exception as exc:  # the second pass records what is wrong; the page still teaches what it can
        if not isinstance(exc, InputError):
            logger.debug("preparing %s failed", name, exc_info=True)
        learn_file(name, data, chain, max_bytes)
        return None
    if chain.learns:
        try:
            chain.learn(prepared.page)
        except Exception:  # a bug must cost one page's lesson, not the run
            logger.warning("learning from %s failed", name, exc_info=True)
    return decoded.note, prepared


def finish_file(
    name: str, data: bytes, chain: CleanerChain, max_bytes: int, note: str | None, prepared: Prepared
) -> Cleaned:
    """:func:`clean_file`'s record for a page :func:`prepare_file` prepared from the same bytes."""

    def search() -> Metadata:
        return Document.parse(decode_page(name, data, max_bytes).text, None).searched

    try:
        cleaned = finish_document(chain, prepared, search)
        if note:
            cleaned.record["errors"] = [error_record(DECODE_STAGE, note), *cleaned.record["errors"]]
        return cleaned
    except Exception as exc:  # a bug must cost one page, not the whole run
        return internal_error(name, exc)


def internal_error(name: str, exc: Exception) -> Cleaned:
    logger.debug("cleaning %s failed", name, exc_info=True)
    message = f"{type(exc).__name__}: {exc} (a bug: please report it)"
    return Cleaned(empty_record([error_record("internal", message)]), None)


def clean_file(
    name: str,
    data: bytes,
    chain: CleanerChain,
    extractor: Extractor,
    max_bytes: int,
    *,
    url: str | None = None,
    content_type: str | None = None,
) -> Cleaned:
    """One page file's bytes cleaned: the output record (without ``path``) and the raw text.

    Never raises for a bad page: every failure ends up in the record's ``errors``.
    ``scrapy clean``, ``scrapy fixtures``, ``scrapy evaluate`` and :func:`cleaners.clean`
    all call this, so a fixture's expected file is exactly what ``scrapy clean`` prints
    for the page. ``url`` and ``content_type`` (its charset) are for callers that know them.
    """
    try:
        decoded = decode_page(name, data, max_bytes, content_type)
    except InputError as exc:
        return Cleaned(empty_record([error_record("read", str(exc))]), None)
    try:
        cleaned = clean_content(chain, decoded.text, is_html=decoded.is_html, extractor=extractor, url=url)
        if decoded.note:  # the charset decision comes first, as in a crawled page's errors
            cleaned.record["errors"] = [error_record(DECODE_STAGE, decoded.note), *cleaned.record["errors"]]
        return cleaned
    except Exception as exc:  # a bug must cost one page, not the whole run
        return internal_error(name, exc)
