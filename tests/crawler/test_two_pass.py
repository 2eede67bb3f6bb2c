"""``scrapy clean``'s two passes prepare each page once: a page kept between them cleans as the one-pass path does."""

from __future__ import annotations

import tempfile

import pytest

from cleaners.document.files import find_pages
from crawler.cleaning import FileRun
from crawler.components import load_chain, load_extractor, offline_crawler
from crawler.pool_tasks import WorkerState, WorkerStats, clean_file, finish_file, prepare_file
from tests.conftest import ROOT, project_settings

PAGES = sorted(find_pages(ROOT / "fixtures"))
MAX_BYTES = project_settings().getint("SIEVE_MAX_BYTES")


@pytest.fixture(scope="module")
def state() -> WorkerState:
    crawler = offline_crawler(project_settings())
    return WorkerState(load_chain(crawler), load_extractor(crawler), WorkerStats(), MAX_BYTES, 800)


def test_there_are_pages_of_every_kind():
    # HTML with and without declared dates, raw text, a gzip, pages that fail: the fixtures hold them all.
    assert len(PAGES) > 20 and {p.suffix for p in PAGES} >= {".html", ".txt"}


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_page_kept_between_the_passes_gives_the_one_pass_record(state, path, tmp_path):
    data = path.read_bytes()
    prepare_file(state, str(tmp_path), 0, path.name, data)
    kept = list(tmp_path.iterdir())
    two_pass = finish_file(state, str(tmp_path), 0, path.name, data)
    one_pass = clean_file(state, path.name, data)
    assert (two_pass.record, two_pass.raw_text) == (one_pass.record, one_pass.raw_text)
    assert not list(tmp_path.iterdir())  # read once, then gone
    if path.suffix == ".html" and one_pass.ok:
        assert kept, "a good HTML page is kept for the second pass"


def test_the_second_pass_cleans_from_the_bytes_when_nothing_was_kept_or_the_file_changed(state, tmp_path):
    html = [p for p in PAGES if p.suffix == ".html"]
    first, second = html[0].read_bytes(), html[1].read_bytes()
    nothing_kept = finish_file(state, str(tmp_path), 7, "a.html", first)
    assert nothing_kept.record == clean_file(state, "a.html", first).record
    prepare_file(state, str(tmp_path), 8, "b.html", first)
    changed = finish_file(state, str(tmp_path), 8, "b.html", second)  # the file was rewritten between the passes
    assert changed.record == clean_file(state, "b.html", second).record
    assert changed.record != clean_file(state, "b.html", first).record


def test_the_kept_pages_are_removed_after_a_run_and_after_a_run_stopped_early(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    settings = project_settings()
    crawler = offline_crawler(settings)
    pages: list = [p for p in PAGES if p.suffix == ".html"][:6]

    run = FileRun(settings, load_chain(crawler), load_extractor(crawler), jobs=1)
    assert len(list(run.clean(pages))) == 6
    assert not list(tmp_path.iterdir())
    run.close()

    run = FileRun(settings, load_chain(crawler), load_extractor(crawler), jobs=1)
    results = run.clean(pages)
    next(results)
    assert list(tmp_path.iterdir()), "the learning pass keeps its pages in a temporary folder"
    run.close()
    assert not list(tmp_path.iterdir())


def test_a_page_that_cannot_be_kept_or_comes_back_damaged_is_cleaned_from_its_bytes(state, tmp_path, caplog):
    data = next(p for p in PAGES if p.suffix == ".html").read_bytes()
    expected = clean_file(state, "a.html", data).record
    missing = str(tmp_path / "gone")  # the folder is gone (a full or cleaned-up TMPDIR): nothing can be kept
    prepare_file(state, missing, 0, "a.html", data)
    assert "cannot keep a.html" in caplog.text
    assert finish_file(state, missing, 0, "a.html", data).record == expected
    prepare_file(state, str(tmp_path), 1, "a.html", data)
    (kept,) = tmp_path.glob("1.*")
    kept.write_bytes(kept.read_bytes()[:100])  # cut short
    assert finish_file(state, str(tmp_path), 1, "a.html", data).record == expected
    assert "unreadable" in caplog.text


def test_without_a_temporary_folder_the_run_prepares_each_page_twice_and_gives_the_same_records(
    tmp_path, monkeypatch, caplog
):
    settings = project_settings()
    crawler = offline_crawler(settings)
    pages: list = [p for p in PAGES if p.suffix == ".html"][:6]
    run = FileRun(settings, load_chain(crawler), load_extractor(crawler), jobs=1)
    kept = [(name, c.record) for name, c in run.clean(pages)]
    run.close()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "not-there"))  # an unwritable TMPDIR
    run = FileRun(settings, load_chain(crawler), load_extractor(crawler), jobs=1)
    assert [(name, c.record) for name, c in run.clean(pages)] == kept
    run.close()
    assert "prepared twice" in caplog.text
