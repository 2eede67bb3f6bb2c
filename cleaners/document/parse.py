"""HTML text to an lxml tree, safely: hostile or malformed markup gives an ``ExtractionError``, never a hang."""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from cleaners.document.decode import defuse_attribute_floods
from cleaners.document.errors import ExtractionError


def _parser() -> lxml.html.HTMLParser:
    """lxml's HTML parser, every element a plain ``HtmlElement``.

    lxml.html picks each element's class in Python (forms, inputs, labels get
    their own); Sieve and trafilatura use none of those classes, and a lookup
    done in C makes every walk over the tree cheaper. ``collect_ids`` off:
    nothing looks elements up by XPath ``id()``, and the table of IDs costs
    time in the parse and in every copy trafilatura makes of the tree.
    """
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
    parser.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(element=lxml.html.HtmlElement))
    return parser


#: Characters XML 1.0 cannot hold (NUL and lone surrogates are dealt with on their own). lxml refuses them in
#: any text it is handed, and trafilatura builds new elements from the page's text, so one of them anywhere in
#: an article made trafilatura discard the whole article.
_XML_ILLEGAL_RE = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: The same characters written as numeric character references (``&#x0b;``, ``&#11``): the parser decodes them.
_CHAR_REF_RE = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,6})|0*([0-9]{1,7}));?")
#: Vertical tab and form feed are white space (a browser lays them out as such, Word pastes VT as a line break);
#: every other one becomes U+FFFD, one character for one, as NUL does in stored text.
_WHITE = frozenset({0x0B, 0x0C})


def _mapped(code: int) -> str:
    return " " if code in _WHITE else "\ufffd"


def xml_safe(html: str) -> tuple[str, int]:
    """``html`` with the characters XML cannot hold, raw or as references, mapped; and how many were.

    A raw character becomes one character, so text offsets hold; a reference becomes the character it maps to.
    The common page holds none and costs two scans.
    """
    count = 0
    if _XML_ILLEGAL_RE.search(html) is not None:
        html, count = _XML_ILLEGAL_RE.subn(lambda m: _mapped(ord(m.group())), html)
    if "&#" not in html:
        return html, count
    refs = 0

    def ref(match: re.Match[str]) -> str:
        nonlocal refs
        hexa, dec = match.groups()
        code = int(hexa, 16) if hexa else int(dec)
        if code > 0x10FFFF or _XML_ILLEGAL_RE.match(chr(code)) is None:
            return match.group()
        refs += 1
        return _mapped(code)

    html = _CHAR_REF_RE.sub(ref, html)
    return html, count + refs


def parse_html(html: str) -> lxml.html.HtmlElement:
    """Parse hostile or malformed HTML without raising from inside lxml."""
    if "\x00" in html:
        html = html.replace("\x00", "")
    html, _ = xml_safe(html)
    # lxml refuses str input that carries an XML encoding declaration.
    html = re.sub(r"^\s*<\?xml[^>]{0,200}\?>", "", html, count=1)
    html = defuse_attribute_floods(html)  # 100k attributes in one tag would take libxml2 minutes
    try:
        root = lxml.html.document_fromstring(html, parser=_parser())
    except (lxml.etree.ParserError, ValueError, lxml.etree.XMLSyntaxError) as exc:
        raise ExtractionError(f"unparseable HTML ({exc})") from None
    if root is None:
        raise ExtractionError("unparseable HTML (no document element)")
    return root
