"""Case 8: `scrapy clean -` over a huge stdin, `scrapy clean -o` with a file name that is not UTF-8, and a
fixture folder holding a symlink to a file outside it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

from tests.conftest import ROOT, SEED_TXT, background
from tests.reliability.conftest import Rows, no_traceback, run

LIMIT = 1_000_000


def test_stdin_is_read_in_bounded_chunks_against_the_size_limit(figures):
    """Before: 1 GiB of stdin was read whole (1.14 GB RSS) before the size check. Now it stops past the limit."""
    proc = background(
        subprocess.Popen(
            [sys.executable, "-m", "scrapy", "clean", "-", "-s", f"SIEVE_MAX_BYTES={LIMIT}"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    )
    sent = 0
    chunk = b"<p>" + b"x" * 65_533
    offered = 256 * 1024 * 1024  # 256 MiB on offer

    def feed() -> None:
        nonlocal sent
        try:
            while sent < offered:
                assert proc.stdin is not None
                proc.stdin.write(chunk)
                sent += len(chunk)
            proc.stdin.close()
        except (BrokenPipeError, ValueError):  # the command stopped reading and exited
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()  # not communicate(): it would close stdin under the writer
    proc.wait(timeout=120)
    writer.join(timeout=30)
    assert proc.returncode == 1 and b"Traceback" not in err, err.decode()
    (record,) = [json.loads(line) for line in out.decode().splitlines()]
    assert "more than 1000000 bytes" in record["errors"][0]["message"]
    # it read at most the limit and one chunk; the pipe holds a little more
    assert sent < 4 * LIMIT, f"{sent} bytes were taken from stdin for a {LIMIT}-byte limit"
    figures("`scrapy clean -` fed 256 MiB with a 1 MB limit", tried=1, survived=1, lost=0, note=f"{sent} bytes taken")


def test_a_file_name_that_is_not_utf8_is_cleaned_and_written(tmp_path):
    name = os.fsdecode(b"page-\xfe.txt")  # a Latin-1 name on a UTF-8 system
    (tmp_path / name).write_bytes(SEED_TXT.read_bytes())
    out = tmp_path / os.fsdecode(b"out-\xff.jsonl")
    proc = run("clean", str(tmp_path / name), "-o", str(out), db="sqlite://", spool=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr.decode()
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["path"].endswith("page-\\xfe.txt") and record["source"] == "Alarabiya"


def test_a_symlink_out_of_the_fixture_folder_is_skipped_unless_asked_for(tmp_path, figures):
    folder, outside = tmp_path / "pages", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (folder / "inside.txt").write_bytes(SEED_TXT.read_bytes())
    (outside / "secret.txt").write_text("A private note that lives outside the crawl's folder.\n" * 3)
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    (folder / "alias.txt").symlink_to(folder / "inside.txt")  # a link inside the folder is fine
    db = f"sqlite:///{tmp_path / 'sieve.db'}"
    proc = run("crawl", "fixtures", "-a", f"path={folder}", db=db, spool=tmp_path / "spool")
    log = no_traceback(proc)
    assert proc.returncode == 0, log[-3000:]
    rows = Rows(db)
    names = {path.rsplit("/", 1)[1] for path in rows.urls()}
    assert names == {"inside.txt"}, "the link out is skipped; the link in resolves to the file it names"
    assert "'sieve/skipped/symlink': 1" in log
    again = run("crawl", "fixtures", "-a", f"path={folder}", "-a", "follow_symlinks=1", db=db, spool=tmp_path / "spool")
    assert again.returncode == 0, again.stderr.decode()[-3000:]
    assert {path.rsplit("/", 1)[1] for path in rows.urls()} == {"inside.txt", "secret.txt"}
    rows.close()
    figures("a symlink in a fixture folder pointing outside it", tried=1, survived=1, lost=0, note="skipped by default")
