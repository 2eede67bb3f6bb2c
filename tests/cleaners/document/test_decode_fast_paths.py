"""The shortcuts in decoding give what the long way gives; the attribute-flood guard still works."""

from __future__ import annotations

import codecs
import gzip
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaners.document.decode import _decoded_whole, _fits, decode_html, defuse_attribute_floods
from cleaners.document.errors import InputError
from cleaners.document.files import decode_page
from cleaners.record import bytes_to_keep
from cleaners.text import is_blank, normalise_ws


def test_a_flood_is_still_defused():
    flood = "<p " + " ".join(f"a{i}=1" for i in range(1500)) + ">text</p>"
    assert defuse_attribute_floods("<html>" + flood) == "<html><p>text</p>"
    page = "<html><body>" + "word " * 5000 + '<img src="data:' + "x" * 5000 + '"></body></html>'
    assert defuse_attribute_floods(page) == page
    assert defuse_attribute_floods("<p " + "a " * 1500) == "<p"  # an unclosed tag at the end of the page


@pytest.mark.parametrize(
    "data",
    [
        "caf\u00e9 \ufffd literal".encode(),  # the page's own U+FFFD: decoded again, and it fits
        b"\xef\xbb\xbf<p>bom</p>",
        b"<p>bad \xff byte</p>",
        "<p>\u0627\u0644\u0639\u0631\u0628\u064a\u0629</p>".encode(),
        "<p>\u00e9</p>".encode("cp1252"),
    ],
)
@pytest.mark.parametrize("encoding", ["utf-8", "utf8", "cp1252"])
def test_decoded_whole_is_fits(data, encoding):
    text = data.decode(encoding, "replace").removeprefix("\ufeff")
    assert _decoded_whole(data, encoding, text) == _fits(data, encoding)


def test_stray_bytes_still_get_a_note():
    assert decode_html(b"<html><p>bad \xff byte</p></html>", "text/html; charset=utf-8").note


@pytest.mark.parametrize("value", [b"", b" \t\r\n\x0b\x0c", b" x ", "", " \u00a0\u2003\n", " x", "\x1c"])
def test_blank_is_strip(value):
    assert is_blank(value) == (not value.strip())


@pytest.mark.parametrize("value", ["", "  a \t b\n", "\u00a0x\u2003\u2028y\x1c", "a\u200bb", "\x85 z \x0b"])
def test_normalise_ws_is_the_whitespace_regex(value):
    assert normalise_ws(value) == re.sub(r"\s+", " ", value).strip()


@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda t: ("<p>" + t + "</p>").encode("utf-8", "surrogatepass")),
        st.text(max_size=200).map(lambda t: codecs.BOM_UTF8 + ("<p>" + t).encode("utf-8", "surrogatepass")),
    ),
    st.sampled_from([None, "text/html; charset=utf-8", "text/html; charset=cp1252", "text/html; charset=latin-1"]),
)
def test_a_page_decoded_exactly_is_its_bytes_again(data, content_type):
    """``exact`` is what lets a crawl skip encoding the page again: it must never be claimed wrongly."""
    try:
        decoded = decode_html(b"<html>" + data, content_type)
    except InputError:
        return
    if decoded.exact:
        assert decoded.text.encode("utf-8", "surrogatepass") == b"<html>" + data


@pytest.mark.parametrize("name", ["page.html", "page.html.gz", "page.txt"])
def test_only_an_uncompressed_utf8_html_file_is_exact(name):
    data = "<html><body><p>Caf\u00e9 au lait</p></body></html>".encode()
    stored = gzip.compress(data) if name.endswith(".gz") else data
    decoded = decode_page(name, stored, 10**6)
    assert decoded.exact == (name == "page.html")
    assert bytes_to_keep(stored, decoded.text, exact=decoded.exact) == (None if name != "page.html.gz" else stored)
