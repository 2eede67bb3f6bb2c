"""``scrapy report``: one self-contained HTML file showing what every cleaner claimed on each page, and why.

Why: segments are offsets into raw text, so checking a result meant reading
JSON offsets or SQL with ``substr``. This command renders the raw text with
every span coloured by label and explained (``cleaners.report``), either for
files cleaned now, exactly as ``scrapy clean`` cleans them (same inputs, same
``clean_file``, same chain and extractor from the settings), or for what a
crawl stored (``--db``: ``pages.raw_text`` and the stored segments, read by
``storage.read``; nothing is re-cleaned).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaners.document.errors import InputError
from cleaners.document.files import expand_paths
from cleaners.record import page_problems
from crawler.cleaning import FileRun
from crawler.command import CommandError, SieveCommand

if TYPE_CHECKING:
    from cleaners.report import ReportPage

#: Exit status when the arguments or settings are wrong, or there is nothing to report (no report written).
EXIT_USAGE = 2
#: Exit status when some input page could not be read or extracted (the report is written; the page is flagged).
EXIT_BAD_PAGE = 1


#: A bad argument or setting: one line on stderr, exit status 2 (the SieveCommand policy).
_Usage = CommandError


class Command(SieveCommand):
    def syntax(self) -> str:
        return "[options] PATH [PATH ...] | --db [--domain DOMAIN] [--limit N]   (-o report.html; default stdout)"

    def short_desc(self) -> str:
        return "Write one HTML file showing each page's raw text with every claimed span coloured and explained"

    def long_desc(self) -> str:
        return (
            "PATH...: files, folders (recursive) or - (stdin), cleaned exactly as `scrapy clean` cleans them. "
            "--db: the pages stored in DATABASE_URL (or $SIEVE_DATABASE_URL) with their stored segments, "
            "optionally of one --domain (and its subdomains), at most --limit pages. The report is one "
            "self-contained HTML file: spans coloured by label, the cleaner and reason on hover and on click, "
            "per-page navigation, a summary by label and by cleaner, pages with errors flagged."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="FILE", help="write the HTML report to FILE (default: stdout)")
        parser.add_argument("--db", action="store_true", help="report the pages stored in the database")
        parser.add_argument("--domain", metavar="DOMAIN", help="with --db: only pages of DOMAIN and its subdomains")
        parser.add_argument("--limit", metavar="N", help="with --db: at most N pages (by id)")
        parser.add_argument("--title", metavar="TEXT", help="the report's title")

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        limit = _check_args(args, opts)
        _check_writable(opts.output)
        if opts.db:
            html, failed = self._from_db(opts, limit), 0
        else:
            html, failed = self._from_files(args, opts)
        try:
            _write(html, opts.output)
        except BrokenPipeError:
            raise
        except OSError as exc:
            self.fail(f"cannot write {opts.output or 'stdout'}: {exc.strerror or exc}")
        if failed:
            self.exitcode = EXIT_BAD_PAGE

    # -- pages cleaned now, exactly as `scrapy clean` cleans them --------------------------------------------

    def _from_files(self, args: list[str], opts: argparse.Namespace) -> tuple[str, int]:
        assert self.settings is not None
        try:
            pages = expand_paths(args)
        except InputError as exc:
            raise _Usage(str(exc)) from None
        from cleaners.report import ReportPage, render_report  # not at the top: every command would pay for it

        chain, extractor = self.components()
        run = FileRun(self.settings, chain, extractor, jobs=1)  # the same two passes as `scrapy clean`
        failed = 0

        def cleaned_pages() -> Iterator[ReportPage]:
            nonlocal failed
            for name, cleaned in run.clean(pages):
                fatal, cleaner_errors = page_problems(cleaned.record)
                if fatal is not None:
                    failed += 1
                    self.say(f"{name}: {fatal}")
                for line in cleaner_errors:
                    self.say(f"{name}: {line}")
                yield ReportPage.from_record(name, cleaned.record, cleaned.raw_text)

        title = opts.title or f"Sieve report: {' '.join(args)}"
        try:
            return render_report(cleaned_pages(), title), failed
        finally:
            run.close()

    # -- what a crawl stored -----------------------------------------------------------------------------------

    def _from_db(self, opts: argparse.Namespace, limit: int | None) -> str:
        from sqlalchemy.exc import SQLAlchemyError  # the storage stack only for --db

        from storage.db import DatabaseConfigError, database_url, describe_error, display_url, make_engine, parse_url
        from storage.read import iter_pages

        url = database_url(self.settings)
        try:
            parsed = parse_url(url)
        except DatabaseConfigError as exc:
            raise _Usage(str(exc)) from None
        shown = display_url(parsed)
        database = parsed.database or ""
        if (
            parsed.get_backend_name() == "sqlite"
            and database not in ("", ":memory:")
            and not database.startswith("file:")
            and not Path(database).expanduser().is_file()
        ):
            raise _Usage(f"no database at {database} (DATABASE_URL {shown})")
        try:
            engine = make_engine(url)
        except DatabaseConfigError as exc:
            raise _Usage(str(exc)) from None
        counted = _Counter(_report_page(p) for p in iter_pages(engine, domain=opts.domain, limit=limit))
        scope = f" of {opts.domain}" if opts.domain else ""
        try:
            from cleaners.report import render_report

            html = render_report(counted, opts.title or f"Sieve report: {shown}{scope}")
        except SQLAlchemyError as exc:
            raise _Usage(f"cannot read the database {shown}: {describe_error(exc)}") from None
        finally:
            engine.dispose()
        if not counted.n:
            raise _Usage(f"no pages{scope} in the database {shown}")
        return html


def _check_args(args: list[str], opts: argparse.Namespace) -> int | None:
    """The ``--limit`` as a number; raises ``_Usage`` for arguments that do not go together."""
    if opts.db:
        if args:
            raise _Usage(f"--db takes no PATH arguments (got {' '.join(args)})")
    else:
        if not args:
            raise _Usage("give at least one file, folder or - (stdin), or --db")
        for name in ("domain", "limit"):
            if getattr(opts, name) is not None:
                raise _Usage(f"--{name} needs --db")
    if opts.limit is None:
        return None
    try:
        limit = int(opts.limit)
    except ValueError:
        raise _Usage(f"--limit must be a whole number, not {opts.limit!r}") from None
    if limit < 1:
        raise _Usage("--limit must be at least 1")
    return limit


def _check_writable(output: str | None) -> None:
    """Fail before any work when ``-o`` cannot be written (the report itself is written only once complete)."""
    if not output:
        return
    path = Path(output)
    if path.is_dir():
        raise _Usage(f"cannot write {output}: it is a folder")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise _Usage(f"cannot write {output}: no folder {folder}")
    if not os.access(path if path.exists() else folder, os.W_OK):
        raise _Usage(f"cannot write {output}: permission denied")


def _write(html: str, output: str | None) -> None:
    data = html.encode("utf-8", "replace")  # the document declares UTF-8, whatever the terminal's locale
    if output:
        Path(output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def _report_page(page: Any) -> ReportPage:
    """A page as ``storage.read`` gives it."""
    from cleaners.report import ReportPage, ReportSegment

    return ReportPage(
        name=page.url,
        url=page.url,
        raw_text=page.raw_text or "",
        title=page.title,
        segments=[ReportSegment(s.label, s.start, s.end, s.cleaner, s.reason) for s in page.segments],
        errors=[
            {
                "stage": e.stage,
                "cleaner": e.cleaner,
                "message": e.message,
                "created_at": e.created_at.isoformat(timespec="seconds") if e.created_at else None,
            }
            for e in page.errors
        ],
    )


class _Counter:
    """Passes pages through and counts them (so an empty database is an error, not an empty report)."""

    def __init__(self, pages: Iterable[ReportPage]) -> None:
        self._pages = pages
        self.n = 0

    def __iter__(self) -> Iterator[ReportPage]:
        for page in self._pages:
            self.n += 1
            yield page
