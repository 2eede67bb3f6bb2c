"""``scrapy cleaners``: installed cleaners (entry points and settings) against the enabled chain."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any

from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object

from crawler.command import SieveCommand

ENTRY_POINT_GROUP = "sieve.cleaners"


class Command(SieveCommand):
    def short_desc(self) -> str:
        return "List installed cleaners and the enabled chain, in order"

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        merged = self.settings.getwithbase("CLEANERS")
        chain, _ = self.components()
        print("Enabled, in order (CLEANERS over CLEANERS_BASE):")
        listed = build_component_list(merged)
        for path, cleaner in zip(chain.paths, chain.cleaners, strict=True):
            scope = ", ".join(chain.scope(cleaner)) or "all sites"
            print(f"  {merged[path]:>5}  {path}  [{cleaner.label}] v{cleaner.version}  ({scope})")
        print(f"  chain fingerprint: {chain.fingerprint}")
        print("Installed (entry point group 'sieve.cleaners' and settings):")
        for path, state in installed_cleaners(merged, listed, chain.paths):
            print(f"  {path}  ({state})")


def installed_cleaners(merged: Mapping[str, Any], listed: list[str], enabled: list[str]) -> list[tuple[str, str]]:
    """(dotted path, state) for every cleaner in the entry-point group or the settings.

    An entry point and a settings key naming the same class (``cleaners.builtin.X``
    and ``cleaners.builtin.x:X``, or the entry point's own name) are one cleaner,
    shown under the settings key.
    """
    by_class: dict[Any, str] = {}
    rows: dict[str, str] = {}
    plugins = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    for path in merged:
        try:  # a key may be an entry-point name: the same class as that entry point, not another row
            by_class.setdefault(plugins[path].load() if path in plugins else load_object(path), path)
        except Exception:  # a broken plugin must not hide the others
            pass
        if path in enabled:
            rows[path] = "enabled"
        elif path in listed:
            rows[path] = "disabled: raised NotConfigured (see the log)"
        else:
            rows[path] = "disabled: None in CLEANERS"
    for ep in plugins.values():
        dotted = ep.value.replace(":", ".")
        try:
            cls = ep.load()
        except Exception as exc:  # a broken plugin must not hide the others
            rows.setdefault(dotted, f"entry point {ep.name!r} is not importable: {exc}")
            continue
        if cls not in by_class:
            rows.setdefault(dotted, f"not in CLEANERS (entry point {ep.name!r})")
    return sorted(rows.items())
