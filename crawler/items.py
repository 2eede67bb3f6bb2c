"""The item a spider yields and the pipelines fill in: one fetched page and its cleaning result."""

from __future__ import annotations

from dataclasses import dataclass

from cleaners.record import CleaningInfo, Fetched, Record


@dataclass(kw_only=True)
class PageItem(Fetched, CleaningInfo, Record):
    """A page as fetched, then as cleaned.

    The spider sets the fetch fields and ``content`` (decoded HTML, or raw text
    for ``.txt`` pages). ``CleanPipeline`` runs extraction and the cleaner chain
    and fills ``raw_text`` (exactly what the cleaners saw; segments are offsets
    into it) and the output-record fields. ``content`` is None when the fetch
    itself failed; ``errors`` then says why. Exports use ``FEED_EXPORT_FIELDS``,
    so ``-O out.jsonl`` carries the output record, not the page.

    ``require_article`` asks ``CleanPipeline`` to keep the page only if it is
    an article (the decision is made on the page it parses anyway), with the
    site's ``article_pattern`` as one signal; neither is stored.
    """

    require_article: bool = False
    article_pattern: str | None = None
    #: The page is an entry of a sitemap or a feed: the site lists it as content, so a short page with few
    #: article signals (``weak-signals``) is kept; a listing or a page with too little text is still not.
    listed: bool = False
