"""``scrapy cleaners``: installed cleaners (entry points and settings) against the enabled chain."""

from __future__ import annotations

import argparse
from importlib.metadata import entry_points
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.conf import build_component_list

from crawler.components import load_chain, offline_crawler

ENTRY_POINT_GROUP = "sieve.cleaners"


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def short_desc(self) -> str:
        return "List installed cleaners and the enabled chain, in order"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        merged = self.settings.getwithbase("CLEANERS")
        try:
            chain = load_chain(offline_crawler(self.settings))
        except ValueError as exc:
            raise UsageError(str(exc), print_help=False) from None
        print("Enabled, in order (CLEANERS over CLEANERS_BASE):")
        enabled_paths = build_component_list(merged)
        for path, cleaner in zip(enabled_paths, chain.cleaners):
            scope = ", ".join(chain._domains[cleaner.name]) or "all sites"
            print(f"  {merged[path]:>5}  {path}  [{cleaner.label}] v{cleaner.version}  ({scope})")
        print(f"  chain fingerprint: {chain.fingerprint}")
        print("Installed (entry point group 'sieve.cleaners' and settings):")
        installed = {ep.value.replace(":", "."): ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
        for path in merged:
            installed.setdefault(path, "")
        for path in sorted(installed):
            state = "enabled" if path in enabled_paths else "disabled" if path in merged else "not in CLEANERS"
            print(f"  {path}  ({state})")
