"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from storage import migrate
from storage.db import make_engine
from storage.models import Base


def test_first_use_applies_migrations_and_models_agree(db_url):
    engine = make_engine(db_url)
    try:
        assert migrate.current_revision(engine) is None
        assert migrate.upgrade(engine) is True
        assert migrate.current_revision(engine) == migrate.head_revision() is not None
        assert migrate.upgrade(engine) is False  # already current: nothing to do
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
            tables = set(inspect(conn).get_table_names())
        assert diff == [], f"models and migrations disagree; generate a migration: {diff}"
        assert {
            "pages",
            "page_versions",
            "articles",
            "segments",
            "related_links",
            "errors",
            "site_patterns",
            "site_pages",
        } <= tables
    finally:
        engine.dispose()


def test_downgrade_to_base_and_back(db_url):
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine)
        cfg = migrate.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        assert migrate.upgrade(engine) is True
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert (tmp_path / "nested" / "dir").is_dir()  # the folder is created on first use
    finally:
        engine.dispose()


def test_0002_keeps_every_row_of_a_0001_database(db_url):
    """Adding and dropping pages columns must not cascade into articles or errors (a batch-mode rebuild on SQLite,
    with foreign keys on, would delete them)."""
    engine = make_engine(db_url)
    try:
        cfg = migrate.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0001")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO pages (id, url, first_fetched, last_fetched, is_html, container, content_hash) "
                    "VALUES (1, 'https://example.com/a', :t, :t, true, NULL, 'h')"
                ),
                {"t": datetime(2026, 1, 1)},
            )
            conn.execute(
                text(
                    "INSERT INTO articles (id, page_id, body, cleaned_at, output_hash) VALUES (1, 1, 'body', :t, 'o')"
                ),
                {"t": datetime(2026, 1, 1)},
            )
            conn.execute(
                text("INSERT INTO errors (page_id, stage, message, created_at) VALUES (1, 'fetch', 'm', :t)"),
                {"t": datetime(2026, 1, 1)},
            )
        assert migrate.upgrade(engine) is True
        with engine.connect() as conn:
            counts = [
                conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in ("pages", "articles", "errors")
            ]
            columns = {c["name"] for c in inspect(conn).get_columns("pages")}
        assert counts == [1, 1, 1]
        assert {"raw_bytes", "fetch_error"} <= columns and "container" not in columns
    finally:
        engine.dispose()
