"""The spool always writes and always reads back: any text, the fetched bytes, a failed write."""

from __future__ import annotations

import json
import os

import pytest

from storage.spool import Spool, read_spool, spool_files


def test_text_bytes_and_lone_surrogates_round_trip(tmp_path):
    """Issue 9, case 2: the spool fallback failed on the very item that failed the batch (a lone surrogate)."""
    items = [
        {"url": "https://example.com/a", "title": "عربي", "fetched_bytes": b"\xe1\xc7\x00\xff"},
        {"url": "https://example.com/b", "title": "x\ud800y", "author": "A\x00B"},
    ]
    spool = Spool(tmp_path)
    path = spool.write(items)
    spool.close()
    lines = path.read_bytes().splitlines()
    assert "عربي".encode() in lines[0], "ordinary text stays readable"
    assert b"\\ud800" in lines[1], "a lone surrogate is written as a JSON escape, so the line is valid UTF-8"
    for line in lines:
        json.loads(line.decode("utf-8"))
    assert list(read_spool(path)) == items


def test_a_failed_write_leaves_no_half_line(tmp_path, monkeypatch):
    spool = Spool(tmp_path)
    spool.write([{"url": "https://example.com/a"}])
    real_write = os.write

    def full_disk(fd, data):  # writes a few bytes, then the disk is full
        real_write(fd, bytes(data)[:7])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(OSError):
        spool.write([{"url": "https://example.com/b"}])
    monkeypatch.undo()
    spool.write([{"url": "https://example.com/c"}])
    spool.close()
    (path,) = spool_files(tmp_path)
    assert [item["url"] for item in read_spool(path)] == ["https://example.com/a", "https://example.com/c"]
    assert spool.count == 2
