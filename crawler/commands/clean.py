"""``scrapy clean``: run extraction and the cleaner chain over local files or stdin, JSON Lines out."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from cleaners.document.errors import InputError, too_large
from cleaners.document.files import display_name, expand_paths, read_limited
from cleaners.process import clean_file
from cleaners.record import empty_record, error_record
from crawler.command import SieveCommand

logger = logging.getLogger(__name__)

#: Exit status when some page could not be read or extracted (its record carries the error).
EXIT_BAD_PAGE = 1


class Command(SieveCommand):
    def syntax(self) -> str:
        return "[options] PATH [PATH ...]   (a file, a folder (recursive) or - for stdin)"

    def short_desc(self) -> str:
        return "Clean pages offline and print one JSON object per page (JSON Lines)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="FILE", help="write JSON Lines to FILE instead of stdout")
        parser.add_argument(
            "--follow-symlinks", action="store_true", help="read links in a folder that point outside it (skipped)"
        )

    @staticmethod
    def _inputs(pages: list[str | Path], max_bytes: int) -> Iterator[tuple[str, bytes | None, str | None]]:
        """(name, bytes or None, error) per page, in order; never more than ``max_bytes`` + one chunk read of any.

        The name is fit for JSON output: a file name that is not UTF-8 shows its odd bytes as ``\\xNN``.
        """
        for page in pages:
            name = display_name(str(page))
            try:
                if page == "-":
                    yield name, read_limited(sys.stdin.buffer, max_bytes), None
                    continue
                with open(page, "rb") as f:
                    size = os.fstat(f.fileno()).st_size  # 0 for a pipe: then read_limited decides
                    if size > max_bytes:
                        raise too_large(size, max_bytes)
                    yield name, read_limited(f, max_bytes), None
            except InputError as exc:
                yield name, None, str(exc)
            except OSError as exc:
                yield name, None, f"cannot read {name}: {exc.strerror or exc}"

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            self.fail("give at least one file, folder or - (stdin)")
        assert self.settings is not None
        skipped: list[Path] = []
        try:
            pages = expand_paths(args, follow_symlinks=opts.follow_symlinks, skipped=skipped)
        except InputError as exc:
            self.fail(str(exc))
        for link in skipped:
            self.say(f"skipped {display_name(str(link))}: a link to outside its folder (--follow-symlinks reads it)")
        chain, extractor = self.components()
        max_bytes = self.settings.getint("SIEVE_MAX_BYTES")
        try:
            out: IO[str] = open(opts.output, "w", encoding="utf-8") if opts.output else sys.stdout
        except OSError as exc:
            self.fail(f"cannot write {opts.output}: {exc.strerror or exc}")
        failed = 0
        try:
            for name, data, error in self._inputs(pages, max_bytes):
                record = (
                    clean_file(name, data, chain, extractor, max_bytes).record
                    if data is not None
                    else empty_record([error_record("read", error or "cannot read the page")])
                )
                problems = [e for e in record["errors"] if e["stage"] in ("read", "extract", "internal")]
                if problems:
                    failed += 1
                    self.say(f"{name}: {problems[0]['message']}")
                out.write(json.dumps({"path": name, **record}, ensure_ascii=False) + "\n")
                out.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            self.fail(f"cannot write {opts.output or 'stdout'}: {exc.strerror or exc}")
        finally:
            if out is not sys.stdout:
                out.close()
        if failed:
            self.exitcode = EXIT_BAD_PAGE
