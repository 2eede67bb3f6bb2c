"""The output record: one type from which exports, crawl items and storage columns take their fields.

``scrapy clean`` prints it (after ``path``), a crawl's ``PageItem`` extends it
with what was fetched, ``-O`` exports carry it after ``url``, and storage
writes its scalar fields to ``articles`` and its lists to their own tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any


@dataclass(kw_only=True)
class Record:
    """What cleaning made of one page, in output order.

    ``body`` is the main content nobody claimed; ``segments`` are labelled
    offsets into the raw text (body and chrome spans included);
    ``errors`` say what went wrong at which stage (read, fetch, extract, clean).
    """

    title: str | None = None
    published: str | None = None
    author: str | None = None
    language: str | None = None
    body: str = ""
    source: str | None = None
    related_links: list[dict[str, Any]] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)
    segments: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


#: The output contract's fields, in order.
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Record))
#: The one-value fields (an ``articles`` column each); the rest are lists with tables of their own.
SCALAR_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Record) if f.default_factory is MISSING)


@dataclass(kw_only=True)
class Fetched:
    """A page as a spider fetched it: ``content`` is None when the fetch failed (``errors`` says why).

    ``error_class`` names why a fetch failed (``HttpError``, ``DownloadTimeoutError``,
    ``TooLarge``...). ``fetched_bytes`` are the bytes as fetched when they are not
    simply ``content`` in UTF-8 (another charset, a BOM, undecodable bytes), so
    the page can be decoded again later; None when ``content`` says it all.
    """

    url: str
    content: str | None = None
    is_html: bool = True
    status: int | None = None
    content_type: str | None = None
    encoding: str | None = None
    fetched_at: str | None = None
    error_class: str | None = None
    fetched_bytes: bytes | None = None


@dataclass(kw_only=True)
class CleaningInfo:
    """What storage keeps beside the record: the raw text segments index into, and the chain that made it."""

    raw_text: str | None = None
    fingerprint: str | None = None
    cleaned_at: str | None = None
    #: ``content`` as storage keeps it (compressed) and its hash, made where the page was cleaned: in a crawl that
    #: is a worker process, so the process running Scrapy and the database does not spend its time on them.
    packed_content: bytes | None = None
    content_hash: str | None = None
    #: The record's :func:`storage.records.output_hash`, made there too (None: storage computes it).
    output_hash: str | None = None


#: Every field storage reads from an item, in order.
ITEM_FIELDS: tuple[str, ...] = tuple(f.name for cls in (Fetched, CleaningInfo, Record) for f in fields(cls))


def error_record(stage: str, message: str, cleaner: str | None = None) -> dict[str, Any]:
    return {"stage": stage, "cleaner": cleaner, "message": message}


#: Stages of an error that leave a page without a result (``scrapy clean`` then exits 1). A cleaner that failed
#: (stage ``clean``) leaves the rest of the chain's result.
UNCLEANED = ("read", "extract", "internal")


def page_problems(record: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    """``(why the page has no result, or None; one line per cleaner that failed on it)``, for a command's stderr.

    A cleaner's line names it and says where its code failed (``file:line``), as its ``errors`` entry does.
    """
    errors = record["errors"]
    fatal = next((e["message"] for e in errors if e["stage"] in UNCLEANED), None)
    cleaners = [f"cleaner {e['cleaner']}: {e['message']}" for e in errors if e["stage"] == "clean"]
    return fatal, cleaners


def bytes_to_keep(data: bytes, text: str, *, exact: bool = False) -> bytes | None:
    """``data`` when it is not exactly ``text`` in UTF-8, else None (the text alone gives the bytes back).

    ``exact``: the decoder already knows it is (:attr:`cleaners.document.decode.Decoded.exact`).
    """
    return None if exact or data == text.encode("utf-8", "surrogatepass") else data


def empty_record(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The record of a page that could not be cleaned: no text, only its errors."""
    record: dict[str, Any] = dict.fromkeys(FIELDS)
    record.update(body="", related_links=[], boilerplate=[], segments=[], errors=errors)
    return record
