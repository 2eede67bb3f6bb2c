"""``scrapy clean``: run extraction and the cleaner chain over local files or stdin, JSON Lines out."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from cleaners.decode import InputError
from cleaners.process import Cleaned, clean_content, empty_record, error_record
from crawler.components import load_chain, load_extractor, offline_crawler
from crawler.files import decode_page, find_pages

logger = logging.getLogger(__name__)

#: Exit status when the arguments or settings are wrong (nothing was cleaned).
EXIT_USAGE = 2
#: Exit status when some page could not be read or extracted (its record carries the error).
EXIT_BAD_PAGE = 1


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
        parser.add_argument(
            "--explain",
            "--raw",
            action="store_true",
            help="also output the raw text, and each segment's text (the slice of the raw text it covers)",
        )

    @staticmethod
    def _fail(message: str) -> None:
        print(f"scrapy clean: {message}", file=sys.stderr)

    @staticmethod
    def _expand(args: list[str]) -> list[str | Path]:
        """Every page to clean, in argument order; raises ``InputError`` for a path with none.

        Checked before any output, so a typo in the last argument does not
        leave half a JSON Lines file behind.
        """
        pages: list[str | Path] = []
        for arg in args:
            if arg == "-":
                pages.append("-")
                continue
            path = Path(arg)
            if path.is_dir():
                found = list(find_pages(path))
                if not found:
                    raise InputError(f"no pages (.txt, .html, .html.gz) under {arg}")
                pages.extend(found)
            elif path.is_file():
                pages.append(path)
            elif path.exists():
                raise InputError(f"not a regular file or folder: {arg}")
            else:
                raise InputError(f"no such file or directory: {arg}")
        return pages

    @staticmethod
    def _inputs(pages: list[str | Path]) -> Iterator[tuple[str, bytes | None, str | None]]:
        """(name, bytes or None, error) per page, in order."""
        for page in pages:
            if page == "-":
                yield "-", sys.stdin.buffer.read(), None
                continue
            try:
                yield str(page), Path(page).read_bytes(), None
            except OSError as exc:
                yield str(page), None, f"cannot read {page}: {exc.strerror or exc}"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give at least one file, folder or - (stdin)")
        assert self.settings is not None
        try:
            pages = self._expand(args)
        except InputError as exc:
            self._fail(str(exc))
            self.exitcode = EXIT_USAGE
            return
        crawler = offline_crawler(self.settings)
        try:
            chain, extractor = load_chain(crawler), load_extractor(crawler)
        except ValueError as exc:
            self._fail(str(exc))
            self.exitcode = EXIT_USAGE
            return
        max_bytes = self.settings.getint("SIEVE_MAX_BYTES")
        try:
            out: IO[str] = open(opts.output, "w", encoding="utf-8") if opts.output else sys.stdout
        except OSError as exc:
            self._fail(f"cannot write {opts.output}: {exc.strerror or exc}")
            self.exitcode = EXIT_USAGE
            return
        failed = 0
        try:
            for name, data, error in self._inputs(pages):
                cleaned = (
                    clean_file(name, data, chain, extractor, max_bytes)
                    if data is not None
                    else Cleaned(empty_record([error_record("read", error or "cannot read the page")]), None)
                )
                record = explain(cleaned.record, cleaned.raw_text) if opts.explain else cleaned.record
                problems = [e for e in record["errors"] if e["stage"] in ("read", "extract", "internal")]
                if problems:
                    failed += 1
                    self._fail(f"{name}: {problems[0]['message']}")
                out.write(json.dumps({"path": name, **record}, ensure_ascii=False) + "\n")
                out.flush()
        except BrokenPipeError:
            # `scrapy clean dir | head`: the reader left; stop quietly like other Unix tools.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return
        except OSError as exc:
            self._fail(f"cannot write {opts.output or 'stdout'}: {exc.strerror or exc}")
            self.exitcode = EXIT_USAGE
            return
        finally:
            if out is not sys.stdout:
                out.close()
        if failed:
            self.exitcode = EXIT_BAD_PAGE


def clean_file(name: str, data: bytes, chain: Any, extractor: Any, max_bytes: int) -> Cleaned:
    """One page file's bytes cleaned: the output record (without ``path``) and the raw text.

    Never raises for a bad page: every failure ends up in the record's ``errors``.

    ``scrapy clean`` and ``scrapy fixtures`` both call this, so a fixture's
    expected file is exactly what ``scrapy clean`` prints for the page.
    """
    try:
        content, is_html, _ = decode_page(name, data, max_bytes)
    except InputError as exc:
        return Cleaned(empty_record([error_record("read", str(exc))]), None)
    try:
        return clean_content(chain, content, is_html=is_html, extractor=extractor)
    except Exception as exc:  # a bug must cost one page, not the whole run
        logger.debug("cleaning %s failed", name, exc_info=True)
        message = f"{type(exc).__name__}: {exc} (a bug: please report it)"
        return Cleaned(empty_record([error_record("internal", message)]), None)


def explain(record: dict[str, Any], raw_text: str | None) -> dict[str, Any]:
    """``record`` plus ``raw_text`` and each segment's ``text``: what every span claimed, without SQL and ``substr``.

    Segment offsets are code-point offsets into the raw text, so ``text`` is
    exactly ``raw_text[start:end]``. A page that could not be read or extracted
    has ``raw_text: null`` and no segments.
    """
    text = raw_text or ""
    segments = [{**seg, "text": text[seg["start"] : seg["end"]]} for seg in record["segments"]]
    return {**record, "segments": segments, "raw_text": raw_text}
