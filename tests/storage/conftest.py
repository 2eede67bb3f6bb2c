"""Storage fixtures: one fresh database per test, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from cleaners.process import clean_content
from storage.db import open_database
from tests.conftest import make_chain

PG_ENV = "SIEVE_TEST_POSTGRES_URL"
PG_SKIP = f"PostgreSQL tests need a server: set {PG_ENV}=postgresql+psycopg://... (.ci/run does)"


def pg_schema_url(base: str, schema: str) -> str:
    """``base`` with every connection's search_path set to ``schema``: an isolated database per test."""
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL for an empty database of each backend (PostgreSQL: a throwaway schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sieve.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(PG_SKIP)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_schema_url(base, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = open_database(db_url)
    yield eng
    eng.dispose()


def cleaned_item(
    content: str,
    url: str,
    *,
    is_html: bool = False,
    fetched_at: str = "2026-01-01T00:00:00+00:00",
    chain=None,
    extractor=None,
    **extra: Any,
) -> dict[str, Any]:
    """An item as the crawl's CleanPipeline leaves it, built with the real chain."""
    chain = chain or make_chain()
    if is_html and extractor is None:
        from crawler.components import load_extractor, offline_crawler
        from tests.conftest import project_settings

        extractor = load_extractor(offline_crawler(project_settings()))
    cleaned = clean_content(chain, content, is_html=is_html, extractor=extractor, url=url)
    return {
        "url": url,
        "content": content,
        "is_html": is_html,
        "status": 200,
        "content_type": "text/html" if is_html else "text/plain",
        "encoding": "utf-8",
        "fetched_at": fetched_at,
        "raw_text": cleaned.raw_text,
        "fingerprint": chain.fingerprint,
        "cleaned_at": fetched_at,
        **cleaned.record,
        **extra,
    }
