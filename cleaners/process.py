"""One page in, one output record out: extraction then the cleaner chain, errors recorded not raised.

`scrapy clean`, the crawl's item pipeline, `scrapy reclean` and `scrapy evaluate`
all go through :func:`clean_content` (and, for files, :func:`clean_file`), so
the same page gives the same result whichever way it arrives.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from cleaners.chain import CleanerChain
from cleaners.document.errors import InputError
from cleaners.document.extract import Extracted
from cleaners.document.files import decode_page
from cleaners.page import Page
from cleaners.record import FIELDS, empty_record, error_record
from cleaners.urls import host_of

logger = logging.getLogger(__name__)


class Extractor(Protocol):
    def extract(self, html: str, url: str | None = None) -> Extracted: ...


@dataclass
class Cleaned:
    """The output record plus what storage needs beside it."""

    record: dict[str, Any]
    raw_text: str | None

    @property
    def ok(self) -> bool:
        return self.raw_text is not None


def clean_content(
    chain: CleanerChain,
    content: str,
    *,
    is_html: bool,
    extractor: Extractor | None = None,
    url: str | None = None,
) -> Cleaned:
    """Extract (HTML only) and clean; never raises for a bad page."""
    extracted = Extracted(text=content)
    if is_html:
        if extractor is None:
            raise TypeError("clean_content: an extractor is needed for HTML")
        try:
            extracted = extractor.extract(content, url=url)
        except InputError as exc:
            return Cleaned(empty_record([error_record("extract", str(exc))]), None)
    page = Page(
        extracted.text,
        url=url,
        domain=host_of(url),
        links=extracted.links,
        metadata={"title": extracted.title, "published": extracted.published},
    )
    result = chain.run(page).to_dict()
    record: dict[str, Any] = {
        "title": extracted.title,
        "published": extracted.published,
        "author": extracted.author,
        "language": extracted.language,
        **result,
    }
    return Cleaned({k: record[k] for k in FIELDS}, extracted.text)


def clean_file(name: str, data: bytes, chain: CleanerChain, extractor: Extractor, max_bytes: int) -> Cleaned:
    """One page file's bytes cleaned: the output record (without ``path``) and the raw text.

    Never raises for a bad page: every failure ends up in the record's ``errors``.
    ``scrapy clean``, ``scrapy fixtures`` and ``scrapy evaluate`` all call this,
    so a fixture's expected file is exactly what ``scrapy clean`` prints for the page.
    """
    try:
        content, is_html, _ = decode_page(name, data, max_bytes)
    except InputError as exc:
        return Cleaned(empty_record([error_record("read", str(exc))]), None)
    try:
        return clean_content(chain, content, is_html=is_html, extractor=extractor)
    except Exception as exc:  # a bug must cost one page, not the whole run
        logger.debug("cleaning %s failed", name, exc_info=True)
        message = f"{type(exc).__name__}: {exc} (a bug: please report it)"
        return Cleaned(empty_record([error_record("internal", message)]), None)
