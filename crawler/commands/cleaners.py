"""``scrapy cleaners``: installed cleaners (entry points and settings) against the enabled chain; ``--timing``."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object

from cleaners.document.errors import InputError
from cleaners.document.files import expand_paths
from cleaners.record import page_problems
from crawler.cleaning import FileRun
from crawler.command import SieveCommand

ENTRY_POINT_GROUP = "sieve.cleaners"


class Command(SieveCommand):
    def syntax(self) -> str:
        from crawler.spiders.fixtures import DEFAULT_PATH  # here: the spiders module takes 30 ms to import

        return f"[--timing [PATH ...]]   (--timing: pages, folders or -; default {DEFAULT_PATH})"

    def short_desc(self) -> str:
        return "List installed cleaners and the enabled chain, in order; --timing: each cleaner's time over pages"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--timing",
            action="store_true",
            help="clean PATH... as scrapy clean does, in this process, and print each enabled cleaner's time "
            "(total, per page, share of the chain) and spans claimed, slowest first",
        )

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if opts.timing:
            from crawler.spiders.fixtures import DEFAULT_PATH

            self.timing(args or [DEFAULT_PATH])
            return
        if args:
            self.fail(f"paths are for --timing (scrapy cleaners --timing {' '.join(args)})")
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

    def timing(self, args: list[str]) -> None:
        """The chain over the pages, timed by the chain itself (``CleanerChain.seconds``: each cleaner's ``find``).

        One process (``-j 1``), so the times are those of one page after another,
        not of workers competing for cores; the learning pass is not timed.
        """
        assert self.settings is not None
        try:
            pages = expand_paths(args)
        except InputError as exc:
            self.fail(str(exc))
        chain, extractor = self.components()
        run = FileRun(self.settings, chain, extractor, jobs=1)  # the same reading and cleaning as scrapy clean
        spans: Counter[str] = Counter()
        cleaned_pages = 0
        try:
            for name, cleaned in run.clean(pages):
                fatal, _ = page_problems(cleaned.record)
                if fatal is not None:
                    self.say(f"{name}: {fatal} (not timed)")
                    continue
                cleaned_pages += 1
                spans.update(seg["cleaner"] for seg in cleaned.record["segments"] if seg["cleaner"])
        finally:
            run.close()
        rows = timing_rows(chain.seconds, spans, cleaned_pages)
        print(f"Cleaner time over {cleaned_pages} page(s), in this process, slowest first (each cleaner's find):")
        print(f"  {'seconds':>9}  {'ms/page':>8}  {'share':>6}  {'spans':>6}  cleaner")
        for row in rows:
            print(f"  {row.seconds:9.4f}  {row.ms_per_page:8.3f}  {row.share:6.1%}  {row.spans:6d}  {row.path}")
        total = sum(row.seconds for row in rows)
        per_page = 1000 * total / cleaned_pages if cleaned_pages else 0.0
        print(f"  {total:9.4f}  {per_page:8.3f}  {1:6.1%}  {sum(spans.values()):6d}  (the chain)")


@dataclass(frozen=True)
class TimingRow:
    """One cleaner's line of ``--timing``: its time over the run, per page, as a share of the chain's, its spans."""

    path: str
    seconds: float
    ms_per_page: float
    share: float
    spans: int


def timing_rows(seconds: Mapping[str, float], spans: Mapping[str, int], pages: int) -> list[TimingRow]:
    """One row per enabled cleaner (``seconds`` keys, in chain order), slowest first."""
    total = sum(seconds.values())
    rows = [
        TimingRow(
            path,
            spent,
            1000 * spent / pages if pages else 0.0,
            spent / total if total else 0.0,
            spans.get(path, 0),
        )
        for path, spent in seconds.items()
    ]
    return sorted(rows, key=lambda row: row.seconds, reverse=True)


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
