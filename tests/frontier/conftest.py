"""A real ``redis-server`` on a free port of 127.0.0.1 for the frontier tests, and a fresh database per test.

The server is Debian's package (``apt-get install redis-server``; ``.ci/run`` installs it and names it in
``$SIEVE_TEST_REDIS_SERVER``, so CI fails rather than skips without it), started once per session without
persistence (``--save '' --appendonly no``) and killed at the end; every test starts from an empty Redis.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text

from storage.db import open_database
from tests.storage.conftest import PG_ENV, PG_SKIP, pg_schema_url

REDIS_CANDIDATES = ("/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: Set by .ci/run: the binary must be there (a failure, not a skip).
BINARY_ENV = "SIEVE_TEST_REDIS_SERVER"


def redis_binary() -> str | None:
    return shutil.which("redis-server") or next((p for p in REDIS_CANDIDATES if Path(p).exists()), None)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    required = os.environ.get(BINARY_ENV)
    if required and not Path(required).is_file():
        pytest.fail(f"{BINARY_ENV}={required} does not exist")
    binary = required or redis_binary()
    if binary is None:
        pytest.skip("the frontier tests need redis-server: apt-get install redis-server (.ci/run installs it)")
    workdir = tmp_path_factory.mktemp("redis")
    port = free_port()
    log = open(workdir / "redis.log", "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 15
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.close()
                pytest.fail(f"redis-server did not start: {(workdir / 'redis.log').read_text(errors='replace')}")
            time.sleep(0.05)
    try:
        yield url
    finally:
        client.close()
        proc.kill()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[str]:
    client = redis.Redis.from_url(redis_server)
    client.flushall()
    client.close()
    yield redis_server


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file, schema created up front (workers starting together would race to create it)."""
    url = f"sqlite:///{tmp_path / 'sieve.db'}"
    open_database(url).dispose()
    return url


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    """A throwaway schema on the PostgreSQL of ``SIEVE_TEST_POSTGRES_URL`` (``.ci/run`` starts one)."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(PG_SKIP)
    schema = f"f_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = pg_schema_url(base, schema)
    open_database(url).dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
