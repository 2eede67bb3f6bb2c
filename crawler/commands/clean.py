"""``scrapy clean``: run extraction and the cleaner chain over local files or stdin; JSON Lines, JSON or CSV out."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from cleaners.document.errors import InputError
from cleaners.document.files import display_name, expand_paths, read_stdin
from cleaners.record import FIELDS, page_problems
from crawler.cleaning import FileRun
from crawler.command import SieveCommand, add_jobs_option
from crawler.exporters import RecordWriter, open_writer, output_format

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
        parser.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="write to FILE instead of stdout, by its extension: .jsonl (JSON Lines), .json (one array) or "
            ".csv (lists and dicts as JSON strings)",
        )
        parser.add_argument(
            "--explain",
            "--raw",
            action="store_true",
            help="also output the raw text, and each segment's text (the slice of the raw text it covers)",
        )
        parser.add_argument(
            "--follow-symlinks", action="store_true", help="read links in a folder that point outside it (skipped)"
        )
        add_jobs_option(parser)

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            self.fail("give at least one file, folder or - (stdin)")
        assert self.settings is not None
        if opts.output:
            try:
                output_format(opts.output)  # before any page is read: the run would be wasted
            except ValueError as exc:
                self.fail(str(exc))
        skipped: list[Path] = []
        try:
            pages = expand_paths(args, follow_symlinks=opts.follow_symlinks, skipped=skipped)
        except InputError as exc:
            self.fail(str(exc))
        for link in skipped:
            self.say(f"skipped {display_name(str(link))}: a link to outside its folder (--follow-symlinks reads it)")
        chain, extractor = self.components()
        fields = ["path", *FIELDS, *(["raw_text"] if opts.explain else [])]
        try:
            out: RecordWriter = open_writer(opts.output, fields)
        except OSError as exc:
            self.fail(f"cannot write {opts.output}: {exc.strerror or exc}")
        stdin = read_stdin(self.settings.getint("SIEVE_MAX_BYTES")) if "-" in pages else None
        run = FileRun(self.settings, chain, extractor, opts.jobs)
        failed = 0
        try:
            for name, cleaned in run.clean(pages, stdin):
                record = explain(cleaned.record, cleaned.raw_text) if opts.explain else cleaned.record
                fatal, cleaner_errors = page_problems(record)
                if fatal is not None:
                    failed += 1
                    self.say(f"{name}: {fatal}")
                for line in cleaner_errors:
                    self.say(f"{name}: {line}")
                out.write({"path": name, **record})
        except BrokenPipeError:
            raise
        except OSError as exc:
            out.discard()  # a half-written output never replaces the file of an earlier run
            self.fail(f"cannot write {opts.output or 'stdout'}: {exc.strerror or exc}")
        finally:
            run.close()
            try:
                out.close()  # also after Ctrl-C: the pages cleaned so far, a .json array closed
            except OSError as exc:
                self.fail(f"cannot write {opts.output}: {exc.strerror or exc}")
        if failed:
            self.exitcode = EXIT_BAD_PAGE


def explain(record: dict[str, Any], raw_text: str | None) -> dict[str, Any]:
    """``record`` plus ``raw_text`` and each segment's ``text``: what every span claimed, without SQL and ``substr``.

    Segment offsets are code-point offsets into the raw text, so ``text`` is
    exactly ``raw_text[start:end]``. A page that could not be read or extracted
    has ``raw_text: null`` and no segments.
    """
    text = raw_text or ""
    segments = [{**seg, "text": text[seg["start"] : seg["end"]]} for seg in record["segments"]]
    return {**record, "segments": segments, "raw_text": raw_text}
