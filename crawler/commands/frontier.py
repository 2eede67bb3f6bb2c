"""``scrapy frontier status | seed | stop | reset SPIDER``: watch and steer a crawl shared by many workers.

Workers are ``scrapy crawl SPIDER -s SIEVE_REDIS_URL=redis://...`` processes on any machines
(``docs-scale-out.md``); this command talks to the same Redis and never needs a worker's help.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import sys
import time
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy import Request
from scrapy.commands import ScrapyCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, UsageError
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.conf import arglist_to_dict

if TYPE_CHECKING:  # Redis and scrapy-redis load only when this command runs, not for every other command
    from crawler.frontier.protocol import Census, Frontier

SUBCOMMANDS = ("status", "seed", "stop", "reset")


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return (
            "[status] SPIDER [--json] [--watch SECS] | seed SPIDER -a NAME=VALUE ... | stop SPIDER [--wait] "
            "| reset SPIDER [--force]"
        )

    def short_desc(self) -> str:
        return "Shared Redis frontier: queue, leases, workers and pages/s; seed, stop or reset a crawl"

    def long_desc(self) -> str:
        return (
            "status: queued and leased requests, dupefilter size, and each live worker's leases, pages stored "
            "and pages/s (also requeues the leases of workers that stopped heart-beating). "
            "seed: queue the start requests the spider makes from -a arguments, exactly as `scrapy crawl` would. "
            "stop: every worker running now finishes its in-flight requests, stores its pages and exits; the "
            "queue is kept for the next run. reset: delete the crawl's queue, leases and fingerprints. "
            "Redis is SIEVE_REDIS_URL (or REDIS_URL)."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
                            help="seed: a spider argument, as for `scrapy crawl`")  # fmt: skip
        parser.add_argument("--json", action="store_true", help="status: one JSON object")
        parser.add_argument("--watch", type=float, metavar="SECS", help="status: print again every SECS seconds")
        parser.add_argument("--wait", action="store_true", help="stop: wait until no worker is alive")
        parser.add_argument("--force", action="store_true", help="reset: even while workers are alive")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("-a takes NAME=VALUE", print_help=False) from None

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args and args[0] in SUBCOMMANDS:
            sub, rest = args[0], args[1:]
        else:
            sub, rest = "status", args
        if len(rest) != 1:
            raise UsageError("give one spider name")
        assert self.settings is not None
        url = self.settings.get("SIEVE_REDIS_URL") or self.settings.get("REDIS_URL")
        if not url:
            raise UsageError("give the frontier's Redis: -s SIEVE_REDIS_URL=redis://host:6379/0", print_help=False)
        settings = self.settings.copy()
        settings.set("REDIS_URL", url, priority="cmdline")
        name = rest[0]
        from scrapy_redis.connection import get_redis_from_settings

        from crawler.frontier.keys import FrontierKeys
        from crawler.frontier.protocol import Frontier

        frontier = Frontier(get_redis_from_settings(settings), FrontierKeys.for_spider(settings, name))
        if sub == "status":
            self.status(frontier, url, opts)
        elif sub == "seed":
            self.seed(frontier, name, opts.spargs)
        elif sub == "stop":
            self.stop(frontier, opts.wait)
        else:
            self.reset(frontier, opts.force)

    # -- subcommands --------------------------------------------------------------------------------
    def status(self, frontier: Frontier, url: str, opts: argparse.Namespace) -> None:
        while True:
            census = frontier.heartbeat()
            report = status_report(frontier, census, url)
            print(json.dumps(report) if opts.json else format_status(report), flush=True)
            if not opts.watch:
                return
            try:
                time.sleep(opts.watch)
            except KeyboardInterrupt:
                return

    def seed(self, frontier: Frontier, spider_name: str, spargs: dict[str, str]) -> None:
        assert self.settings is not None
        try:
            spidercls = get_spider_loader(self.settings).load(spider_name)
        except KeyError:
            raise UsageError(f"no spider named {spider_name!r}", print_help=False) from None
        spider = spidercls.from_crawler(Crawler(spidercls, self.settings.copy()), **spargs)
        try:
            requests, others = asyncio.run(start_requests(spider))
        except CloseSpider as exc:  # the spider refused its arguments; it logged why
            print(f"scrapy frontier seed: {spider_name} closed at once ({exc.reason}); nothing queued", file=sys.stderr)
            self.exitcode = 2
            return
        from scrapy_redis import picklecompat

        from crawler.frontier.keys import fingerprint

        path = self.settings.get("SCHEDULER_SERIALIZER")
        serializer = importlib.import_module(path) if isinstance(path, str) and path else picklecompat
        queued = 0
        for r in requests:
            queued += frontier.push(
                fingerprint(r), r.priority, serializer.dumps(r.to_dict(spider=spider)), r.dont_filter
            )
        print(f"{queued} of {len(requests)} start requests queued ({len(requests) - queued} already seen)")
        if others:
            print(f"{others} start items or errors were not queued (only requests are)", file=sys.stderr)
        if not requests:
            self.exitcode = 1

    def stop(self, frontier: Frontier, wait: bool) -> None:
        frontier.request_stop()
        live = frontier.heartbeat().workers
        print(f"Asked {len(live)} live worker(s) to finish their in-flight requests and close; the queue is kept")
        while wait and live:
            time.sleep(1)
            live = frontier.heartbeat().workers
        if wait:
            print("No worker is alive")

    def reset(self, frontier: Frontier, force: bool) -> None:
        live = frontier.heartbeat().workers
        if live and not force:
            print(
                f"scrapy frontier reset: {len(live)} worker(s) alive ({', '.join(w.name for w in live)}); "
                "stop them first (`scrapy frontier stop SPIDER --wait`) or give --force",
                file=sys.stderr,
            )
            self.exitcode = 1
            return
        deleted = frontier.reset()
        print(f"Deleted {deleted} keys of {frontier.keys.base} (queue, leases, workers, counters, fingerprints)")


async def start_requests(spider: Any) -> tuple[list[Request], int]:
    """The requests of the spider's ``start()``, and how many other things it yielded."""
    requests, others = [], 0
    async for thing in spider.start():
        if isinstance(thing, Request):
            requests.append(thing)
        else:
            others += 1
    return requests, others


