"""A test-only item pipeline that stops the PostgreSQL server after N items: a database dying mid-crawl."""

from __future__ import annotations

import json
import logging
import subprocess
from typing import Any

logger = logging.getLogger(__name__)


class StopServerPipeline:
    """Runs ``SIEVE_TEST_STOP_COMMAND`` (a JSON list) once, after ``SIEVE_TEST_STOP_AFTER`` items.

    It sits after the DatabasePipeline, so exactly the first N items reach the
    database (with ``SIEVE_DB_BATCH_SIZE=1``) and the rest meet a dead server.
    """

    def __init__(self, command: list[str], after: int) -> None:
        self.command = command
        self.after = after
        self.seen = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> StopServerPipeline:
        s = crawler.settings
        return cls(json.loads(s.get("SIEVE_TEST_STOP_COMMAND")), s.getint("SIEVE_TEST_STOP_AFTER"))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        self.seen += 1
        if self.seen == self.after:
            logger.info("Stopping the database server: %s", " ".join(self.command))
            subprocess.run(self.command, check=True, capture_output=True, timeout=60)
        return item
