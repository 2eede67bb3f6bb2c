"""`scrapy db` and `scrapy reclean` as a user runs them: clear one-line errors, the URL precedence."""

from __future__ import annotations

import fcntl
import os
import pty
import socket
import struct
import subprocess
import sys
import termios

from storage.db import DEFAULT_URL, database_url, open_database
from storage.repository import write_items
from tests.conftest import ROOT, project_settings, run_scrapy
from tests.storage.conftest import cleaned_item


def test_database_url_precedence(monkeypatch):
    monkeypatch.delenv("SIEVE_DATABASE_URL", raising=False)
    assert database_url(project_settings()) == DEFAULT_URL == "sqlite:///data/sieve.db"
    monkeypatch.setenv("SIEVE_DATABASE_URL", "sqlite:///from-env.db")
    assert database_url(project_settings()) == "sqlite:///from-env.db"  # env beats settings.py
    assert database_url(project_settings(DATABASE_URL="sqlite:///cli.db")) == "sqlite:///cli.db"  # -s beats env


def test_upgrade_then_current(tmp_path):
    url = f"sqlite:///{tmp_path / 'db' / 'x.db'}"
    first = run_scrapy("db", "upgrade", env={"SIEVE_DATABASE_URL": url})
    assert first.returncode == 0, first.stderr.decode()
    assert "upgraded from an empty database" in first.stdout.decode()
    again = run_scrapy("db", "upgrade", "-s", f"DATABASE_URL={url}")
    assert "already current" in again.stdout.decode()
    summary = run_scrapy("db", "summary", "-s", f"DATABASE_URL={url}")
    assert summary.returncode == 0
    assert "pages:          0" in summary.stdout.decode()


def test_bad_url_is_a_usage_error():
    proc = run_scrapy("db", "summary", "-s", "DATABASE_URL=not a url")
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err
    assert err.splitlines() == [  # one line, named after the command, like every Sieve command's usage error
        "scrapy db: DATABASE_URL 'not a url' is not a database URL; use e.g. sqlite:///data/sieve.db or "
        "postgresql+psycopg://user@host:5432/db"
    ]


def test_unreachable_server_is_one_line():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    url = f"postgresql+psycopg://nobody@127.0.0.1:{port}/nothing"
    for args in (("db", "summary"), ("reclean",)):
        proc = run_scrapy(*args, "-s", f"DATABASE_URL={url}")
        err = proc.stderr.decode()
        assert proc.returncode == 1 and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1 and f"127.0.0.1:{port}" in err, err


def test_bad_spool_line_names_file_and_line(tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    (spool / "spool-1.jsonl").write_text('{"url": "https://example.com/a", "content": "x", "is_html": false}\n{oops\n')
    proc = run_scrapy("db", "import-spool", str(spool), "-s", f"DATABASE_URL=sqlite:///{tmp_path / 'x.db'}")
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "Traceback" not in err
    assert "spool-1.jsonl:2: not JSON" in err
    assert (spool / "spool-1.jsonl").exists()  # not marked imported: fix it and import again


def run_with_tty_stderr(*args: str) -> tuple[str, str]:
    """Run ``scrapy ARGS`` with stderr on a pseudo-terminal (100 columns): (stdout, what the terminal got)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "scrapy", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    stdout = proc.communicate(timeout=120)[0].decode()
    os.close(master)
    return stdout, b"".join(chunks).decode(errors="replace")


def test_reclean_shows_a_progress_bar_on_a_terminal(tmp_path, seed_text):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    engine = open_database(url)
    with engine.begin() as conn:
        write_items(conn, [cleaned_item(seed_text, f"https://example.com/{i}") for i in range(3)])
    engine.dispose()
    stdout, terminal = run_with_tty_stderr("reclean", "-s", f"DATABASE_URL={url}")
    assert "3 pages: 0 changed, 3 unchanged, 0 failed" in stdout
    # One bar through both passes (the chain learns site furniture first): 3 pages learned, then 3 cleaned.
    assert "cleaning: 100%|" in terminal and "6/6" in terminal
