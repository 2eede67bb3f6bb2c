"""Every user-facing error path prints exactly the line the README's table shows, with its exit status.

The table ("What each mistake prints", under Robustness) names these tests; a
change of wording fails here first, then the README is updated from a real run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_TXT, background, run_scrapy
from tests.crawler import faulty_cleaners

TIMEOUT = 120
TYPO = json.dumps({"cleaners.nope.X": 100})
UNKNOWN_LABEL = json.dumps({"tests.cleaners.test_plugin_api.TypoCleaner": 1})
BAD_ORDER = json.dumps({"cleaners.builtin.SourceCleaner": "abc"})
FAULTY = "tests.crawler.faulty_cleaners"
FORMATS = "use .jsonl (JSON Lines, also .jl, .ndjson or no extension), .json (one JSON array) or .csv"


def line_of(text: str, path: Path) -> int:
    """The line number of ``text`` in ``path``: where a traceback's ``file:line`` must point."""
    lines = path.read_text(encoding="utf-8").splitlines()
    (number,) = [i for i, line in enumerate(lines, 1) if text in line]
    return number


FAULTY_FILE = Path(faulty_cleaners.__file__)

#: id -> (arguments, the one stderr line, exit status). ``{tmp}`` is the test's own folder.
CASES: dict[str, tuple[list[str], str, int]] = {
    "crawl-cleaners-typo": (
        ["crawl", "fixtures", "-s", f"CLEANERS={TYPO}"],
        "scrapy crawl: CLEANERS: 'cleaners.nope.X' is not importable: No module named 'cleaners.nope'",
        2,
    ),
    "clean-cleaners-typo": (
        ["clean", str(SEED_TXT), "-s", f"CLEANERS={TYPO}"],
        "scrapy clean: CLEANERS: 'cleaners.nope.X' is not importable: No module named 'cleaners.nope'",
        2,
    ),
    "crawl-unknown-label": (
        ["crawl", "fixtures", "-s", f"CLEANERS={UNKNOWN_LABEL}"],
        "scrapy crawl: CLEANERS: 'tests.cleaners.test_plugin_api.TypoCleaner': unknown label 'boilerplat' "
        "(known: source, related, boilerplate, headline); declare it in `new_labels` if it is new",
        2,
    ),
    "clean-unknown-label": (
        ["clean", str(SEED_TXT), "-s", f"CLEANERS={UNKNOWN_LABEL}"],
        "scrapy clean: CLEANERS: 'tests.cleaners.test_plugin_api.TypoCleaner': unknown label 'boilerplat' "
        "(known: source, related, boilerplate, headline); declare it in `new_labels` if it is new",
        2,
    ),
    "crawl-bad-order": (
        ["crawl", "fixtures", "-s", f"CLEANERS={BAD_ORDER}"],
        "scrapy crawl: CLEANERS: Invalid value abc for component cleaners.builtin.SourceCleaner, please provide "
        "a real number or None instead",
        2,
    ),
    "crawl-cleaners-not-json": (
        ["crawl", "fixtures", "-s", "CLEANERS={nope}"],
        "scrapy crawl: CLEANERS: '{nope}' is not JSON (Expecting property name enclosed in double quotes: line 1 "
        """column 2 (char 1)); give e.g. '{"pkg.module.Cleaner": 450}'""",
        2,
    ),
    "crawl-cleaner-cannot-be-built": (
        ["crawl", "fixtures", "-s", f"CLEANERS={json.dumps({f'{FAULTY}.BrokenInitCleaner': 1})}"],
        f"scrapy crawl: CLEANERS: '{FAULTY}.BrokenInitCleaner' could not be built: KeyError: 'MY_PLUGIN_SETTING' "
        f"(at {FAULTY_FILE}:{line_of('raise KeyError', FAULTY_FILE)})",
        2,
    ),
    "crawl-bad-extractor": (
        ["crawl", "fixtures", "-s", "SIEVE_EXTRACTOR=no.such.Extractor"],
        "scrapy crawl: SIEVE_EXTRACTOR: 'no.such.Extractor' is not importable: No module named 'no'",
        2,
    ),
    "crawl-unknown-spider": (
        ["crawl", "nosuch"],
        "scrapy crawl: no spider named 'nosuch' (scrapy list shows them; scrapy crawl -h too)",
        2,
    ),
    "crawl-bad-depth": (
        ["crawl", "articles", "-a", "start_urls=http://127.0.0.1:9/", "-a", "depth=two"],
        "scrapy crawl: -a depth='two' is not a whole number",
        2,
    ),
    "crawl-missing-path": (
        ["crawl", "fixtures", "-a", "path={tmp}/nothere"],
        "scrapy crawl: no such file or directory: {tmp}/nothere (give -a path=FILE_OR_DIR)",
        2,
    ),
    "clean-missing-path": (
        ["clean", "{tmp}/nothere.html"],
        "scrapy clean: no such file or directory: {tmp}/nothere.html",
        2,
    ),
    "crawl-bad-export-extension": (
        ["crawl", "fixtures", "-O", "{tmp}/out.xyz"],
        "scrapy crawl: Unrecognized output format 'xyz'. Set a supported one (('json', 'jsonlines', 'jsonl', 'jl', "
        "'csv', 'xml', 'marshal', 'pickle')) after a colon at the end of the output URI (i.e. -o/-O <URI>:<FORMAT>) "
        "or as a file extension.",
        2,
    ),
    "clean-bad-export-extension": (
        ["clean", str(SEED_TXT), "-o", "{tmp}/out.xyz"],
        f"scrapy clean: -o {{tmp}}/out.xyz: cannot write '.xyz' files; {FORMATS}",
        2,
    ),
    "clean-parquet": (
        ["clean", str(SEED_TXT), "-o", "{tmp}/out.parquet"],
        f"scrapy clean: -o {{tmp}}/out.parquet: cannot write '.parquet' files; {FORMATS}",
        2,
    ),
    "crawl-database-url-scheme": (
        ["crawl", "fixtures", "-s", "DATABASE_URL=mysql2://db.example/news"],
        "scrapy crawl: DATABASE_URL 'mysql2://db.example/news': Can't load plugin: sqlalchemy.dialects:mysql2; "
        "install its driver or fix the URL",
        2,
    ),
    "crawl-database-url-not-a-url": (
        ["crawl", "fixtures", "-s", "DATABASE_URL=data/sieve.db"],
        "scrapy crawl: DATABASE_URL 'data/sieve.db' is not a database URL; use e.g. sqlite:///data/sieve.db or "
        "postgresql+psycopg://user@host:5432/db",
        2,
    ),
    "clean-failing-cleaner": (
        ["clean", str(SEED_TXT), "-s", f"CLEANERS={json.dumps({f'{FAULTY}.FailingCleaner': 1})}"],
        f"scrapy clean: {SEED_TXT}: cleaner {FAULTY}.FailingCleaner: RuntimeError: plugin bug "
        f"(at {FAULTY_FILE}:{line_of('raise RuntimeError', FAULTY_FILE)})",
        0,  # the page is cleaned by the other cleaners; its record's errors say which one failed
    ),
    "report-failing-cleaner": (
        [
            "report",
            str(SEED_TXT),
            "-o",
            "{tmp}/report.html",
            "-s",
            f"CLEANERS={json.dumps({f'{FAULTY}.FailingCleaner': 1})}",
        ],
        f"scrapy report: {SEED_TXT}: cleaner {FAULTY}.FailingCleaner: RuntimeError: plugin bug "
        f"(at {FAULTY_FILE}:{line_of('raise RuntimeError', FAULTY_FILE)})",
        0,  # the report is written; the page is flagged in it
    ),
    "evaluate-failing-cleaner": (
        [
            "evaluate",
            "fixtures/pages/wire/ap-egypt-amendments.txt",
            "-s",
            f"CLEANERS={json.dumps({f'{FAULTY}.FailingCleaner': 1})}",
        ],
        f"scrapy evaluate: fixtures/pages/wire/ap-egypt-amendments.txt: cleaner {FAULTY}.FailingCleaner: "
        f"RuntimeError: plugin bug (at {FAULTY_FILE}:{line_of('raise RuntimeError', FAULTY_FILE)})",
        0,  # scored without that cleaner's spans
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_one_line(case, tmp_path):
    args, expected, status = CASES[case]
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if args[0] == "crawl" and not any(a.startswith("DATABASE_URL=") for a in args):
        args += ["-s", f"DATABASE_URL=sqlite:///{tmp_path}/sieve.db", "-s", f"SIEVE_SPOOL_DIR={tmp_path}/spool"]
    proc = run_scrapy(*args, timeout=TIMEOUT)
    assert proc.stderr.decode().splitlines() == [expected.replace("{tmp}", str(tmp_path))]
    assert proc.returncode == status
    assert not list(tmp_path.glob("out.*")), "a refused run writes no output file"


def test_a_failing_cleaner_is_in_the_record_too():
    cleaners = json.dumps({f"{FAULTY}.FailingCleaner": 1})
    proc = run_scrapy("clean", str(SEED_TXT), "-s", f"CLEANERS={cleaners}", timeout=TIMEOUT)
    (record,) = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert record["errors"] == [
        {
            "stage": "clean",
            "cleaner": f"{FAULTY}.FailingCleaner",
            "message": f"RuntimeError: plugin bug (at {FAULTY_FILE}:{line_of('raise RuntimeError', FAULTY_FILE)})",
        }
    ]
    assert record["source"] == "Alarabiya"  # the other cleaners still ran


def test_a_failing_cleaner_in_a_crawl_is_one_warning_per_page_with_its_url(tmp_path):
    cleaners = json.dumps({f"{FAULTY}.FailingCleaner": 1})
    proc = run_scrapy(
        "crawl", "fixtures", "-a", f"path={SEED_TXT}", "-s", f"CLEANERS={cleaners}",
        "-s", f"DATABASE_URL=sqlite:///{tmp_path}/sieve.db", "-s", f"SIEVE_SPOOL_DIR={tmp_path}/spool",
        timeout=TIMEOUT,
    )  # fmt: skip
    err = proc.stderr.decode()
    assert proc.returncode == 0 and "Traceback" not in err
    warnings = [line.split("] WARNING: ", 1)[1] for line in err.splitlines() if "] WARNING: Cleaner " in line]
    where = f"{FAULTY_FILE}:{line_of('raise RuntimeError', FAULTY_FILE)}"
    assert warnings == [
        f"Cleaner {FAULTY}.FailingCleaner on {SEED_TXT.as_uri()}: RuntimeError: plugin bug (at {where})"
    ]


# -- a reader that goes away: | head ---------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["cleaners"], ["fixtures", "--check"], ["clean", "fixtures/pages"]], ids=" ".join)
def test_a_closed_pipe_is_quiet(args):
    """``scrapy cleaners | head -0``: the reader is gone before the first write; no traceback, no message."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", *args], cwd=ROOT, stdout=write, stderr=subprocess.PIPE, timeout=TIMEOUT
        )
    finally:
        os.close(write)
    assert proc.stderr.decode() == ""
    assert proc.returncode == 0


# -- Ctrl-C ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_ctrl_c_in_scrapy_clean_keeps_what_was_written(tmp_path, suffix):
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(40):
        (pages / f"page{i:02}.txt").write_text(f"Page {i} of the council story.\nsource: Reuters\n", encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    slow = json.dumps({f"{FAULTY}.SlowCleaner": 1})
    proc = background(subprocess.Popen(
        [sys.executable, "-m", "scrapy", "clean", str(pages), "-o", str(out), "-j", "1", "-s", f"CLEANERS={slow}",
         "-s", "SIEVE_TEST_SLOW_SECONDS=0.25"],
        cwd=ROOT, stderr=subprocess.PIPE,
    ))  # fmt: skip
    deadline = time.monotonic() + TIMEOUT

    def written() -> int:  # records so far: a run writes to a temporary file beside ``out``, renamed at its end
        temps = tmp_path.glob(f".{out.name}.*")
        return max((p.read_text(encoding="utf-8").count('"path": ') for p in temps), default=0)

    while written() < 2:  # two records written
        assert proc.poll() is None and time.monotonic() < deadline, "the run ended before it could be interrupted"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert err.decode().splitlines() == ["scrapy clean: interrupted"]
    assert proc.returncode == 130
    text = out.read_text(encoding="utf-8")
    records = json.loads(text) if suffix == ".json" else [json.loads(line) for line in text.splitlines()]
    assert 2 <= len(records) < 40
    assert [Path(r["path"]).name for r in records] == [f"page{i:02}.txt" for i in range(len(records))]
    assert all(r["source"] == "Reuters" for r in records)


# -- a database server that is down: not a setting error ------------------------------------------------------------


def down_url() -> tuple[str, int]:
    from tests.storage.test_pipeline import closed_port

    port = closed_port()
    return f"postgresql+psycopg://nobody@127.0.0.1:{port}/news", port


def test_a_database_server_that_is_down_fails_scrapy_db_in_one_line():
    url, port = down_url()
    proc = run_scrapy("db", "summary", "-s", f"DATABASE_URL={url}", timeout=TIMEOUT)
    assert proc.stderr.decode().splitlines() == [
        f'scrapy db: summary: database {url} failed: connection failed: connection to server at "127.0.0.1", '
        f"port {port} failed: Connection refused"
    ]
    assert proc.returncode == 1


def test_a_database_server_that_is_down_fails_the_crawl_in_its_summary_line(tmp_path):
    url, _ = down_url()
    spool = tmp_path / "spool"
    proc = run_scrapy(
        "crawl", "fixtures", "-a", f"path={SEED_TXT}", "-s", f"DATABASE_URL={url}", "-s", f"SIEVE_SPOOL_DIR={spool}",
        timeout=TIMEOUT,
    )  # fmt: skip
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "Traceback" not in err
    (summary,) = [line for line in err.splitlines() if "] ERROR: Sieve crawl summary" in line]
    (spooled,) = spool.glob("spool-*.jsonl")
    assert summary.endswith(
        f"; FAILED: the database never accepted a write: 1 items spooled to {spooled} "
        "(load them with `scrapy db import-spool` once it works)"
    )