def status_report(frontier: Frontier, census: Census, url: str) -> dict[str, Any]:
    counters = frontier.counters()
    now = census.server_ms
    workers: list[dict[str, Any]] = []
    for w in census.workers:
        started = int(w.info.get("started", now) or now)
        workers.append(
            {
                "worker": w.name,
                "leases": w.leases,
                "in_progress": w.in_progress,
                "pages": int(w.info.get("pages", 0) or 0),
                "pages_per_s": float(w.info.get("rate", 0) or 0),
                "fetched": int(w.info.get("fetched", 0) or 0),
                "up_s": round((now - started) / 1000),
                "beat_s_ago": round((now - int(w.info.get("beat", now) or now)) / 1000, 1),
            }
        )
    return {
        "redis": url,
        "queue": frontier.keys.base,
        "queued": census.queued,
        "leased": census.leased,
        "seen": frontier.seen(),
        "leases_given": counters.get("leased", 0),
        "released": counters.get("released", 0),
        "requeued": counters.get("requeued", 0),
        "stop_requested": bool(census.stop_ms),
        "workers": workers,
        "pages_per_s": round(sum(w["pages_per_s"] for w in workers), 2),
    }


def format_status(report: dict[str, Any]) -> str:
    lines = [
        f"Frontier {report['queue']} on {report['redis']}",
        f"  queued    {report['queued']:>10,} requests",
        f"  leased    {report['leased']:>10,} requests, by {len(report['workers'])} live worker(s)",
        f"  seen      {report['seen']:>10,} fingerprints (dupefilter)",
        f"  released  {report['released']:>10,} of {report['leases_given']:,} leases given out (done); "
        f"{report['requeued']:,} requeued from dead or stopped workers",
    ]
    if report["workers"]:
        lines.append(f"  {'worker':<32} {'leases':>7} {'fetching':>8} {'pages':>8} {'pages/s':>8} {'up':>7}")
        for w in report["workers"]:
            lines.append(
                f"  {w['worker']:<32} {w['leases']:>7} {w['in_progress']:>8} {w['pages']:>8} "
                f"{w['pages_per_s']:>8.2f} {w['up_s']:>6}s"
            )
        lines.append(f"  {'all workers':<32} {'':>7} {'':>8} {'':>8} {report['pages_per_s']:>8.2f}")
    return "\n".join(lines)
