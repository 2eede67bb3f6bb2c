"""Test-only Scrapy components that misbehave the way a third-party plugin might."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from itemadapter import ItemAdapter

from cleaners import Cleaner, Page, Span


class BuggyPluginPipeline:
    """Sets ``author`` to a dict on pages whose URL contains ``buggy``: no database driver can bind it.

    It sits between cleaning (300) and storage (800), like a plugin adding a field would.
    """

    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        if "buggy" in str(adapter.get("url")):
            adapter["author"] = {"name": "a plugin bug"}
        return item


class SlowCleaner(Cleaner):
    """Claims nothing, slowly (50 ms a page): it widens the window between reclean's read and its write."""

    label = "boilerplate"

    def find(self, page: Page) -> Iterable[Span]:
        time.sleep(0.05)
        return ()
