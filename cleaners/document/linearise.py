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
  visible, so they are not text, except a hidden container of article
  paragraphs (:func:`holds_prose`: a soft paywall, a "read more" toggle);
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
    return _region_of_names(el.get("role"), el.get("class"), el.get("id"))


def _region_of_names(role: str | None, classes: str | None, id_: str | None) -> str | None:
    """The region an element's role, class and id name (see :func:`region_of`)."""
    if role and role.strip().lower() in ROLES:
        return ROLES[role.strip().lower()]
    names = f"{classes or ''} {id_ or ''}".strip()
    if names and len(names) < 200:
        for word in _WORD_SPLIT_RE.split(names.lower()):
            if word in CLASS_WORDS:
                return CLASS_WORDS[word]
    return None


def is_hidden(el: lxml.html.HtmlElement) -> bool:
    return _hidden(el, el.keys())


def _hidden(el: lxml.html.HtmlElement, names: list[str]) -> bool:
    """:func:`is_hidden` of an element whose attribute names are ``names``.

    Reading an attribute from lxml costs more than the rest of a check, so the
    walk reads the names once and only the attributes that are there.
    """
    if "hidden" in names:
        return True
    if "type" in names and (el.get("type") or "").lower() == "hidden":
        return True
    if "style" in names:
        style = el.get("style")
        return bool(style) and _HIDDEN_STYLE_RE.search(style) is not None
    return False


#: A hidden container whose text is mostly paragraphs of at least this many characters is article text a page
#: hides behind a soft paywall or a "read more" toggle (it is there for whoever pays or clicks): it is text.
PROSE_PARAGRAPH_CHARS = 120
PROSE_SHARE = 0.6
#: This many characters of such paragraphs are an article whatever else the hidden container holds.
PROSE_CHARS = 2000


def holds_prose(el: lxml.html.HtmlElement) -> bool:
    """Whether a hidden ``el`` is article paragraphs (a menu, a dialog or a form is not mostly long ``<p>``).

    Soft paywalls hide the whole article or each paragraph on its own, so one long paragraph is enough, when
    paragraphs are most of the element's text; a streamed page (React's ``<div hidden id="S:0">``) hides
    its whole content until a script moves it, so enough of them is enough.
    """
    if el.tag not in _PROSE_CONTAINERS:
        return False
    prose = 0
    for p in el.iter("p"):
        n = len((p.text_content() or "").strip())
        if n >= PROSE_PARAGRAPH_CHARS:
            prose += n
        if prose >= PROSE_CHARS:
            return True  # a whole article (a streamed page's hidden boundary holds it with its chrome)
    return prose > 0 and prose >= PROSE_SHARE * len((el.text_content() or "").strip())


_PROSE_CONTAINERS = frozenset({"div", "section", "article", "main"})


def _hidden_text(el: lxml.html.HtmlElement, prose_kinds: set[tuple[str, str | None]]) -> bool:
    """Whether a hidden ``el`` is article text: it holds prose, or it is one more of the page's hidden prose boxes.

    A paywall that hides each paragraph in its own box hides the short ones too ("Events, dear reader."): a box
    of the same tag and class as one that held prose, holding only paragraphs, is text as well.
    """
    key = (el.tag, el.get("class"))
    if holds_prose(el):
        prose_kinds.add(key)
        return True
    return key in prose_kinds and el.find(".//p") is not None and not _has_non_paragraph_text(el)


def _has_non_paragraph_text(el: lxml.html.HtmlElement) -> bool:
    """Text of ``el`` outside its ``<p>`` elements (an offer's button, a form's label)."""
    inside = sum(len((p.text_content() or "").strip()) for p in el.iter("p"))
    return len((el.text_content() or "").strip()) > inside + 40


_NamesKey = tuple[str | None, str | None, str | None]


