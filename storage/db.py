"""Which database, and an engine for it: SQLite in WAL mode by default, PostgreSQL through psycopg 3."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///data/sieve.db"
ENV_VAR = "SIEVE_DATABASE_URL"
#: ``-s DATABASE_URL=...`` on the command line has this priority (Scrapy's "cmdline").
_CMDLINE_PRIORITY = 40


class DatabaseConfigError(ValueError):
    """DATABASE_URL cannot be used; the message says what to change."""


def database_url(settings: BaseSettings | None = None) -> str:
    """The URL to use: ``-s DATABASE_URL`` > ``$SIEVE_DATABASE_URL`` > settings.py > the default.

    The environment variable overrides the project's settings file, but an
    explicit ``-s DATABASE_URL=...`` on the command line still wins over it.
    """
    if settings is not None:
        priority = settings.getpriority("DATABASE_URL")
        if priority is not None and priority >= _CMDLINE_PRIORITY and settings.get("DATABASE_URL"):
            return str(settings.get("DATABASE_URL"))
    env = os.environ.get(ENV_VAR)
    if env:
        return env
    if settings is not None and settings.get("DATABASE_URL"):
        return str(settings.get("DATABASE_URL"))
    return DEFAULT_URL


def parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise DatabaseConfigError(
            f"DATABASE_URL {url!r} is not a database URL; use e.g. sqlite:///data/sieve.db or "
            "postgresql+psycopg://user@host:5432/db"
        ) from None


def display_url(url: str | URL) -> str:
    """The URL with any password masked, for logs and summaries (a string that is no URL at all, as it is)."""
    try:
        parsed = url if isinstance(url, URL) else parse_url(url)
    except DatabaseConfigError:
        return str(url)  # an error message about it must not raise again
    return parsed.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
    finally:
        cur.close()


#: Prepared statements the sqlite3 driver keeps per connection (its default is 128). A batch's statements differ
#: with its size (multi-row VALUES, expanding IN), and a prepared 500-row statement holds native memory, so a long
#: crawl's RSS grew with the cache: 318 MB at 905 pages, 432 MB at 3,620. Re-preparing a statement costs far less
#: than the rows it writes.
SQLITE_CACHED_STATEMENTS = 8


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created on first use.

    SQLite runs in WAL mode (readers never block the crawl's writer) with
    foreign keys on. PostgreSQL connections time out after 10 s instead of
    hanging a crawl when the server is gone.
    """
    parsed = parse_url(url)
    kwargs: dict[str, Any] = {}
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        kwargs["connect_args"] = {"cached_statements": SQLITE_CACHED_STATEMENTS}
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseConfigError(
                    f"DATABASE_URL {url!r}: cannot create the folder {folder} ({exc.strerror or exc}); "
                    "choose a writable path"
                ) from None
    elif backend == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": 10}
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError, ArgumentError) as exc:
        raise DatabaseConfigError(
            f"DATABASE_URL {display_url(parsed)!r}: {exc}; install its driver or fix the URL"
        ) from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def open_database(url: str, *, upgrade: bool = True) -> Engine:
    """An engine whose schema is current: migrations are applied on first use."""
    from storage.migrate import upgrade as apply_migrations

    engine = make_engine(url)
    if upgrade:
        try:
            apply_migrations(engine)
        except BaseException:
            engine.dispose()
            raise
    return engine


def describe_error(exc: BaseException) -> str:
    """The first line of a driver error, without SQLAlchemy's background link: fit for a one-line message."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
