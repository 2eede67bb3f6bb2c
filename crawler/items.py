"""The item a spider yields and the pipelines fill in: one fetched page and its cleaning result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PageItem:
    """A page as fetched, then as cleaned.

    The spider sets the fetch fields and ``content`` (decoded HTML, or raw text
    for ``.txt`` pages). ``CleanPipeline`` runs extraction and the cleaner chain
    and fills ``raw_text`` (exactly what the cleaners saw; segments are offsets
    into it) and the output-contract fields. ``content`` is None when the fetch
    itself failed; ``errors`` then says why. Exports use ``FEED_EXPORT_FIELDS``,
    so ``-O out.jsonl`` carries the output contract, not the page.
    """

    url: str
    content: str | None = None
    is_html: bool = True
    status: int | None = None
    content_type: str | None = None
    encoding: str | None = None
    fetched_at: str | None = None
    #: CSS selector of the article container (site profiles), handed to the extractor.
    container: str | None = None
    raw_text: str | None = None
    fingerprint: str | None = None
    cleaned_at: str | None = None
    # -- the output contract of `scrapy clean` --
    title: str | None = None
    published: str | None = None
    author: str | None = None
    language: str | None = None
    body: str | None = None
    source: str | None = None
    related_links: list[dict[str, Any]] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)
    segments: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
