"""The ``sieve`` console script: Scrapy's command line with Sieve's settings, from any directory.

``scrapy clean`` finds Sieve's commands through ``scrapy.cfg``, so outside
the checkout Scrapy knows none of them. ``sieve`` is the same command line
(``sieve clean page.html``, ``sieve crawl fixtures``, ``sieve cleaners``) with
``SCRAPY_SETTINGS_MODULE`` set to Sieve's settings when nothing else names a
project: inside a Scrapy project (a ``scrapy.cfg`` here or above) or with the
variable already set, that project's settings are used, as ``scrapy`` would.
"""

from __future__ import annotations

import os

from scrapy.cmdline import execute
from scrapy.utils.conf import closest_scrapy_cfg
from scrapy.utils.project import ENVVAR

from cleaners.api import SETTINGS_MODULE


def main(argv: list[str] | None = None) -> None:
    """Run a Scrapy command; exits with the command's status, as ``scrapy`` does."""
    if not os.environ.get(ENVVAR) and not closest_scrapy_cfg():
        os.environ[ENVVAR] = SETTINGS_MODULE
    execute(argv)


if __name__ == "__main__":
    main()
