"""Title, date and author of an HTML page: declared meta tags first, trafilatura's search only when they are missing.

trafilatura's ``extract_metadata`` (with htmldate's date search) costs about as
much as the text extraction itself. Most news pages declare all three in
Open Graph / article / JSON-LD tags, which are read in one walk over the meta tags;
the full search runs only for what a page does not declare.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

import lxml.html

logger = logging.getLogger(__name__)

_DATE_RE = re.compile(r"((?:19|20)\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")


class _Declared(NamedTuple):
    """A ``<meta>`` whose ``content`` declares a field: its ``attribute`` is one of ``values``."""

    attribute: str
    values: tuple[str, ...]
    #: ``article:author`` is often a profile URL rather than a name: such values are passed over.
    skip_urls: bool = False


#: Where each field is declared, best first.
_TITLE_METAS = (_Declared("property", ("og:title",)), _Declared("name", ("twitter:title",)))
_DATE_METAS = (
    _Declared("property", ("article:published_time",)),
    _Declared("itemprop", ("datePublished",)),
    _Declared(
        "name",
        ("date", "pubdate", "publishdate", "dc.date.issued", "DC.date.issued", "parsely-pub-date", "sailthru.date"),
    ),
)
_AUTHOR_METAS = (
    _Declared("name", ("author",)),
    _Declared("name", ("parsely-author",)),
    _Declared("property", ("article:author",), skip_urls=True),
)


@dataclass
class Metadata:
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD, as trafilatura gives it
    author: str | None = None


def _metas(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Every ``<meta>`` of the document, in document order, from one walk over the tree.

    Eight ``//meta[...]`` XPath lookups walked the whole tree once each; the
    same tests in Python over this list pick the same values.
    """
    return list(root.getroottree().iter("meta"))


def _first(metas: list[lxml.html.HtmlElement], wanted: tuple[_Declared, ...]) -> str | None:
    """The first non-blank ``content`` (spaces normalised) of the first of ``wanted`` that has one."""
    for attribute, values, skip_urls in wanted:
        for meta in metas:
            if meta.get(attribute) not in values:
                continue
            content = meta.get("content")
            if content is None or (skip_urls and content.startswith("http")):
                continue
            value = " ".join(content.split())
            if value:
                return value
    return None


def jsonld_objects(root: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page (``@graph`` and lists flattened), bounded against hostile pages."""
    objects: list[dict[str, Any]] = []
    for script in root.xpath("//script[@type='application/ld+json']/text()")[:10]:
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack: list[Any] = [data]
        while stack and len(objects) < 200:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item[:50]))
            elif isinstance(item, dict):
                objects.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    return objects


def _article_object(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The first object carrying a headline or a publication date."""
    return next((o for o in objects if o.get("headline") or o.get("datePublished")), {})


def _author_name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_author_name(v) for v in value[:5]) if n]
        return "; ".join(names) or None
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str) and value.strip() and not value.startswith("http"):
        return " ".join(value.split())
    return None


def declared_metadata(root: lxml.html.HtmlElement, jsonld: list[dict[str, Any]] | None = None) -> Metadata:
    """What the page declares about itself in meta tags and JSON-LD (``jsonld``: already parsed objects)."""
    ld = _article_object(jsonld_objects(root) if jsonld is None else jsonld)
    metas = _metas(root)
    title = _first(metas, _TITLE_METAS) or (ld.get("headline") if isinstance(ld.get("headline"), str) else None)
    raw_date = _first(metas, _DATE_METAS) or (
        ld.get("datePublished") if isinstance(ld.get("datePublished"), str) else None
    )
    m = _DATE_RE.search(raw_date or "")
    author = _first(metas, _AUTHOR_METAS) or _author_name(ld.get("author"))
    return Metadata(title=title, date=m.group(0) if m else None, author=author)


def searched_metadata(root: lxml.html.HtmlElement, url: str | None) -> Metadata:
    """trafilatura's own search (title, date by htmldate, author): as costly as extracting the text.

    htmldate's extensive date search is left off: on the AEB pages that declare no date it took 29 ms a page
    against 16 ms, and found a date on 2 more of 39 (Sieve first takes the date a page prints over its article).
    """
    try:
        try:
            found = _trafilatura_search(root, url)
        except (ImportError, AttributeError, TypeError):  # trafilatura's internals moved: its public function
            from trafilatura.metadata import extract_metadata

            found = extract_metadata(root, default_url=url, extensive=False)
    except Exception as exc:  # metadata is a bonus; never lose the page over it
        logger.debug("metadata extraction failed for %s: %r", url, exc)
        return Metadata()
    return Metadata(title=found.title, date=found.date, author=found.author)


def _trafilatura_search(tree: lxml.html.HtmlElement, url: str | None) -> Any:
    """``trafilatura.metadata.extract_metadata(tree, default_url=url, extensive=False)``, cut after the date.

    The same steps in the same order up to htmldate's date search, then the
    same final trimming, so title, author and date come out as that function
    gives them (``tests/cleaners/test_metadata.py`` holds the two side by
    side). What it does after the date (site name, categories, tags, licence)
    reads the tree again for fields Sieve never uses: a fifth of its cost.
    """
    from trafilatura import metadata as tm
    from trafilatura.settings import set_date_params

    date_config = set_date_params(False)
    found = tm.examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None
    try:
        found = tm.extract_meta_json(tree, found)
    except Exception as err:  # as extract_metadata does: bugs in trafilatura's JSON-LD reading
        logger.debug("error in JSON metadata extraction: %s", err)
    if not found.title:
        found.title = tm.extract_title(tree)
    if not found.author:
        found.author = tm.extract_author(tree)
    if not found.url:
        found.url = tm.extract_url(tree, url)
    date_config["url"] = found.url
    found.date = tm.find_date(tree, **date_config)
    found.filedate = date_config.get("max_date")
    found.clean_and_trim()
    return found


def page_metadata(root: lxml.html.HtmlElement, url: str | None, jsonld: list[dict[str, Any]] | None = None) -> Metadata:
    """Declared metadata, completed by trafilatura's search only where a field is missing."""
    meta = declared_metadata(root, jsonld)
    if meta.title and meta.date:
        return meta  # an undeclared author is not worth the full search
    found = searched_metadata(root, url)
    return Metadata(title=meta.title or found.title, date=meta.date or found.date, author=meta.author or found.author)
