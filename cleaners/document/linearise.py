"""An HTML tree as the whole visible page: one line per block, each block placed and carrying its own links.

This is the raw text of an HTML page, the text every cleaner sees and every
segment indexes into. It is made once per page, in one pass over the tree:

- a block is the inline text between two block boundaries (``<p>``, ``<div>``,
  ``<li>``, ``<td>``, ``<br>``, headings ...), whitespace-normalised, and becomes
  one line; table cells and list items are blocks of their own, so a table
  layout never comes out as one ``| a | b |`` row with everything glued in;
- inline elements are joined as a browser draws them: ``<span>against
  ISIS</span><span>GMT 22:04 ...</span>`` stays ``against ISISGMT 22:04 ...``,
  which the cleaners know how to split;
- scripts, styles, templates, forms' option lists and hidden elements are not
  visible, so they are not text;
- each block records its *region*, the innermost ``header``/``nav``/``main``/
  ``article``/``aside``/``footer`` around it (or the ARIA role, or a class or
  id that says so), and its own links: the anchor text's offsets and the
  ``href`` as written (resolved only when a cleaner asks).

The walk is iterative (``lxml.etree.iterwalk``), so a hostile page nested ten
thousand levels deep costs time in proportion to its size and no recursion.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection
from dataclasses import dataclass

import lxml.etree
import lxml.html

#: Elements whose start and end are line breaks.
BLOCK_TAGS = frozenset(
    "address article aside blockquote body br button caption center dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol p pre section summary "
    "table tbody td tfoot th thead tr ul".split()
)
#: Elements whose content is never visible text.
SKIP_TAGS = frozenset(
    "script style noscript template svg math iframe object embed head title select option datalist textarea "
    "canvas audio video map input img link meta base".split()
)
#: Semantic elements and what they say about where a block stands.
REGION_TAGS = {
    "header": "header",
    "nav": "nav",
    "main": "main",
    "article": "article",
    "aside": "aside",
    "footer": "footer",
}
ROLES = {
    "banner": "header",
    "navigation": "nav",
    "main": "main",
    "article": "article",
    "complementary": "aside",
    "contentinfo": "footer",
}
#: Words of a class or id that name a region on pages without semantic elements.
CLASS_WORDS = {
    "header": "header",
    "masthead": "header",
    "topbar": "header",
    "nav": "nav",
    "navbar": "nav",
    "navigation": "nav",
    "menu": "nav",
    "breadcrumb": "nav",
    "breadcrumbs": "nav",
    "sidebar": "aside",
    "aside": "aside",
    "footer": "footer",
}
#: The region of a block outside every named one.
PAGE = "page"
#: Elements that make one item of a list: a headline and its stamp or teaser in one of them belong together.
#: (Not ``article``: the article itself is one, and its paragraphs are not one headline's teaser.)
ITEM_TAGS = frozenset({"li", "tr"})

_WS_RE = re.compile(r"\s+")
_WORD_SPLIT_RE = re.compile(r"[\s_-]+")
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


@dataclass(frozen=True, slots=True)
class Link:
    """An anchor: its text is ``raw[start:end]``; ``href`` is as written in the page."""

    start: int
    end: int
    href: str


@dataclass(frozen=True, slots=True)
class Block:
    """One line of the page text, ``raw[start:end]``.

    ``region`` is where it stands (``header``, ``nav``, ``main``, ``article``,
    ``aside``, ``footer``, or ``page``); ``tag`` is the block element it
    belongs to; ``item`` numbers the innermost list item or table row around
    it (0: none), so a headline and the stamp or teaser of
    the same item can be told from the next item's; ``marked`` says it lies
    inside one of the elements handed to :func:`linearise` (a site profile's
    main-content override).
    """

    start: int
    end: int
    region: str
    tag: str
    links: tuple[Link, ...] = ()
    marked: bool = False
    item: int = 0


def region_of(el: lxml.html.HtmlElement) -> str | None:
    """The region an element opens, if any: its tag, its ARIA role, or a word of its class or id."""
    tag = el.tag
    if tag in REGION_TAGS:
        return REGION_TAGS[tag]
    role = el.get("role")
    if role and role.strip().lower() in ROLES:
        return ROLES[role.strip().lower()]
    names = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
    if names and len(names) < 200:
        for word in _WORD_SPLIT_RE.split(names.lower()):
            if word in CLASS_WORDS:
                return CLASS_WORDS[word]
    return None


def is_hidden(el: lxml.html.HtmlElement) -> bool:
    if el.get("hidden") is not None or (el.get("type") or "").lower() == "hidden":
        return True
    style = el.get("style")
    return bool(style) and _HIDDEN_STYLE_RE.search(style) is not None


class _Writer:
    """Collects inline text into blocks and blocks into the page text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.blocks: list[Block] = []
        self.pos = 0
        self.pieces: list[str] = []
        self.length = 0
        self.links: list[Link] = []
        self.region = PAGE
        self.tag = "body"
        self.marked = False
        self.item = 0
        #: Where new text stands: (region, block tag, marked, item), kept up to date by the walk.
        self.context: tuple[str, str, bool, int] = (PAGE, "body", False, 0)

    def add(self, text: str) -> None:
        piece = _WS_RE.sub(" ", text)
        if piece[:1] == " " and (not self.length or self.pieces[-1][-1] == " "):
            piece = piece[1:]
        if not piece:
            return
        region, tag, marked, item = self.context
        if not self.length:
            self.region, self.tag, self.marked, self.item = region, tag, marked, item
        elif marked:
            self.marked = True
        self.pieces.append(piece)
        self.length += len(piece)

    def link(self, start: int, href: str) -> None:
        self.links.append(Link(start, self.length, href))

    def flush(self) -> None:
        if not self.length:
            self.links.clear()
            return
        text = "".join(self.pieces).rstrip(" ")
        start = self.pos + 1 if self.parts else 0
        links: list[Link] = []
        for link in self.links:
            s, e = link.start, min(link.end, len(text))
            while s < e and text[s] == " ":
                s += 1
            while e > s and text[e - 1] == " ":
                e -= 1
            if s < e:
                links.append(Link(start + s, start + e, link.href))
        self.parts.append(text)
        self.blocks.append(Block(start, start + len(text), self.region, self.tag, tuple(links), self.marked, self.item))
        self.pos = start + len(text)
        self.pieces.clear()
        self.length = 0
        self.links.clear()


