"""One parsed HTML page, shared by the article decision, extraction and the cleaners.

A page is parsed once. Everything read from it (its own URL, metadata,
JSON-LD, the linearised text and blocks) hangs off this object and is computed
on first use, so a step that needs nothing more costs nothing more, and no
step parses or walks the page a second time for something another step
already found.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cached_property
from typing import Any
from urllib.parse import urljoin

import lxml.html

from cleaners.document.linearise import Block, linearise
from cleaners.document.metadata import Metadata, declared_metadata, jsonld_objects, searched_metadata
from cleaners.document.parse import parse_html, xml_safe
from cleaners.urls import host_of, is_http

_LANG_RE = re.compile(r"^[A-Za-z]{2,3}")


class Document:
    """A parsed page and what it says about itself.

    ``url`` is the page's own http(s) address: the one it was fetched from,
    or, for a saved file, its canonical link or ``og:url``. So a saved page and
    the same page fetched live get the same URL and domain, and every
    URL- or domain-scoped cleaner runs on both.
    """

    def __init__(self, tree: lxml.html.HtmlElement, url: str | None = None) -> None:
        self.tree = tree
        self.url = own_url(tree, url)
        self.domain = host_of(self.url)
        #: Characters XML cannot hold that the page's HTML held, mapped before parsing (:func:`xml_safe`).
        self.mapped = 0

    @classmethod
    def parse(cls, html: str, url: str | None = None) -> Document:
        """Parse ``html`` (raises ``ExtractionError`` for markup that cannot be parsed)."""
        html, mapped = xml_safe(html)
        doc = cls(parse_html(html), url)
        doc.mapped = mapped
        return doc

    @cached_property
    def base_url(self) -> str | None:
        """What relative links resolve against: ``<base href>`` over the page URL."""
        base = self.tree.find(".//base[@href]")
        href = (base.get("href") or "").strip() if base is not None else ""
        if href:
            joined = urljoin(self.url or "", href)
            return joined if is_http(joined) else self.url
        return self.url

    @cached_property
    def jsonld(self) -> list[dict[str, Any]]:
        return jsonld_objects(self.tree)

    @cached_property
    def declared(self) -> Metadata:
        """What the page declares about itself (meta tags, JSON-LD): a few lookups."""
        return declared_metadata(self.tree, self.jsonld)

    @cached_property
    def searched(self) -> Metadata:
        """trafilatura's metadata search: costly, so only read for what the page does not declare."""
        return searched_metadata(self.tree, self.url)

    @cached_property
    def language(self) -> str | None:
        root = self.tree
        candidates = [root.get("lang"), root.get("xml:lang")]
        candidates += root.xpath("//meta[@http-equiv='content-language' or @property='og:locale']/@content")
        for value in candidates:
            m = _LANG_RE.match((value or "").strip())
            if m:
                return m.group(0).lower()
        return None

    def linearise(self, marks: Collection[object] = ()) -> tuple[str, list[Block]]:
        """The whole visible page as text, a block a line (see :mod:`cleaners.document.linearise`)."""
        return linearise(self.tree, marks)


def own_url(tree: lxml.html.HtmlElement, url: str | None) -> str | None:
    """The page's own http(s) URL: ``url``, else (a saved file) its canonical link or og:url."""
    if url is not None and is_http(url):
        return url
    candidates = tree.xpath("//link[@rel='canonical']/@href") + tree.xpath("//meta[@property='og:url']/@content")
    for candidate in candidates:
        candidate = str(candidate).strip()
        if is_http(candidate):
            return candidate
    return None
