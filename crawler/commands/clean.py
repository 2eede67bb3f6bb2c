"""``scrapy clean``: run extraction and the cleaner chain over local files or stdin, JSON Lines out."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from cleaners.decode import InputError
from cleaners.process import clean_content, empty_record, error_record
from crawler.components import load_chain, load_extractor, offline_crawler
from crawler.files import decode_page, find_pages


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[options] PATH [PATH ...]   (a file, a folder (recursive) or - for stdin)"

    def short_desc(self) -> str:
        return "Clean pages offline and print one JSON object per page (JSON Lines)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="FILE", help="write JSON Lines to FILE instead of stdout")

    def _inputs(self, args: list[str]) -> Iterator[tuple[str, bytes | None, str | None]]:
        """(name, bytes or None, error) per page, in argument order."""
        for arg in args:
            if arg == "-":
                yield "-", sys.stdin.buffer.read(), None
                continue
            path = Path(arg)
            if path.is_dir():
                pages = list(find_pages(path))
                if not pages:
                    raise UsageError(f"no pages (.txt, .html, .html.gz) under {arg}", print_help=False)
                for page in pages:
                    yield from self._read(page)
            elif path.exists():
                yield from self._read(path)
            else:
                raise UsageError(f"no such file or directory: {arg}", print_help=False)

    @staticmethod
    def _read(path: Path) -> Iterator[tuple[str, bytes | None, str | None]]:
        try:
            yield str(path), path.read_bytes(), None
        except OSError as exc:
            yield str(path), None, f"cannot read {path}: {exc.strerror or exc}"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give at least one file, folder or - (stdin)")
        assert self.settings is not None
        for arg in args:  # fail before any output on a path that is not there
            if arg != "-" and not Path(arg).exists():
                raise UsageError(f"no such file or directory: {arg}", print_help=False)
        crawler = offline_crawler(self.settings)
        try:
            chain, extractor = load_chain(crawler), load_extractor(crawler)
        except ValueError as exc:
            raise UsageError(str(exc), print_help=False) from None
        max_bytes = self.settings.getint("SIEVE_MAX_BYTES")
        out: IO[str] = open(opts.output, "w", encoding="utf-8") if opts.output else sys.stdout
        failed = 0
        try:
            for name, data, error in self._inputs(args):
                record: dict[str, Any]
                if data is not None:
                    try:
                        content, is_html, _ = decode_page(name, data, max_bytes)
                    except InputError as exc:
                        error = str(exc)
                    else:
                        record = clean_content(chain, content, is_html=is_html, extractor=extractor).record
                if error is not None:
                    failed += 1
                    print(f"scrapy clean: {name}: {error}", file=sys.stderr)
                    record = empty_record([error_record("read", error)])
                out.write(json.dumps({"path": name, **record}, ensure_ascii=False) + "\n")
                out.flush()
        finally:
            if out is not sys.stdout:
                out.close()
        if failed:
            self.exitcode = 1
