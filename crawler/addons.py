"""Scrapy components a crawl has switched off are not even imported.

Scrapy imports every extension in ``EXTENSIONS_BASE`` and only then lets it
refuse (``NotConfigured``) when its setting is off; Scrapy 2.19 even imports
the ones set to None in ``EXTENSIONS``, to normalise the keys. Sieve turns
the remote control off (``REMOTE_CONTROL_ENABLED = False``), yet importing it
loads aiohttp: a quarter of a second at the start of every crawl, more than
the crawl's first ten pages take to clean. This add-on runs once all
settings are in (``-s`` included) and takes each extension whose own setting
is off out of ``EXTENSIONS_BASE``, so turning one on with ``-s`` still works
exactly as in plain Scrapy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

#: Extension -> the setting that enables it, and that setting's default (Scrapy's names).
SWITCHED = {
    "scrapy.extensions.remote_control.RemoteControl": ("REMOTE_CONTROL_ENABLED", True),
    "scrapy.extensions.telnet.TelnetConsole": ("TELNETCONSOLE_ENABLED", True),
}


def drop_from_base(settings: BaseSettings, name: str, keys: list[str], priority: int | str) -> None:
    """Take ``keys`` out of the ``name + "_BASE"`` dict: neither loaded nor imported."""
    base = settings.getdict(name + "_BASE")
    if any(key in base for key in keys):
        settings.set(name + "_BASE", {k: v for k, v in base.items() if k not in keys}, priority)


class SkipDisabledExtensions:
    """Listed in ``ADDONS`` by Sieve's settings."""

    def update_settings(self, settings: BaseSettings) -> None:
        off = [path for path, (setting, default) in SWITCHED.items() if not settings.getbool(setting, default)]
        drop_from_base(settings, "EXTENSIONS", off, "addon")
