"""Cleaners that misbehave on a marked page, for the worker-pool tests (importable by spawned workers)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

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
