"""``scrapy crawl``, Scrapy's own command, with Sieve's error policy and exit statuses, and its spiders in ``-h``."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from scrapy.commands import ScrapyHelpFormatter
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object

from crawler.command import EXIT_USAGE, CommandError, build_components, say, skip_final_collection
from crawler.extensions import crawl_problems

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.settings import BaseSettings, Settings

#: Close reasons a Sieve spider uses for bad input (``CloseSpider(reason)``): the crawl did nothing useful.
USAGE_FAILURES = frozenset({"path_not_found", "no_pages", "bad_arguments"})


#: Exit status of a crawl that ran but failed (:func:`crawler.extensions.crawl_problems`; the summary line says why).
EXIT_FAILED = 1


class Command(ScrapyCrawlCommand):
    """Scrapy exits 0 even when the spider closed at once on a bad ``-a`` value, or when nothing was stored or
    fetched; scripts need to know.

    Before anything starts (before Scrapy's start-up log, even), the spider's
    ``-a`` arguments and Sieve's settings (``CLEANERS``, the extractor,
    ``DATABASE_URL``) are checked: a bad one is one line on stderr and exit
    status 2, as in Sieve's other commands, instead of a crawl that fails with
    a double traceback. A crawl learns each site's furniture into the database
    (``SIEVE_SITE_STATS``), so ``scrapy reclean`` can re-apply it to the pages stored before.
    """

    default_settings = {**ScrapyCrawlCommand.default_settings, "SIEVE_SITE_STATS": "database"}

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        assert self.settings is not None
        parser.formatter_class = EpilogFormatter
        parser.epilog = spider_help(self.settings)

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            super().process_options(args, opts)  # -s, -a and -o/-O (an unknown export format is a UsageError)
            if len(args) == 1:
                self.check(args[0], opts.spargs)
        except UsageError as exc:
            if not str(exc):
                raise  # Scrapy prints the help
            refuse(str(exc))
        except CommandError as exc:
            refuse(str(exc), exc.code)

    def check(self, name: str, spargs: Mapping[str, Any]) -> None:
        """The spider exists, its arguments work, and so do the components Sieve builds from settings."""
        assert self.settings is not None
        try:
            spidercls = get_spider_loader(self.settings).load(name)
        except KeyError:
            raise CommandError(f"no spider named {name!r} (scrapy list shows them; scrapy crawl -h too)") from None
        argument_error = getattr(spidercls, "argument_error", None)
        problem = argument_error(**spargs) if argument_error is not None else None
        if problem:
            raise CommandError(problem)
        settings = self.settings.copy()
        spidercls.update_settings(settings)  # its custom_settings, as the crawl will see them
        check_settings(settings)  # last: the database check makes a SQLite file's folder, as the crawl would

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's own usage errors
            return
        assert self.crawler_process
        skip_final_collection()
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        elif crawler.stats.get_value("finish_reason") in USAGE_FAILURES:
            self.exitcode = EXIT_USAGE
        elif crawl_problems(crawler.stats.get_stats()):
            self.exitcode = EXIT_FAILED


def refuse(message: str, code: int = EXIT_USAGE) -> None:
    """One line and the exit status, before Scrapy configures logging (no start-up banner, no traceback)."""
    say("crawl", message)
    raise SystemExit(code)


def check_settings(settings: Settings) -> None:
    """Raise :class:`CommandError` for a setting that cannot work, with the line ``scrapy clean`` would print.

    The cleaner chain and the extractor are built (and closed) exactly as the
    crawl's ``CleanPipeline`` builds them; ``DATABASE_URL`` must name a
    database SQLAlchemy can drive (a server that is down is not a setting
    error: the crawl spools and exits 1). Each is checked only when the
    pipeline that uses it is enabled.
    """
    from crawler.pipelines import CleanPipeline, DatabasePipeline

    pipelines = enabled_classes(settings, "ITEM_PIPELINES")
    if any(issubclass(cls, CleanPipeline) for cls in pipelines):
        chain, _ = build_components(settings)
        chain.close()
    if any(issubclass(cls, DatabasePipeline) for cls in pipelines):
        check_database_url(settings)
    if settings.get("SIEVE_REDIS_URL"):
        check_frontier(settings["SIEVE_REDIS_URL"])


def check_frontier(url: str) -> None:
    """A Redis frontier that cannot be reached at start is one line and exit status 1, not a crawl's tracebacks.

    A frontier that goes away later is the worker's to survive (crawler/frontier/worker.py); at start there
    is nothing to crawl from. The message names the host, never the URL (it may hold a password).
    """
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    except ValueError as exc:
        raise CommandError(f"SIEVE_REDIS_URL is not a Redis URL: {exc}") from None
    kwargs = client.connection_pool.connection_kwargs
    where = kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"
    try:
        client.ping()
    except redis.RedisError as exc:
        raise CommandError(f"the Redis frontier at {where} cannot be reached: {exc}", EXIT_FAILED) from None
    finally:
        client.close()


def enabled_classes(settings: BaseSettings, name: str) -> list[type]:
    """The classes a component setting enables (``ITEM_PIPELINES``); one that cannot be loaded is one line."""
    classes = []
    for path in build_component_list(settings.getwithbase(name)):
        try:
            obj = load_object(path)
        except (ImportError, AttributeError, ValueError, NameError) as exc:
            raise CommandError(f"{name}: {path!r} is not importable: {exc}") from None
        if isinstance(obj, type):
            classes.append(obj)
    return classes


def check_database_url(settings: BaseSettings) -> None:
    """A URL with no usable dialect or driver, or a SQLite folder that cannot be made, is a setting error."""
    from storage.db import DatabaseConfigError, database_url, make_engine

    try:
        make_engine(database_url(settings)).dispose()  # no connection is opened
    except DatabaseConfigError as exc:
        raise CommandError(str(exc)) from None


# -- help -----------------------------------------------------------------------------------------------------------

HELP_WIDTH = 100


class EpilogFormatter(ScrapyHelpFormatter):
    """Scrapy's help layout, with the epilog (the spiders and their arguments) kept line by line."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "".join(indent + line for line in text.splitlines(keepends=True))


