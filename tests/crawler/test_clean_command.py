"""``scrapy clean`` on bad input: one clear line on stderr or a record with ``errors``; never a traceback or a hang."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from tests.conftest import SEED_TXT, run_scrapy

#: Generous: a subprocess that needs longer than this is hanging.
TIMEOUT = 120
GOOD = "Police reopened the coastal road on Monday after the storm.\nsource: Reuters\n"


def records(proc) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.decode().splitlines()]


def stderr_lines(proc) -> list[str]:
    return [line for line in proc.stderr.decode().splitlines() if line.strip()]


def assert_no_traceback(proc) -> None:
    err = proc.stderr.decode()
    assert "Traceback" not in err, err


# -- arguments that name nothing to clean: one line, exit 2, no output ------------------------------


def test_missing_file_is_one_line_and_nothing_is_written(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    proc = run_scrapy("clean", str(good), str(tmp_path / "nothere.txt"), timeout=TIMEOUT)
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert stderr_lines(proc) == [f"scrapy clean: no such file or directory: {tmp_path / 'nothere.txt'}"]
    assert proc.stdout == b""  # checked before the first page is cleaned


def test_folder_without_pages_is_one_line(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "page.txt").write_text(GOOD, encoding="utf-8")
    proc = run_scrapy("clean", str(tmp_path), timeout=TIMEOUT)
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert stderr_lines(proc) == [f"scrapy clean: no pages (.txt, .html, .html.gz) under {tmp_path}"]


def test_no_arguments_is_a_usage_error():
    proc = run_scrapy("clean", timeout=TIMEOUT)
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert "give at least one file, folder or - (stdin)" in proc.stderr.decode()


def test_unwritable_output_file_is_one_line(tmp_path):
    proc = run_scrapy("clean", str(SEED_TXT), "-o", str(tmp_path / "no" / "such" / "dir.jsonl"), timeout=TIMEOUT)
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert len(stderr_lines(proc)) == 1
    assert stderr_lines(proc)[0].startswith(f"scrapy clean: cannot write {tmp_path / 'no'}")


def test_bad_cleaners_setting_is_one_line(tmp_path):
    proc = run_scrapy("clean", "-s", 'CLEANERS={"nope.Missing": 10}', str(SEED_TXT), timeout=TIMEOUT)
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert len(stderr_lines(proc)) == 1
    assert "CLEANERS: 'nope.Missing' is not importable" in stderr_lines(proc)[0]


# -- bad pages: each gets a record with its error and one stderr line; the others are cleaned -------

#: name -> (bytes, words the error message must contain)
BAD_PAGES: dict[str, tuple[bytes, str]] = {
    "binary.txt": (bytes(range(256)) * 3, "binary content"),
    "latin1.txt": ("Le café est fermé depuis lundi.".encode("latin-1"), "invalid UTF-8 at byte"),
    "empty.txt": (b"", "empty page"),
    "blank.html": (b"  \n\t\n ", "empty page"),
    "huge.txt": (b"A long page of words. " * 100, "over the 1000-byte limit (SIEVE_MAX_BYTES)"),
    # under the limit compressed (about 900 bytes), 900 times over it decompressed
    "bomb.html.gz": (gzip.compress(b"<p>" + b"a" * 900_000, 9), "decompresses to more than 1000 bytes"),
    "corrupt.html.gz": (gzip.compress(b"<p>A short page.</p>")[:-10], "not a valid gzip file"),
    "not-gzip.html.gz": (b"<p>plain HTML with a .gz name</p>", "not a valid gzip file"),
    "scripts-only.html": (
        b"<html><head><script>var a = 1;</script></head><body><script>document.write('x')</script></body></html>",
        "no visible text in the HTML",
    ),
}


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    """One ``scrapy clean`` over every bad page plus a good one, in that order."""
    folder = tmp_path_factory.mktemp("bad")
    paths = []
    for name, (data, _) in BAD_PAGES.items():
        (folder / name).write_bytes(data)
        paths.append(str(folder / name))
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    paths.append(str(folder / "good.txt"))
    proc = run_scrapy("clean", "-s", "SIEVE_MAX_BYTES=1000", *paths, timeout=TIMEOUT)
    return proc, paths


def test_bad_pages_give_a_nonzero_exit_and_no_traceback(bad_run):
    proc, paths = bad_run
    assert proc.returncode == 1
    assert_no_traceback(proc)
    assert [r["path"] for r in records(proc)] == paths  # one record per input, in input order
    assert len(stderr_lines(proc)) == len(BAD_PAGES)


@pytest.mark.parametrize("name", list(BAD_PAGES))
def test_each_bad_page_has_its_error_in_its_record_and_one_stderr_line(bad_run, name):
    proc, paths = bad_run
    (record,) = [r for r in records(proc) if r["path"].endswith("/" + name)]
    expected = BAD_PAGES[name][1]
    assert len(record["errors"]) == 1
    assert expected in record["errors"][0]["message"]
    assert record["errors"][0]["stage"] in ("read", "extract")
    assert record["body"] == "" and record["segments"] == []
    (line,) = [x for x in stderr_lines(proc) if x.startswith(f"scrapy clean: {record['path']}: ")]
    assert expected in line


def test_a_good_page_after_bad_ones_is_cleaned(bad_run):
    proc, _ = bad_run
    good = records(proc)[-1]
    assert good["errors"] == []
    assert good["body"] == "Police reopened the coastal road on Monday after the storm."
    assert good["source"] == "Reuters"


# -- hostile HTML: finishes, and comes out as a record (text or an extraction error) -----------------

HOSTILE: dict[str, str] = {
    "deep-nesting.html": "<html><body>" + "<div>" * 100_000 + "<p>Deep text that sits under many divs.</p>",
    "attribute-flood.html": (
        "<html><body><p "
        + " ".join(f'data-a{i}="x"' for i in range(100_000))
        + ">Hello there, a paragraph of text.</p>"
    ),
    "unclosed-everything.html": "<html><body><div><p><b><i><table><tr><td>Unclosed text stays in the page"
    + "<span><a href='x'>" * 5_000,
    "nested-tables.html": "<html><body>" + "<table><tr><td>" * 20_000 + "cell text",
    "comments-and-cdata.html": "<html><body>" + "<!--" * 50_000 + "<![CDATA[" * 10_000 + "<p>after</p>",
}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    for name, html in HOSTILE.items():
        (folder / name).write_text(html, encoding="utf-8")
    proc = run_scrapy("clean", str(folder), timeout=TIMEOUT)
    return proc


def test_hostile_html_finishes_without_a_traceback(hostile_run):
    assert_no_traceback(hostile_run)
    got = {Path(r["path"]).name: r for r in records(hostile_run)}
    assert set(got) == set(HOSTILE)
    for name, record in got.items():
        assert record["body"] or record["errors"], name
    failed = [r for r in got.values() if r["errors"]]
    assert hostile_run.returncode == (1 if failed else 0)
    assert len(stderr_lines(hostile_run)) == len(failed)


def test_an_attribute_flood_keeps_the_text(hostile_run):
    (record,) = [r for r in records(hostile_run) if r["path"].endswith("attribute-flood.html")]
    assert record["body"] == "Hello there, a paragraph of text."


# -- stdin and -o ---------------------------------------------------------------------------------


def test_stdin_html_and_text():
    html = b"<html><body><article><p>The council approved the budget on Tuesday evening.</p></article></body></html>"
    proc = run_scrapy("clean", "-", input=html, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr.decode()
    (record,) = records(proc)
    assert record["path"] == "-"
    assert record["body"] == "The council approved the budget on Tuesday evening."

    proc = run_scrapy("clean", "-", input=SEED_TXT.read_bytes(), timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr.decode()
    (record,) = records(proc)
    assert record["source"] == "Alarabiya"


def test_stdin_gzip_is_recognised_by_its_magic_bytes():
    proc = run_scrapy("clean", "-", input=gzip.compress(SEED_TXT.read_bytes()), timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr.decode()
    assert records(proc)[0]["source"] == "Alarabiya"


def test_empty_stdin_is_a_record_with_an_error():
    proc = run_scrapy("clean", "-", input=b"", timeout=TIMEOUT)
    assert proc.returncode == 1
    assert_no_traceback(proc)
    assert stderr_lines(proc) == ["scrapy clean: -: empty page: nothing to clean"]
    assert records(proc)[0]["errors"][0]["message"] == "empty page: nothing to clean"


def test_output_file_gets_the_records_and_stdout_stays_empty(tmp_path):
    out = tmp_path / "out.jsonl"
    proc = run_scrapy("clean", str(SEED_TXT), "-", "-o", str(out), input=GOOD.encode(), timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == b""
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["path"] for r in got] == [str(SEED_TXT), "-"]
    assert got[0]["source"] == "Alarabiya" and got[1]["source"] == "Reuters"


@pytest.mark.skipif(not hasattr(os, "pipe"), reason="needs pipes")
def test_a_closed_pipe_stops_quietly(tmp_path):
    """``scrapy clean folder | head -1``: no BrokenPipeError traceback when the reader leaves."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    for i in range(30):
        (tmp_path / f"page{i:02}.txt").write_text(GOOD, encoding="utf-8")
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "clean", str(tmp_path)],
        cwd=ROOT,
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        timeout=TIMEOUT,
    )
    reader.stdin.close()
    reader.wait(timeout=TIMEOUT)
    assert "Traceback" not in proc.stderr.decode(), proc.stderr.decode()
    assert "BrokenPipe" not in proc.stderr.decode()
