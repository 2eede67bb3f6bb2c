"""Every fixture page comes out as its expected file says: one parametrised test over fixtures/pages.

Expected files are written by ``scrapy fixtures --update`` and reviewed line by
line; hand-made gold annotations (no ``generated_by``) are checked on the
fields they give, as tests/test_seed.py checks the seed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaners.document.files import expected_path, find_pages
from cleaners.evaluation.expected import GENERATED_BY, comparable, expected_view, is_generated
from cleaners.process import clean_file
from crawler.components import load_chain, load_extractor, offline_crawler
from tests.conftest import ROOT, project_settings, run_scrapy

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


# -- the generator: scrapy fixtures --update / --check ---------------------------------------------

PAGE = "Police reopened the coastal road on Monday.\nsource: Reuters\n© 2021 Coast News. All rights reserved.\n"


def test_update_writes_generated_files_and_check_then_passes(tmp_path):
    style = tmp_path / "pages" / "coast"
    style.mkdir(parents=True)
    (style / "road.txt").write_text(PAGE, encoding="utf-8")
    proc = run_scrapy("fixtures", "--update", str(tmp_path / "pages"), timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    written = json.loads((style / "road.expected.json").read_text(encoding="utf-8"))
    assert written["generated_by"] == GENERATED_BY
    assert written["source"] == "Reuters"
    assert written["boilerplate"] == ["© 2021 Coast News. All rights reserved."]
    assert "path" not in written
    proc = run_scrapy("fixtures", "--check", str(tmp_path / "pages"), timeout=120)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert b"1 page(s) match" in proc.stdout


def test_check_shows_a_diff_and_update_keeps_the_note(tmp_path):
    (tmp_path / "road.txt").write_text(PAGE, encoding="utf-8")
    expected = tmp_path / "road.expected.json"
    assert run_scrapy("fixtures", "--update", str(tmp_path), timeout=120).returncode == 0
    data = json.loads(expected.read_text(encoding="utf-8"))
    data["note"] = "reviewed: the footer is boilerplate"
    data["source"] = "AFP"  # what a stale or hand-edited file looks like
    expected.write_text(json.dumps(data), encoding="utf-8")
    proc = run_scrapy("fixtures", "--check", str(tmp_path), timeout=120)
    assert proc.returncode == 1
    out = proc.stdout.decode()
    assert f"differs   {expected}" in out
    assert '-  "source": "AFP",' in out and '+  "source": "Reuters",' in out
    assert "Traceback" not in proc.stderr.decode()
    assert run_scrapy("fixtures", "--update", str(tmp_path), timeout=120).returncode == 0
    data = json.loads(expected.read_text(encoding="utf-8"))
    assert data["source"] == "Reuters"
    assert data["note"] == "reviewed: the footer is boilerplate"


def test_update_never_overwrites_a_gold_file_and_check_compares_its_fields(tmp_path):
    (tmp_path / "road.txt").write_text(PAGE, encoding="utf-8")
    gold = tmp_path / "road.expected.json"
    gold_text = json.dumps({"body": "Police reopened the coastal road on Monday.", "source": "Reuters"})
    gold.write_text(gold_text, encoding="utf-8")
    proc = run_scrapy("fixtures", "--update", str(tmp_path), timeout=120)
    assert proc.returncode == 0
    assert b"gold annotation" in proc.stdout
    assert gold.read_text(encoding="utf-8") == gold_text
    assert run_scrapy("fixtures", "--check", str(tmp_path), timeout=120).returncode == 0
    gold.write_text(json.dumps({"body": "Police closed the road.", "source": "Reuters"}), encoding="utf-8")
    proc = run_scrapy("fixtures", "--check", str(tmp_path), timeout=120)
    assert proc.returncode == 1
    assert '-  "body": "Police closed the road.",' in proc.stdout.decode()


def test_check_reports_a_page_without_an_expected_file(tmp_path):
    (tmp_path / "road.txt").write_text(PAGE, encoding="utf-8")
    proc = run_scrapy("fixtures", "--check", str(tmp_path), timeout=120)
    assert proc.returncode == 1
    assert f"missing   {tmp_path / 'road.expected.json'}" in proc.stdout.decode()


def test_expected_path_strips_every_page_suffix():
    assert expected_path(Path("a/b/page.html.gz")) == Path("a/b/page.expected.json")
    assert expected_path(Path("a/page.txt")) == Path("a/page.expected.json")
    assert expected_path(Path("a/page.HTML")) == Path("a/page.expected.json")


def test_a_path_with_nothing_to_compare_is_one_line(tmp_path):
    proc = run_scrapy("fixtures", "--check", str(tmp_path / "nope"), timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == f"scrapy fixtures: no such file or directory: {tmp_path / 'nope'}"
    proc = run_scrapy("fixtures", "--update", str(tmp_path), timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == f"scrapy fixtures: no pages (.txt, .html, .html.gz) under {tmp_path}"
