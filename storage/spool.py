"""Items the database could not take, kept as JSON Lines until ``scrapy db import-spool`` loads them."""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger(__name__)

DEFAULT_DIR = "data/spool"
SUFFIX = ".jsonl"
DONE_SUFFIX = ".imported"


class SpoolError(ValueError):
    """A spool file that cannot be read back; the message names the file and line."""


#: Set on a spooled item that the database refused even as a bare row: why (``storage.writer``).
QUARANTINE_KEY = "_quarantined"
#: How a bytes value (a page's ``fetched_bytes``) is written in a spool line: ``{"$base64": "..."}``.
BYTES_KEY = "$base64"


def _json_default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return {BYTES_KEY: base64.b64encode(value).decode("ascii")}
    return str(value)


def _json_object(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and BYTES_KEY in obj:
        return base64.b64decode(obj[BYTES_KEY])
    return obj


def spool_line(item: Mapping[str, Any]) -> bytes:
    """One item as one UTF-8 JSON line, whatever its text holds.

    Text is written as is (readable, compact for Arabic); a lone surrogate,
    which UTF-8 cannot encode, makes that one line fall back to JSON's
    ASCII escapes (``\\ud800``), which read back to the same string. So a
    spool write never fails on an item's text, and every line is valid JSON.
    """
    try:
        return (json.dumps(item, ensure_ascii=False, default=_json_default) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(item, ensure_ascii=True, default=_json_default) + "\n").encode("ascii")


class Spool:
    """Appends items to one file per writer (``spool-<UTC time>-<pid>.jsonl``), flushed and synced per batch.

    One file per process means concurrent crawls never interleave lines, and
    a file is complete up to its last newline even if the process dies.
    """

    def __init__(self, directory: str | Path = DEFAULT_DIR, prefix: str = "spool") -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.path: Path | None = None
        self._file: IO[bytes] | None = None
        self.count = 0

    def write(self, items: Sequence[Mapping[str, Any]]) -> Path:
        """Append ``items`` and fsync; raises ``OSError`` (then nothing of this call counts as spooled)."""
        if self._file is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            self.path = self.directory / f"{self.prefix}-{stamp}-{os.getpid()}{SUFFIX}"
            self._file = open(self.path, "ab", buffering=0)  # unbuffered: a failed write leaves nothing pending
        data = b"".join(spool_line(item) for item in items)
        start = self._file.tell()
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._file.fileno(), view) :]
            os.fsync(self._file.fileno())
        except OSError:
            self._truncate(start)  # no half line for the next write to continue
            raise
        self.count += len(items)
        assert self.path is not None
        return self.path

    def _truncate(self, size: int) -> None:
        assert self._file is not None
        try:
            self._file.truncate(size)
            self._file.seek(size)
        except OSError:
            logger.exception("could not cut %s back after a failed write", self.path)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def spool_files(directory: str | Path = DEFAULT_DIR) -> list[Path]:
    """Spool files not yet imported, oldest first (their names sort by creation time)."""
    path = Path(directory)
    if not path.is_dir():
        return []
    return sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(SUFFIX))


def read_spool(path: Path) -> Iterator[dict[str, Any]]:
    """Items of one spool file, in order; a truncated last line (a crash mid-write) is skipped with a warning."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line, object_hook=_json_object)
            except ValueError as exc:
                if not line.endswith("\n"):  # only the last line can lack one: a crash mid-write
                    logger.warning("%s: line %d is incomplete (written during a crash); skipped", path, number)
                    return
                raise SpoolError(f"{path}:{number}: not JSON ({exc}); fix or remove the line, then retry") from None
            if not isinstance(item, dict) or not item.get("url"):
                raise SpoolError(f"{path}:{number}: not a spooled page (no url); fix or remove the line, then retry")
            yield item


def mark_imported(path: Path) -> Path:
    """Rename a loaded spool file to ``*.jsonl.imported``: kept for reference, never loaded twice."""
    done = path.with_name(path.name + DONE_SUFFIX)
    path.rename(done)
    return done
