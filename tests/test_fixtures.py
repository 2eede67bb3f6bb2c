"""Every fixture page comes out as its expected file says: one parametrised test over fixtures/pages.

Expected files are written by ``scrapy fixtures --update`` and reviewed line by
line; hand-made gold annotations (no ``generated_by``) are checked on the
fields they give, as tests/test_seed.py checks the seed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.commands.clean import clean_file
from crawler.commands.fixtures import comparable, expected_path, expected_view, is_generated
from crawler.components import load_chain, load_extractor, offline_crawler
from crawler.files import find_pages
from tests.conftest import ROOT, project_settings

PAGES_DIR = ROOT / "fixtures" / "pages"
PAGES = sorted(find_pages(PAGES_DIR)) if PAGES_DIR.is_dir() else []


@pytest.fixture(scope="module")
def components():
    settings = project_settings()
    crawler = offline_crawler(settings)
    return load_chain(crawler), load_extractor(crawler), settings.getint("SIEVE_MAX_BYTES")


def page_id(page: Path) -> str:
    return str(page.relative_to(PAGES_DIR))


def test_there_are_enough_fixture_pages_in_enough_styles():
    assert len(PAGES) >= 16
    assert len({p.parent.name for p in PAGES}) >= 5
    assert any(p.name.endswith(".txt") for p in PAGES) and any(".htm" in p.name for p in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_fixture_page_matches_its_expected_file(page: Path, components):
    exp_path = expected_path(page)
    assert exp_path.exists(), f"no {exp_path.name}: run `scrapy fixtures --update {page}` and review it line by line"
    expected = json.loads(exp_path.read_text(encoding="utf-8"))
    chain, extractor, max_bytes = components
    cleaned = clean_file(str(page), page.read_bytes(), chain, extractor, max_bytes)
    got = comparable(cleaned.record, expected, cleaned.raw_text)
    want = expected_view(expected, cleaned.raw_text)
    if not is_generated(expected):
        assert set(want) >= {"body", "segments"}, "a gold file must at least give the body and the segments"
    assert got == want, f"run `scrapy fixtures --check {page}` for a diff"
