"""The one sanitising boundary: NUL and lone surrogates become U+FFFD in every cleaning result, and it says so."""

from __future__ import annotations

import json

from cleaners.process import Cleaned, clean_content
from cleaners.record import empty_record
from cleaners.text import sanitise
from crawler.components import load_extractor, offline_crawler
from storage.records import output_hash
from tests.conftest import make_chain, project_settings
from tests.crawler.news_site import article_page


def test_clean_values_come_back_as_the_same_objects():
    value = {"title": "Port reopens", "links": [{"title": "a", "published": None}], "n": 3}
    out, count = sanitise(value)
    assert out is value and count == 0


def test_nul_and_lone_surrogates_are_replaced_one_for_one_everywhere():
    value = {"title": "a\x00b", "links": [{"title": "x\ud800y"}, ("\udfff",)], "n": 3, "raw": b"\x00"}
    out, count = sanitise(value)
    assert count == 3
    assert out == {"title": "a\ufffdb", "links": [{"title": "x\ufffdy"}, ("\ufffd",)], "n": 3, "raw": b"\x00"}
    assert value["title"] == "a\x00b", "the input is not modified"
    assert len(out["title"]) == len(value["title"]), "offsets keep their meaning"


def test_every_cleaning_result_is_sanitised_and_says_so():
    cleaned = Cleaned({**empty_record([]), "title": "a\x00b"}, "text\ud800")
    assert cleaned.record["title"] == "a\ufffdb" and cleaned.raw_text == "text\ufffd"
    assert cleaned.record["errors"][-1]["stage"] == "clean"
    assert "2 NUL or lone surrogate" in cleaned.record["errors"][-1]["message"]
    json.dumps(cleaned.record, ensure_ascii=False).encode("utf-8")  # printable and storable


def test_a_json_ld_surrogate_page_cleans_to_storable_text_and_the_same_hash_every_time():
    """Issue 9, case 2: a lone surrogate in JSON-LD made a batch, the spool and `scrapy clean` fail."""
    poison = '"headline": "x\\ud800", "author": "A\\u0000"'
    html = article_page("T", "jsonld").decode().replace('"headline": "x"', poison)
    extractor = load_extractor(offline_crawler(project_settings()))
    chain = make_chain()
    first = clean_content(chain, html, is_html=True, extractor=extractor, url="https://example.com/a")
    again = clean_content(chain, html, is_html=True, extractor=extractor, url="https://example.com/a")
    assert first.record["author"] == "A\ufffd"
    assert first.record["title"] == "x\ufffd"
    assert any("lone surrogate" in e["message"] for e in first.record["errors"])
    assert output_hash(first.record) == output_hash(again.record), "reclean must see the same output"
    json.dumps(first.record, ensure_ascii=False).encode("utf-8")
