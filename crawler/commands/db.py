"""``scrapy db upgrade | summary | import-spool [DIR]``: the database's schema, contents and spooled items."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.command import SieveCommand

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from storage.repository import WriteCounts

SUBCOMMANDS = ("upgrade", "summary", "import-spool")


class Command(SieveCommand):
    def syntax(self) -> str:
        return "upgrade | summary | import-spool [DIR]"

    def short_desc(self) -> str:
        return "Database: apply migrations, summarise what is stored, load spooled items"

    def long_desc(self) -> str:
        return (
            "upgrade: apply Alembic migrations (also done on every first use). "
            "summary: pages, articles per source, related links, segments per label, errors. "
            "import-spool [DIR]: load the items a crawl spooled while the database failed "
            "(default SIEVE_SPOOL_DIR, data/spool); each loaded file is renamed *.jsonl.imported. "
            "The database is DATABASE_URL (or $SIEVE_DATABASE_URL)."
        )

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        from sqlalchemy.exc import SQLAlchemyError  # the storage stack only for the commands that use it

        from storage import migrate
        from storage.db import describe_error, display_url
        from storage.spool import DEFAULT_DIR
        from storage.summary import format_summary, summarize

        if not args or args[0] not in SUBCOMMANDS:
            self.fail(f"give one of: {', '.join(SUBCOMMANDS)}")
        sub, rest = args[0], args[1:]
        if rest and sub != "import-spool" or len(rest) > 1:
            self.fail(f"unexpected arguments: {' '.join(rest)}")
        assert self.settings is not None
        url, engine = self.database(upgrade=False)
        try:
            before, after = migrate.current_revision(engine), None
            migrate.upgrade(engine)
            after = migrate.current_revision(engine)
            if sub == "upgrade":
                state = "already current" if before == after else f"upgraded from {before or 'an empty database'}"
                print(f"Database {display_url(url)}: schema at revision {after} ({state})")
            elif sub == "summary":
                with engine.connect() as conn:
                    print(format_summary(summarize(conn), display_url(url)))
            else:
                spool_dir = rest[0] if rest else (self.settings.get("SIEVE_SPOOL_DIR") or DEFAULT_DIR)
                self.exitcode = import_spool(engine, Path(spool_dir), self.settings.getint("SIEVE_DB_BATCH_SIZE", 500))
        except SQLAlchemyError as exc:
            self.fail(f"{sub}: database {display_url(url)} failed: {describe_error(exc)}", code=1)
        finally:
            engine.dispose()


def import_spool(engine: Engine, directory: Path, batch_size: int) -> int:
    """Load every spool file in ``directory``; returns the exit status (1 if anything could not be loaded).

    Loading is idempotent (a page already stored is "unchanged"), so a file
    that failed half-way can simply be imported again. Items go through
    ``store_batch`` like a crawl's: a poison item costs only itself (stored
    sanitised, or bare with its ``store`` error); one that nothing can store is
    kept in a new ``quarantine-*.jsonl`` beside the others and reported, so the
    rest of its file loads and is marked imported. If the database fails
    mid-file, the file is left as it is for the next run.
    """
    from storage.repository import WriteCounts
    from storage.spool import QUARANTINE_KEY, Spool, SpoolError, mark_imported, read_spool, spool_files

    files = spool_files(directory)
    if not files:
        print(f"No spool files in {directory}: nothing to import")
        return 0
    total, items, loaded, status = WriteCounts(), 0, 0, 0
    quarantine = Spool(directory, prefix="quarantine")
    for path in files:
        kept: list[tuple[dict[str, Any], str]] = []
        try:
            batch: list[dict[str, Any]] = []
            for item in read_spool(path):
                item.pop(QUARANTINE_KEY, None)
                batch.append(item)
                if len(batch) >= batch_size:
                    items += _write(engine, batch, total, kept)
                    batch = []
            items += _write(engine, batch, total, kept)
        except SpoolError as exc:
            print(f"scrapy db import-spool: {exc}", file=sys.stderr)
            status = 1
            continue
        except _DatabaseFailed as exc:
            print(
                f"scrapy db import-spool: {path}: the database failed ({exc}); import it again later", file=sys.stderr
            )
            status = 1
            break
        if kept:
            where = quarantine.write([{**item, QUARANTINE_KEY: why} for item, why in kept])
            print(
                f"scrapy db import-spool: {path}: {len(kept)} items could not be stored even without their content; "
                f"kept in {where}",
                file=sys.stderr,
            )
            status = 1
        loaded += 1
        print(f"{path}: loaded; renamed to {mark_imported(path).name}")
    quarantine.close()
    print(
        f"Imported {items} items from {loaded} of {len(files)} spool files: {total.new} new, {total.changed} changed, "
        f"{total.unchanged} unchanged, {total.stale} stale, {total.failed} failed-fetch pages"
    )
    return status


class _DatabaseFailed(Exception):
    pass


def _write(
    engine: Engine, batch: list[dict[str, Any]], total: WriteCounts, kept: list[tuple[dict[str, Any], str]]
) -> int:
    from storage.writer import store_batch

    if not batch:
        return 0
    result = store_batch(engine, batch)
    total.add(result.counts)
    kept += result.unstorable
    if result.down:
        raise _DatabaseFailed(result.down)
    return result.stored
