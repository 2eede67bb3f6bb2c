"""``scrapy crawl``: its help lists every spider and its ``-a`` arguments, taken from the spiders themselves."""

from __future__ import annotations

import inspect

import pytest
from scrapy.spiderloader import get_spider_loader

from crawler.commands.crawl import spider_help
from crawler.spiders.articles import ArticlesSpider
from crawler.spiders.fixtures import FixturesSpider
from tests.conftest import project_settings, run_scrapy


def init_arguments(cls: type) -> list[str]:
    """The keyword arguments ``__init__`` takes (what ``-a name=value`` can set), in order."""
    params = inspect.signature(cls.__init__).parameters.values()
    return [p.name for p in params if p.name != "self" and p.kind is p.POSITIONAL_OR_KEYWORD]


@pytest.mark.parametrize("cls", [ArticlesSpider, FixturesSpider])
def test_the_listed_arguments_are_exactly_what_the_spider_takes(cls):
    assert list(cls.arguments) == init_arguments(cls)
    assert all(text and "\n" not in text for text in cls.arguments.values())


def test_crawl_help_lists_every_spider_and_its_arguments():
    proc = run_scrapy("crawl", "-h", timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    listing = out.split("Spiders and their arguments", 1)[1]
    names = get_spider_loader(project_settings()).list()
    assert {"articles", "fixtures", "arabstoday"} <= set(names)
    spider_lines = [line for line in listing.splitlines() if line.startswith("  ") and not line.startswith("   ")]
    assert sorted(line.split(":", 1)[0].strip() for line in spider_lines) == sorted(names)
    for argument in ("depth", "sitemap", "feed", "start_urls", "path", "follow_symlinks"):
        assert f"    {argument} " in listing, argument
    arguments = [line.split()[0] for line in listing.splitlines() if line.startswith("    ") and line[4] != " "]
    assert arguments == [*ArticlesSpider.arguments, *FixturesSpider.arguments]  # site profiles do not repeat them
    assert "  arabstoday: Site profile 'arabstoday' (arabstoday.net): same as articles, defaults from the" in listing


def test_the_help_text_is_the_spiders_own(monkeypatch):
    """Change a spider's arguments and the help changes: nothing is copied into the command."""
    monkeypatch.setattr(ArticlesSpider, "arguments", {**ArticlesSpider.arguments, "brand_new": "a marker argument"})
    text = spider_help(project_settings())
    assert "    brand_new        a marker argument" in text
    assert text.count("brand_new") == 1  # the site profiles inherit it without repeating it
