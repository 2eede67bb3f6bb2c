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


def parse_html(html: str) -> lxml.html.HtmlElement:
    """Parse hostile or malformed HTML without raising from inside lxml."""
    if "\x00" in html:
        html = html.replace("\x00", "")
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