#: What an element opened, so its end undoes exactly that (bit flags on one stack).
_SKIPPED, _BLOCK, _ITEM, _REGION, _MARK, _ANCHOR = 1, 2, 4, 8, 16, 32


def linearise(root: lxml.html.HtmlElement, marks: Collection[object] = ()) -> tuple[str, list[Block]]:
    """``(text, blocks)``: the visible page, a block a line, joined with ``\\n``.

    ``marks`` are elements whose blocks are flagged ``marked`` (a main-content
    override); pass elements of ``root`` itself.
    """
    out = _Writer()
    regions: list[str] = [PAGE]
    block_tags: list[str] = ["body"]
    items: list[int] = [0]
    numbers = itertools.count(1)
    marked = 0
    opened: list[int] = []  # one entry of flags per element being walked
    # Anchors still open: (element, start offset in the current block, href).
    anchors: list[tuple[object, int, str]] = []
    block_tags_set, item_tags, skip_tags = BLOCK_TAGS, ITEM_TAGS, SKIP_TAGS
    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue  # comments and processing instructions: the parser removed them, entities stay out
        if event == "start":
            has_attributes = len(el.attrib) > 0
            if tag in skip_tags or (has_attributes and is_hidden(el)):
                walker.skip_subtree()
                opened.append(_SKIPPED)
                continue
            flags = 0
            if tag in block_tags_set:
                if anchors:
                    _close_anchors(out, anchors)
                out.flush()
                block_tags.append(tag)
                flags |= _BLOCK
            if tag in item_tags:
                items.append(next(numbers))
                flags |= _ITEM
            region = REGION_TAGS.get(tag) or (region_of(el) if has_attributes else None)
            if region:
                regions.append(region)
                flags |= _REGION
            if marks and el in marks:
                marked += 1
                flags |= _MARK
            out.context = (regions[-1], block_tags[-1], marked > 0, items[-1])
            if tag == "a" and has_attributes:
                href = (el.get("href") or "").strip()
                if href:
                    anchors.append((el, out.length, href))
                    flags |= _ANCHOR
            opened.append(flags)
            text = el.text
            if text:
                if tag == "pre":
                    _add_pre(out, text)
                else:
                    out.add(text)
            continue
        # event == "end"
        flags = opened.pop()
        if flags and not flags & _SKIPPED:
            if flags & _ANCHOR and anchors and anchors[-1][0] is el:
                _, start, href = anchors.pop()
                out.link(start, href)
            if flags & _MARK:
                marked -= 1
            if flags & _REGION:
                regions.pop()
            if flags & _BLOCK:
                if anchors:
                    _close_anchors(out, anchors)
                out.flush()
                block_tags.pop()
            if flags & _ITEM:
                items.pop()
            out.context = (regions[-1], block_tags[-1], marked > 0, items[-1])
        tail = el.tail
        if tail:
            out.add(tail)
    _close_anchors(out, anchors)
    out.flush()
    return "\n".join(out.parts), out.blocks


def _close_anchors(out: _Writer, anchors: list[tuple[object, int, str]]) -> None:
    """An anchor around block elements: its part in the block being closed is a link; it goes on in the next."""
    for i, (el, start, href) in enumerate(anchors):
        out.link(start, href)
        anchors[i] = (el, 0, href)


def _add_pre(out: _Writer, text: str) -> None:
    """Preformatted text keeps its line breaks as block breaks."""
    for i, line in enumerate(text.split("\n")):
        if i:
            out.flush()
        out.add(line)