def _named_region(el: lxml.html.HtmlElement, names: list[str], seen: dict[_NamesKey, str]) -> str:
    """The region an element's role, class or id names ("" for none), reading only the attributes in ``names``.

    ``seen`` remembers the answer for each (role, class, id) on this page: a
    page repeats the same few class names on hundreds of elements, and a dict
    hit is far cheaper than splitting them into words again. (Per page, not
    global, so a hostile page's huge class names go when the page does.)
    """
    key = (
        el.get("role") if "role" in names else None,
        el.get("class") if "class" in names else None,
        el.get("id") if "id" in names else None,
    )
    region = seen.get(key)
    if region is None:
        region = seen[key] = _region_of_names(*key) or ""
    return region


def _normalise_space(text: str) -> str:
    """``text`` with each run of whitespace one space, as a browser draws inline text.

    Most text needs no regex pass: inside its surrounding whitespace (the
    markup's indentation), text that is printable and has no double space has
    no whitespace but single ASCII spaces, since every other whitespace
    character is unprintable.
    """
    core = text.strip()
    if not core.isprintable() or "  " in core:
        return _WS_RE.sub(" ", text)
    if core is text:
        return text
    if not core:
        return " "  # whitespace only
    if text[0].isspace():
        core = " " + core
    if text[-1].isspace():
        core += " "
    return core


class _Writer:
    """Collects inline text into blocks and blocks into the page text.

    Where new text stands (its region, block tag, list item, and whether it
    is marked) is the top of the stacks the walk keeps here, read only when a
    block starts, so moving in and out of elements costs no bookkeeping.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.blocks: list[Block] = []
        self.pos = 0
        self.pieces: list[str] = []
        self.length = 0
        #: Whether the block's text so far ends in a space (a new piece's leading space is then dropped).
        self.spaced = True
        #: The block's links so far, ``(start, end, href)``: tuples, as a dataclass costs ten times as much to make.
        self.links: list[tuple[int, int, str]] = []
        self.region = PAGE
        self.tag = "body"
        self.marked = False
        self.item = 0
        # The walk's stacks: the innermost region, block tag and list item, and how many marks are open.
        self.regions: list[str] = [PAGE]
        self.block_tags: list[str] = ["body"]
        self.items: list[int] = [0]
        self.marks_open = 0

    def add(self, text: str) -> None:
        if not text:
            return
        if text.isspace():
            # Whitespace between tags, the most common text of all: at most one space, never a block's first.
            if self.spaced:
                return
            piece = " "
        else:
            piece = _normalise_space(text)
            if self.spaced and piece[0] == " ":
                piece = piece[1:]
        if not self.length:
            self.region, self.tag, self.item = self.regions[-1], self.block_tags[-1], self.items[-1]
            self.marked = self.marks_open > 0
        elif self.marks_open:
            self.marked = True
        self.pieces.append(piece)
        self.length += len(piece)
        self.spaced = piece[-1] == " "

    def link(self, start: int, href: str) -> None:
        self.links.append((start, self.length, href))

    def flush(self) -> None:
        if not self.length:
            self.links.clear()
            return
        text = "".join(self.pieces).rstrip(" ")
        start = self.pos + 1 if self.parts else 0
        links: list[Link] = []
        for s, e, href in self.links:
            e = min(e, len(text))
            while s < e and text[s] == " ":
                s += 1
            while e > s and text[e - 1] == " ":
                e -= 1
            if s < e:
                links.append(Link(start + s, start + e, href))
        self.parts.append(text)
        self.blocks.append(Block(start, start + len(text), self.region, self.tag, tuple(links), self.marked, self.item))
        self.pos = start + len(text)
        self.pieces.clear()
        self.length = 0
        self.spaced = True
        self.links.clear()


#: What an element opened, so its end undoes exactly that (bit flags on one stack).
_SKIPPED, _BLOCK, _ITEM, _REGION, _MARK, _ANCHOR = 1, 2, 4, 8, 16, 32
#: A tag kind only (see ``_TAG_KINDS``), never on the stack.
_PRE = 64


def _tag_kinds() -> dict[str, int]:
    """What each tag is, in the bits above: the walk tells an element's kind by one lookup (absent: plain inline)."""
    kinds: dict[str, int] = {}
    for tags, bit in (
        (SKIP_TAGS, _SKIPPED),
        (BLOCK_TAGS, _BLOCK),
        (ITEM_TAGS, _ITEM),
        (REGION_TAGS, _REGION),
        (("a",), _ANCHOR),
        (("pre",), _PRE),
    ):
        for tag in tags:
            kinds[tag] = kinds.get(tag, 0) | bit
    return kinds


