"""``scrapy clean``: run extraction and the cleaner chain over local files or stdin, JSON Lines out."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from cleaners.document.errors import InputError
from cleaners.document.files import expand_paths
from cleaners.process import clean_file, learn_file
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

    @staticmethod
    def _inputs(pages: list[str | Path], stdin: bytes | None) -> Iterator[tuple[str, bytes | None, str | None]]:
        """(name, bytes or None, error) per page, in order; ``stdin`` is what ``-`` read."""
        for page in pages:
            if page == "-":
                yield "-", stdin or b"", None
                continue
            try:
                yield str(page), Path(page).read_bytes(), None
            except OSError as exc:
                yield str(page), None, f"cannot read {page}: {exc.strerror or exc}"

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            self.fail("give at least one file, folder or - (stdin)")
        assert self.settings is not None
        try:
            pages = expand_paths(args)
        except InputError as exc:
            self.fail(str(exc))
        chain, extractor = self.components()
        max_bytes = self.settings.getint("SIEVE_MAX_BYTES")
        try:
            out: IO[str] = open(opts.output, "w", encoding="utf-8") if opts.output else sys.stdout
        except OSError as exc:
            self.fail(f"cannot write {opts.output}: {exc.strerror or exc}")
        stdin = sys.stdin.buffer.read() if "-" in pages else None
        if chain.learns:
            # First pass: the learning cleaners (site furniture) see every page of the run before any is cleaned,
            # so a page's result does not depend on where it stands in the input.
            for name, data, _ in self._inputs(pages, stdin):
                if data is not None:
                    learn_file(name, data, chain, max_bytes)
        failed = 0
        try:
            for name, data, error in self._inputs(pages, stdin):
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
            chain.close()
            if out is not sys.stdout:
                out.close()
        if failed:
            self.exitcode = EXIT_BAD_PAGE
