"""The whole-page benchmark's generator keeps its promises; nothing here depends on how well Sieve cleans."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from datetime import date
from types import ModuleType
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from cleaners.chain import normalise_ws
from tests.conftest import ROOT

STAMP_RE = re.compile(r"GMT (\d\d):(\d\d) (\d{4}) (\w+) ,(\d\d) (\w+)")


def load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("wholepage_bench", ROOT / "benchmarks" / "wholepage.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


wp = load_benchmark()


@pytest.fixture(scope="module")
def cases() -> list:
    return wp.generate(seed=7, per_layout=4)


def doc_text(html: str) -> str:
    """The page's visible text, whitespace normalised; text nodes joined by a space."""
    root = lxml.html.document_fromstring(html)
    for el in root.xpath("//head | //script | //style"):
        el.drop_tree()
    return normalise_ws(" ".join(root.itertext()))


def test_same_seed_same_pages_and_every_layout(cases):
    again = wp.generate(seed=7, per_layout=4)
    assert [c.html for c in cases] == [c.html for c in again]
    assert [c.gold for c in cases] == [c.gold for c in again]
    assert Counter(c.layout for c in cases) == dict.fromkeys(wp.LAYOUTS, 4)
    assert [c.html for c in wp.generate(seed=8, per_layout=4)] != [c.html for c in cases]


def test_every_stamp_weekday_matches_its_date(cases):
    for case in cases:
        stamps = STAMP_RE.findall(doc_text(case.html))
        assert len(stamps) == len(case.gold.related_links) + 1  # the article's own date line too
        for _, _, year, weekday, day, month in stamps:
            d = date(int(year), wp.MONTHS.index(month) + 1, int(day))
            assert weekday == wp.WEEKDAYS[d.weekday()], (case.name, year, month, day, weekday)
        for link, stamp in zip(case.gold.related_links, case.gold.stamps, strict=True):
            hh, mm, year, _, day, month = STAMP_RE.fullmatch(stamp).groups()
            iso = f"{year}-{wp.MONTHS.index(month) + 1:02d}-{day}T{hh}:{mm}:00+00:00"
            assert link["published"] == iso


def test_gold_related_urls_are_hrefs_resolved_against_the_canonical_url(cases):
    for case in cases:
        root = lxml.html.document_fromstring(case.html)
        (canonical,) = root.xpath("//link[@rel='canonical']/@href")
        assert root.xpath("//meta[@property='og:url']/@content") == [canonical] == [case.url]
        assert urlsplit(canonical).hostname.endswith(".example")
        anchors = {urljoin(canonical, a.get("href")): normalise_ws(a.text_content()) for a in root.iter("a")}
        assert 3 <= len(case.gold.related_links) <= 6
        for link in case.gold.related_links:
            assert anchors.get(link["url"]) == link["title"], (case.name, link)
            assert urlsplit(link["url"]).hostname == urlsplit(canonical).hostname


def test_gold_body_paragraphs_are_on_the_page_and_the_rest_is_not_body(cases):
    for case in cases:
        text = doc_text(case.html)
        assert 4 <= len(case.gold.paragraphs) <= 7
        assert case.gold.body == "\n".join(case.gold.paragraphs)
        positions = [text.find(p) for p in case.gold.paragraphs]
        assert -1 not in positions and positions == sorted(positions), case.name
        assert case.gold.source_line in text
        for other in (case.gold.source_line, *case.gold.stamps, *case.gold.copyright):
            assert other not in case.gold.body


def test_copyright_pair_appears_twice(cases):
    for case in cases:
        text = doc_text(case.html)
        lines = case.gold.copyright
        assert len(lines) == 4 and lines[:2] == lines[2:] and lines[0] != lines[1]
        for line in lines[:2]:
            assert text.count(line) == 2, (case.name, line)


def test_source_line_sits_outside_the_article_container(cases):
    for case in (c for c in cases if c.layout == "semantic"):
        root = lxml.html.document_fromstring(case.html)
        (article,) = root.xpath("//article")
        article_text = normalise_ws(" ".join(article.itertext()))
        assert case.gold.paragraphs[0] in article_text
        assert case.gold.source_line not in article_text


def test_the_default_run_varies_what_it_should():
    cases = wp.generate()
    assert len(cases) == 60
    assert {c.gold.stamp_mode for c in cases} == set(wp.STAMP_MODES)
    assert {c.gold.source for c in cases} == {"Alarabiya", "AFP", "Reuters", "Petra", "WAM", "Anadolu"}
    assert len({c.gold.source_line.split(":")[0] for c in cases}) >= 3  # source / Source / Source  / SOURCE
    assert len({urlsplit(c.url).hostname for c in cases}) >= 4
    hrefs = [a.get("href") for c in cases for a in lxml.html.document_fromstring(c.html).iter("a")]
    assert any(h.startswith("https://") for h in hrefs) and any(not h.startswith(("https:", "//")) for h in hrefs)
    bodies = "\n".join(c.gold.body for c in cases)
    for negative in (r"[Ss]ource close to the", r"\ball rights reserved\b", r"\bat \d{1,2}:\d\d on \w+day\b"):
        assert re.search(negative, bodies), negative
    for case in cases:
        assert not re.search(r"bench|synthetic|generated|gold", case.html, re.I), case.name