_TAG_KINDS = _tag_kinds()


def linearise(root: lxml.html.HtmlElement, marks: Collection[object] = ()) -> tuple[str, list[Block]]:
    """``(text, blocks)``: the visible page, a block a line, joined with ``\\n``.

    ``marks`` are elements whose blocks are flagged ``marked`` (a main-content
    override); pass elements of ``root`` itself.
    """
    out = _Writer()
    regions, block_tags, items = out.regions, out.block_tags, out.items
    numbers = itertools.count(1)
    opened: list[int] = []  # one entry of flags per element being walked
    # Anchors still open: (element, start offset in the current block, href).
    anchors: list[tuple[object, int, str]] = []
    if marks:
        marks = _as_set(marks)
    # Names bound locally: this loop runs twice per element of every page.
    tag_kinds, region_tags = _TAG_KINDS, REGION_TAGS
    seen_names: dict[_NamesKey, str] = {}
    prose_kinds: set[tuple[str, str | None]] = set()  # hidden containers found holding article prose
    add, flush = out.add, out.flush
    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    skip_subtree = walker.skip_subtree
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue  # comments and processing instructions: the parser removed them, entities stay out
        if event == "start":
            kind = tag_kinds.get(tag, 0)
            names = el.keys()
            if kind & _SKIPPED or (names and _hidden(el, names) and not _hidden_text(el, prose_kinds)):
                skip_subtree()
                opened.append(_SKIPPED)
                continue
            flags = 0
            if kind & _BLOCK:
                if anchors:
                    _close_anchors(out, anchors)
                if out.length or out.links:
                    flush()
                block_tags.append(tag)
                flags = _BLOCK
            if kind & _ITEM:
                items.append(next(numbers))
                flags |= _ITEM
            if kind & _REGION:
                regions.append(region_tags[tag])
                flags |= _REGION
            elif names:
                region = _named_region(el, names, seen_names)
                if region:
                    regions.append(region)
                    flags |= _REGION
            if marks and el in marks:
                out.marks_open += 1
                flags |= _MARK
            if kind & _ANCHOR and "href" in names:
                href = (el.get("href") or "").strip()
                if href:
                    anchors.append((el, out.length, href))
                    flags |= _ANCHOR
            opened.append(flags)
            text = el.text
            if text:
                if kind & _PRE:
                    _add_pre(out, text)
                elif not (out.spaced and text.isspace()):  # skips the call for indentation between tags
                    add(text)
            continue
        # event == "end"
        flags = opened.pop()
        if flags and flags != _SKIPPED:
            if flags & _ANCHOR and anchors and anchors[-1][0] is el:
                _, start, href = anchors.pop()
                out.link(start, href)
            if flags & _MARK:
                out.marks_open -= 1
            if flags & _REGION:
                regions.pop()
            if flags & _BLOCK:
                if anchors:
                    _close_anchors(out, anchors)
                if out.length or out.links:
                    flush()
                block_tags.pop()
            if flags & _ITEM:
                items.pop()
        tail = el.tail
        if tail and not (out.spaced and tail.isspace()):
            add(tail)
    _close_anchors(out, anchors)
    flush()
    return "\n".join(out.parts), out.blocks


def _as_set(marks: Collection[object]) -> Collection[object]:
    """``marks`` as a set, so each element's membership test is one hash (elements hash by identity)."""
    try:
        return frozenset(marks)
    except TypeError:  # something unhashable among them: test membership as given
        return marks


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
