"""Storage and output files under faults (issue 25, cases 4 and 12).

Case 4, before: on PostgreSQL one page reached by a redirect to a 4 KB URL (too large for the btree index
on ``pages.url``) cost its whole batch: the error was taken for "database down", the batch was spooled and
``scrapy db import-spool`` failed on it on every try.
Case 12, before: two ``scrapy clean -o out.jsonl`` at once interleaved their records in one file (NUL bytes,
unreadable lines), and a killed run left half a file.
"""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.reliability.conftest import Rows, no_traceback, run
from tests.reliability.site import Route, article, news_site

#: Longer than any btree index entry PostgreSQL takes (about 2.7 KB), and random enough not to compress.
LONG_PATH = "/news/moved/" + "".join(hashlib.sha256(b"%d" % n).hexdigest() for n in range(63))[:4000] + ".html"


def _spooled(spool: Path) -> list[dict]:
    return [json.loads(line) for f in sorted(spool.glob("*.jsonl")) for line in f.open(encoding="utf-8")]


def test_a_url_too_large_for_the_index_costs_only_its_own_page(site, db_url, tmp_path, figures):
    paths = news_site(site, 28)
    moved = paths[7]
    site.set(moved, Route(b"", status=301, headers={"Location": site.url(LONG_PATH)}))
    site.set(LONG_PATH, Route(article("The story that moved")))
    spool = tmp_path / "spool"
    proc = run(
        "crawl", "articles", "-a", f"start_urls={site.url('/')}", "-a", "depth=2",
        "-s", "SIEVE_DB_BATCH_SIZE=100",
        db=db_url, spool=spool,
    )  # fmt: skip
    log = no_traceback(proc)
    assert proc.returncode == 0, log[-3000:]
    rows = Rows(db_url)
    stored = set(rows.urls())
    articles = rows.counts()["articles"]
    rows.close()
    others = set(paths) - {moved}
    assert others <= stored, f"pages lost with the long URL's batch: {sorted(others - stored)}"
    spooled = _spooled(spool)
    # Whatever the database could not take is the long URL alone, kept in the spool with its error.
    assert [item["url"] for item in spooled] == ([] if LONG_PATH in stored else [site.url(LONG_PATH)])
    assert all(item.get("_quarantined") for item in spooled)
    if spooled:
        assert "index row" in spooled[0]["_quarantined"]
        # import-spool loads what it can and says in one line what it keeps; it is never "database down".
        imported = run("db", "import-spool", db=db_url, spool=spool)
        err = imported.stderr.decode(errors="replace")
        assert "Traceback" not in err and "the database failed" not in err, err
        assert imported.returncode == 1 and "could not be stored even without their content" in err, err
        assert [item["url"] for item in _spooled(spool)] == [site.url(LONG_PATH)]
    kept = len(others & stored) + (LONG_PATH in stored) + len(spooled)
    backend = db_url.split(":", 1)[0].split("+")[0]
    figures(
        f"{backend}: one page redirected to a 4 KB URL in a batch of 28 articles",
        tried=28,
        survived=kept,
        lost=28 - kept,
        note=f"{articles} articles stored; {len(spooled)} quarantined in the spool with its error",
    )


def _pages(folder: Path, count: int, title: str) -> list[str]:
    folder.mkdir()
    for i in range(count):
        (folder / f"{i:03}.html").write_bytes(article(f"{title} {i}"))
    return sorted(str(p) for p in folder.iterdir())


def _records(path: Path) -> list[dict]:
    """The file's records; a line that is not JSON fails the test with the line."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            records.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"{path}:{number} is not a record: {line[:200]!r}") from None
    return records


def _clean(pages: Path, out: Path, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "scrapy", "clean", str(pages), "-o", str(out), "-s", "LOG_LEVEL=WARNING"]
    return subprocess.Popen(command, cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _wait_for_output(folder: Path, before: dict[str, int], proc: subprocess.Popen) -> None:
    """Until a file in ``folder`` differs in size from ``before``: the run is writing its records."""
    while proc.poll() is None:
        now = {p.name: p.stat().st_size for p in folder.iterdir() if p.is_file()}
        if now != before and any(now.values()):
            return
        subprocess.run(["sleep", "0.05"], check=True)
    raise AssertionError(f"the run ended before it wrote anything (exit {proc.returncode})")


def test_two_clean_runs_onto_one_output_file_never_interleave(tmp_path, figures):
    # The second run starts while the first is writing its records, and has fewer to write.
    first = _pages(tmp_path / "first", 3000, "First run story")
    second = _pages(tmp_path / "second", 30, "Second run story")
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / "out.jsonl"
    log = tmp_path / "clean.log"
    a = _clean(tmp_path / "first", out, log)
    _wait_for_output(outdir, {}, a)
    b = _clean(tmp_path / "second", out, log)
    assert a.wait(timeout=300) == 0 and b.wait(timeout=300) == 0, log.read_text(errors="replace")[-3000:]
    records = _records(out)
    got = sorted(r["path"] for r in records)
    # The file is one run's whole output, never a mixture of both.
    assert got in (first, second), f"{len(records)} records: {got[:3]}..."
    assert [p.name for p in outdir.iterdir()] == ["out.jsonl"], "no temporary file left behind"
    figures(
        "two `scrapy clean -o out.jsonl` at once (3,000 and 30 pages)",
        tried=len(first if got == first else second),
        survived=len(records),
        lost=len(first if got == first else second) - len(records),
        note="the file is the last run to finish, whole; no interleaved records",
    )


def test_a_killed_clean_run_leaves_the_previous_output_whole(tmp_path, figures):
    pages = tmp_path / "pages"
    _pages(pages, 80, "Story")
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / "out.jsonl"
    old = [{"path": "earlier.html", "title": "An earlier run's record"}]
    out.write_text("".join(json.dumps(r) + "\n" for r in old), encoding="utf-8")
    log = tmp_path / "clean.log"
    proc = _clean(pages, out, log)
    _wait_for_output(outdir, {"out.jsonl": out.stat().st_size}, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert _records(out) == old, "the killed run's half file replaced the previous output"
    again = _clean(pages, out, log)
    assert again.wait(timeout=300) == 0, log.read_text(errors="replace")[-3000:]
    records = _records(out)
    assert sorted(r["path"] for r in records) == sorted(str(p) for p in pages.iterdir())
    figures(
        "`scrapy clean -o out.jsonl` killed (SIGKILL) mid-run, then run again",
        tried=80,
        survived=len(records),
        lost=80 - len(records),
        note="the earlier out.jsonl stays whole until a run finishes; the rerun writes all 80",
    )