def spider_help(settings: BaseSettings) -> str:
    """Every spider of the project with its ``-a`` arguments, from each spider's own ``arguments`` and docstring.

    A spider that inherits its ``arguments`` (a site profile's spider, from
    ``articles``) gets its docstring's line, which says so; a spider without
    ``arguments`` (another project's) gets its line and no list.
    """
    try:
        loader = get_spider_loader(settings)
        spiders = [loader.load(name) for name in loader.list()]
    except Exception:  # help must never fail because a spider module does
        return ""
    spiders.sort(key=lambda cls: ("arguments" not in vars(cls), cls.name))
    title = "Spiders and their arguments (-a NAME=VALUE, e.g. -a depth=2)"
    lines = [title, "=" * len(title)]
    for cls in spiders:
        lines.extend(_spider_lines(cls))
    return "\n".join(lines) + "\n"


def _spider_lines(cls: type[Spider]) -> list[str]:
    doc = (cls.__doc__ or "").strip().split("\n\n", 1)[0]
    summary = " ".join(doc.split()).replace("``", "")
    lines = textwrap.wrap(f"{cls.name}: {summary}", HELP_WIDTH, initial_indent="  ", subsequent_indent="      ")
    own = vars(cls).get("arguments")
    if own is None and getattr(cls, "arguments", None) is None:
        lines.append("      (its arguments are not listed: see its documentation)")
    for name, text in (own or {}).items():
        head = f"    {name:<16} "
        lines.extend(textwrap.wrap(text, HELP_WIDTH, initial_indent=head, subsequent_indent=" " * len(head)))
    return lines
