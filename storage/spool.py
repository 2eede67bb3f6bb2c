"""Items the database could not take, kept as JSON Lines until ``scrapy db import-spool`` loads them."""

from __future__ import annotations

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


class Spool:
    """Appends items to one file per writer (``spool-<UTC time>-<pid>.jsonl``), flushed and synced per batch.

    One file per process means concurrent crawls never interleave lines, and
    a file is complete up to its last newline even if the process dies.
    """

    def __init__(self, directory: str | Path = DEFAULT_DIR) -> None:
        self.directory = Path(directory)
        self.path: Path | None = None
        self._file: IO[str] | None = None
        self.count = 0

    def write(self, items: Sequence[Mapping[str, Any]]) -> Path:
        if self._file is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            self.path = self.directory / f"spool-{stamp}-{os.getpid()}{SUFFIX}"
            self._file = open(self.path, "a", encoding="utf-8")
        for item in items:
            self._file.write(json.dumps(item, ensure_ascii=False, default=str) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        self.count += len(items)
        assert self.path is not None
        return self.path

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
                item = json.loads(line)
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
