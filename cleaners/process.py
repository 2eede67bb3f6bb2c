"""One page in, one output record out: extraction then the cleaner chain, errors recorded not raised.

`scrapy clean`, the crawl's item pipeline, `scrapy reclean` and `scrapy evaluate`
all go through :func:`clean_content`, so the same file gives the same result
whichever way it arrives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from w3lib.url import parse_url

from cleaners.chain import CleanerChain
from cleaners.decode import InputError
from cleaners.extract import Extracted
from cleaners.page import Page

#: The output contract's fields after ``path``/``url``, in order.
FIELDS = (
    "title",
    "published",
    "author",
    "language",
    "body",
    "source",
    "related_links",
    "boilerplate",
    "segments",
    "errors",
)


class Extractor(Protocol):
    def extract(self, html: str, url: str | None = None, container: str | None = None) -> Extracted: ...


@dataclass
class Cleaned:
    """The output record plus what storage needs beside it."""

    record: dict[str, Any]
    raw_text: str | None
    signals: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.raw_text is not None


def domain_of(url: str | None) -> str | None:
    if not url or not url.startswith(("http://", "https://")):
        return None
    host = parse_url(url).hostname
    return host.lower() if host else None


def error_record(stage: str, message: str, cleaner: str | None = None) -> dict[str, Any]:
    return {"stage": stage, "cleaner": cleaner, "message": message}


def empty_record(errors: list[dict[str, Any]]) -> dict[str, Any]:
    record: dict[str, Any] = dict.fromkeys(FIELDS)
    record.update(body="", related_links=[], boilerplate=[], segments=[], errors=errors)
    return record


def clean_content(
    chain: CleanerChain,
    content: str,
    *,
    is_html: bool,
    extractor: Extractor | None = None,
    url: str | None = None,
    container: str | None = None,
) -> Cleaned:
    """Extract (HTML only) and clean; never raises for a bad page."""
    extracted = Extracted(text=content)
    if is_html:
        if extractor is None:
            raise TypeError("clean_content: an extractor is needed for HTML")
        try:
            extracted = extractor.extract(content, url=url, container=container)
        except InputError as exc:
            return Cleaned(empty_record([error_record("extract", str(exc))]), None)
    page = Page(
        extracted.text,
        url=url,
        domain=domain_of(url),
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
    return Cleaned({k: record[k] for k in FIELDS}, extracted.text, extracted.signals)
