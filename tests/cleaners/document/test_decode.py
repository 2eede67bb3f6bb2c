"""Charset decisions: valid UTF-8 is UTF-8 whatever a legacy declaration says; a few stray bytes change nothing."""

from __future__ import annotations

import pytest

from cleaners.document.decode import decode_html

TEXT = "Le café «Chez Hélène» rouvre à Évian — enfin"


@pytest.mark.parametrize("declared", ["gb2312", "iso-8859-15", "windows-1252", "shift_jis"])
def test_utf8_bytes_under_a_legacy_meta_charset_are_utf8(declared):
    page = f'<html><head><meta charset="{declared}"></head><body><p>{TEXT}</p></body></html>'.encode()
    decoded = decode_html(page)
    assert TEXT in decoded.text and decoded.encoding == "utf-8"
    assert decoded.note is not None and "valid UTF-8" in decoded.note


def test_a_legacy_page_that_is_not_utf8_is_decoded_as_declared():
    page = f'<html><head><meta charset="windows-1252"></head><body><p>{TEXT}</p></body></html>'.encode("cp1252")
    decoded = decode_html(page)
    assert TEXT in decoded.text and decoded.note is None


def test_one_stray_byte_in_a_utf8_page_keeps_it_utf8():
    page = (
        b'<html><head><meta charset="utf-8"></head><body><p>An English page with one stray \xff byte.</p></body></html>'
    )
    decoded = decode_html(page)
    assert decoded.encoding.replace("_", "-").lower() in ("utf-8", "utf8")
    assert "An English page with one stray \ufffd byte." in decoded.text
