"""Shared test helpers: the seed page, a chain built from the project settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
#: The seed page and its hand-made gold annotation, copied verbatim into the project's fixtures.
SEED_DIR = ROOT / "fixtures" / "pages" / "arabstoday"
SEED_TXT = SEED_DIR / "arabstoday-qalamoun.txt"
SEED_GOLD = SEED_DIR / "arabstoday-qalamoun.expected.json"


def project_settings(**overrides: object) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for key, value in overrides.items():
        settings.set(key, value, priority="cmdline")
    return settings


def make_chain(**overrides: object):
    from crawler.components import load_chain, offline_crawler

    return load_chain(offline_crawler(project_settings(**overrides)))


#: Commands a test started in the background: whatever is still running when the test ends is killed
#: (:func:`reap_background`), so a test that fails before stopping its workers leaves no crawl running.
BACKGROUND: list[subprocess.Popen] = []


def background(proc: subprocess.Popen) -> subprocess.Popen:
    """Register ``proc``, started in the background by a test, to be killed if still running when the test ends."""
    BACKGROUND.append(proc)
    return proc


@pytest.fixture(autouse=True)
def reap_background():
    yield
    while BACKGROUND:
        proc = BACKGROUND.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def run_scrapy(*args: str, input: bytes | None = None, cwd: Path = ROOT, env: dict | None = None, timeout: int = 300):
    """Run ``python -m scrapy ...`` in a subprocess (Scrapy's reactor cannot restart in-process)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        timeout=timeout,
        env=full_env,
    )


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED_TXT.exists():
        pytest.fail(f"the seed page is missing: {SEED_TXT}")
    return SEED_TXT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_gold() -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))


@pytest.fixture
def chain():
    return make_chain()
