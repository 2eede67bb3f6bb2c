"""``scrapy crawl fixtures``: saved pages on disk, fetched through ``file://`` like a live crawl."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from crawler.addons import drop_from_base
from crawler.fetching.failures import failure_item
from crawler.fetching.local import file_item, file_requests, path_problem
from crawler.items import PageItem
from crawler.spiders.articles import flag_arg

logger = logging.getLogger(__name__)

DEFAULT_PATH = "fixtures/pages"


class FixturesSpider(Spider):
    """Every page file under ``-a path=`` (a file or a folder; default ``fixtures/pages``).

    Each file goes through a ``file://`` request, the item pipelines and the
    exporters exactly as a downloaded page does, and is decoded by the same
    :func:`cleaners.document.files.decode_page` that ``scrapy clean`` uses, so both give
    the same record for the same file. Scrapy's ``file://`` handler ignores
    ``DOWNLOAD_MAXSIZE``, so ``SIEVE_MAX_BYTES`` is enforced here: a file over
    it is never read and becomes an item with a fetch error. A missing path
    logs one error line and closes the spider (reason ``path_not_found``).
    A link in the folder that points outside it is skipped unless
    ``-a follow_symlinks=1``.
    """

    name = "fixtures"
    #: The ``-a`` arguments, each with one line for ``scrapy crawl -h`` (a test checks them against ``__init__``).
    arguments: ClassVar[dict[str, str]] = {
        "path": f"a page file or a folder of them, searched recursively (default {DEFAULT_PATH})",
        "follow_symlinks": "1 also reads links that point outside the folder (skipped otherwise)",
    }
    custom_settings: dict[str, Any] = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}
    #: Offline, only ``file://`` is fetched: the HTTP handlers, cookies and retries (a file that cannot be read
    #: will not be readable a second later), which cost a crawl 0.3 s to import (TLS, cookie jars), are neither
    #: loaded nor imported.
    offline_off: ClassVar[dict[str, list[str]]] = {
        "DOWNLOAD_HANDLERS": ["http", "https"],
        "DOWNLOADER_MIDDLEWARES": [
            "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
            "scrapy.downloadermiddlewares.retry.RetryMiddleware",
        ],
    }

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        for name, off in cls.offline_off.items():
            drop_from_base(settings, name, off, "spider")

    def __init__(
        self, path: str = DEFAULT_PATH, follow_symlinks: str | bool | None = None, *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.path = path
        self.follow_symlinks = flag_arg(follow_symlinks)

    @classmethod
    def argument_error(cls, **kwargs: Any) -> str | None:
        """Why these ``-a`` arguments cannot work (None: they can): ``scrapy crawl`` asks before the crawl starts."""
        return path_problem(cls(**kwargs).path)

    @property
    def max_bytes(self) -> int:
        return self.crawler.settings.getint("SIEVE_MAX_BYTES")

    async def start(self) -> AsyncIterator[Request | PageItem]:
        for request_or_item in file_requests(
            self.path,
            self.max_bytes,
            self.parse,
            self.fetch_failed,
            logger,
            follow_symlinks=self.follow_symlinks,
            stats=self.crawler.stats,
        ):
            yield request_or_item

    def parse(self, response: Response, **kwargs: Any) -> PageItem:
        return file_item(response, self.max_bytes)

    def fetch_failed(self, failure: Failure) -> Iterator[PageItem]:
        """A file that vanished or cannot be read after the listing: a fetch error row, like a failed download."""
        item = failure_item(failure, self.crawler.stats)
        if item is not None:
            yield item
