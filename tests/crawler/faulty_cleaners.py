"""Cleaners that misbehave on a marked page, for the worker-pool tests (importable by spawned workers)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from typing import Any

from cleaners import Cleaner, Page, Span

HANG = "HANG-THIS-WORKER"
KILL = "KILL-THIS-WORKER"


class HangingCleaner(Cleaner):
    """Never returns on a page that carries the marker: a worker stuck in a plugin."""

    label = "boilerplate"

    def find(self, page: Page) -> Iterator[Span]:
        if HANG in page.text:
            while True:
                time.sleep(1)
        yield from ()


class KillingCleaner(Cleaner):
    """Kills its own process on a page that carries the marker: a worker that dies (a crash in native code)."""

    label = "boilerplate"

    def find(self, page: Page) -> Iterator[Span]:
        if KILL in page.text:
            os.kill(os.getpid(), signal.SIGKILL)
        yield from ()


class FailingCleaner(Cleaner):
    """Raises on every page: a plugin bug that must be reported with the page and this file's line."""

    label = "boilerplate"

    def find(self, page: Page) -> Iterator[Span]:
        raise RuntimeError("plugin bug")


class SlowCleaner(Cleaner):
    """Claims nothing, slowly: ``SIEVE_TEST_SLOW_SECONDS`` (default 0.05) of sleep per page, for timing tests."""

    label = "boilerplate"

    def __init__(self, seconds: float = 0.05) -> None:
        self.seconds = seconds

    @classmethod
    def from_crawler(cls, crawler: Any) -> SlowCleaner:
        return cls(crawler.settings.getfloat("SIEVE_TEST_SLOW_SECONDS", 0.05))

    def find(self, page: Page) -> Iterator[Span]:
        time.sleep(self.seconds)
        yield from ()


class BrokenInitCleaner(Cleaner):
    """Fails while it is built (a plugin bug in ``from_crawler``), before any page."""

    label = "boilerplate"

    @classmethod
    def from_crawler(cls, crawler: Any) -> BrokenInitCleaner:
        raise KeyError("MY_PLUGIN_SETTING")

    def find(self, page: Page) -> Iterator[Span]:
        yield from ()
