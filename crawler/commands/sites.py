"""``scrapy sites list | show SITE | veto SITE PATTERN | unveto SITE PATTERN``: what Sieve learned about each site."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from cleaners.furniture.keys import site_key
from cleaners.furniture.policy import Thresholds
from cleaners.furniture.stats import Evidence
from crawler.command import SieveCommand

if TYPE_CHECKING:
    from storage.site_patterns import PatternRow

SUBCOMMANDS = ("list", "show", "veto", "unveto")


class Command(SieveCommand):
    def syntax(self) -> str:
        return "list | show SITE [--all] [--limit N] | veto SITE KEY_OR_TEXT | unveto SITE KEY_OR_TEXT"

    def short_desc(self) -> str:
        return "Site furniture learned from crawled pages: list sites, show a site's patterns, veto one"

    def long_desc(self) -> str:
        return (
            "list: every site the learner counted, with its pages. "
            "show SITE: the lines seen on 2+ pages of SITE (a host or domain), most frequent first, with the "
            "pages that show them; '*' marks what FurnitureCleaner claims with the current thresholds, 'x' a "
            "veto. veto SITE KEY_OR_TEXT: never claim that pattern again (a key prefix of 4+ hex digits from "
            "show, or the line's text); unveto undoes it. Run `scrapy reclean --domain SITE` to apply a veto "
            "to stored pages. The database is DATABASE_URL (or $SIEVE_DATABASE_URL)."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--all", action="store_true", help="show: also lines seen on one page")
        parser.add_argument("--limit", type=int, default=50, metavar="N", help="show: at most N patterns (50)")

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args or args[0] not in SUBCOMMANDS:
            self.fail(f"give one of: {', '.join(SUBCOMMANDS)}")
        sub, rest = args[0], args[1:]
        want = {"list": 0, "show": 1, "veto": 2, "unveto": 2}[sub]
        if len(rest) != want:
            self.fail(f"{sub} takes {want} argument{'s' if want != 1 else ''}: {self.syntax()}")
        site = site_key(rest[0]) if rest else None
        if rest and not site:
            self.fail(f"{rest[0]!r} is not a host or domain")
        from sqlalchemy.exc import SQLAlchemyError  # the storage stack only for the commands that use it

        from storage.db import describe_error, display_url
        from storage.site_patterns import list_sites, set_veto

        url, engine = self.database()
        try:
            with engine.begin() as conn:
                if sub == "list":
                    sites = list_sites(conn)
                    if not sites:
                        print("No site statistics yet: `scrapy crawl` learns them")
                    for name, count in sites:
                        print(f"{count:>7} pages  {name}")
                elif sub == "show":
                    assert site is not None
                    self._show(conn, site, opts)
                else:
                    assert site is not None
                    changed = set_veto(conn, site, rest[1], vetoed=sub == "veto")
                    if not changed:
                        self.fail(f"no pattern of {site} matches {rest[1]!r}; see `scrapy sites show {site}`")
                    for row in changed:
                        print(f"{sub}: {site} {row.key} ({row.page_count} pages) {row.text or ''}")
                    print(f"Run `scrapy reclean --domain {site}` to apply it to stored pages.")
        except SQLAlchemyError as exc:
            self.fail(f"{sub}: database {display_url(url)} failed: {describe_error(exc)}", code=1)
        finally:
            engine.dispose()

    def _show(self, conn: object, site: str, opts: argparse.Namespace) -> None:
        from storage.site_patterns import list_patterns, other_site_counts, site_page_count

        assert self.settings is not None
        total = site_page_count(conn, site)  # type: ignore[arg-type]
        rows: list[PatternRow] = list_patterns(conn, site, 1 if opts.all else 2, opts.limit)  # type: ignore[arg-type]
        s = self.settings
        default = Thresholds()
        th = Thresholds(
            min_site_pages=s.getint("SIEVE_FURNITURE_MIN_SITE_PAGES", default.min_site_pages),
            min_pages=s.getint("SIEVE_FURNITURE_MIN_PAGES", default.min_pages),
            min_share=s.getfloat("SIEVE_FURNITURE_MIN_SHARE", default.min_share),
            prose_words=s.getint("SIEVE_FURNITURE_PROSE_WORDS", default.prose_words),
        )
        evidence = Evidence(
            site,
            total,
            {r.key: r.page_count for r in rows},
            other_site_counts(conn, site, [r.key for r in rows]),  # type: ignore[arg-type]
            frozenset(r.key for r in rows if r.vetoed),
        )
        print(f"{site}: {total} pages seen; {len(rows)} patterns shown (* claimed as furniture, x vetoed)")
        for r in rows:
            words = len((r.text or "").split())
            mark = "x" if r.vetoed else "*" if th.claims(evidence, r.key, words) else " "
            others = evidence.other_sites.get(r.key, 0)
            where = f", {others} other sites" if others else ""
            text = (r.text or "(seen on one page: text not kept)")[:100]
            print(f"{mark} {r.key}  {r.page_count:>5}/{total} pages{where}  last {r.last_seen:%Y-%m-%d}  {text}")
