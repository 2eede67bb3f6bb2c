"""Scrapy settings for Sieve: polite crawling defaults and the cleaner chain."""

from cleaners.process import FIELDS as contract_fields  # lower case: not a setting

BOT_NAME = "sieve"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# -- the cleaner chain (ordered like ITEM_PIPELINES; lower runs first, None disables) --
CLEANERS_BASE = {
    "cleaners.builtin.HeadlineCleaner": 50,
    "cleaners.builtin.CopyrightCleaner": 100,
    "cleaners.builtin.RelatedLinksCleaner": 200,
    "cleaners.builtin.LinkListCleaner": 250,
    "cleaners.builtin.SourceCleaner": 300,
    "cleaners.builtin.CreditCleaner": 400,
    "cleaners.builtin.PromoCleaner": 500,
    "cleaners.builtin.MetaLineCleaner": 600,
}
CLEANERS: dict[str, int | None] = {}
# {"dotted.path.or.Name": ["example.com", ...]}: run a cleaner on those sites only.
CLEANERS_DOMAINS: dict[str, list[str]] = {}

SIEVE_EXTRACTOR = "cleaners.extract.TrafilaturaExtractor"
# trafilatura.extract keyword arguments. fast=True skips trafilatura's readability/justext
# fallback: on the AEB benchmark it is both more precise and faster (benchmarks/aeb.py).
SIEVE_EXTRACTOR_OPTIONS: dict[str, object] = {"fast": True}
# Site profiles' article containers: {"domain": "CSS selector"} (subdomains match). The extractor looks the page's
# site up itself (URL host, or canonical/og:url host for a saved file), so `scrapy clean` and a crawl agree.
SIEVE_SITE_CONTAINERS: dict[str, str] = {
    "arabstoday.net": ".article-body, .article-source, .related-news li, .footer-top, .footer-bottom",
}
# Spiders: a page with no article signal (JSON-LD type, og:type, the site's article URL pattern) is an article
# only with this many characters of paragraph text; index pages are followed but not stored.
SIEVE_ARTICLE_MIN_CHARS = 800
# Largest page (or decompressed .gz) Sieve will clean; also the crawl's DOWNLOAD_MAXSIZE.
SIEVE_MAX_BYTES = 10 * 1024 * 1024

# -- politeness and safety ------------------------------------------------------------------
USER_AGENT = "Sieve/0.1 (news article cleaner; +https://github.com/sieve-news/sieve)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_MAXSIZE = SIEVE_MAX_BYTES
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
# Scrapy 2.19 otherwise opens a local control server that can execute code.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
# One line at the end of a crawl: pages, articles, skipped, errors, spans by label (before Scrapy's stats dump).
EXTENSIONS = {"crawler.extensions.CrawlSummary": 500}
# Scale out: -s SIEVE_REDIS_URL=redis://host:6379/0 makes a crawl a worker of a shared Redis frontier
# (crawler/frontier/); without it the add-on does nothing.
ADDONS = {"crawler.frontier.addon.FrontierAddon": 0}
# Development cache: -s HTTPCACHE_ENABLED=1
HTTPCACHE_ENABLED = False
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_EXPIRATION_SECS = 0

ITEM_PIPELINES = {
    "crawler.pipelines.CleanPipeline": 300,
    "crawler.pipelines.DatabasePipeline": 800,
}

# -- storage (storage/, crawler/pipelines/store.py) -------------------------------------------
# $SIEVE_DATABASE_URL overrides this; `-s DATABASE_URL=...` overrides both. A relative SQLite path is
# relative to the working directory; its folder is created on first use.
DATABASE_URL = "sqlite:///data/sieve.db"
SIEVE_DB_BATCH_SIZE = 500  # items per transaction
SIEVE_DB_FLUSH_SECS = 5.0  # also write a partial batch this often
SIEVE_SPOOL_DIR = "data/spool"  # where items go while the database fails; `scrapy db import-spool` loads them

# Exports (-O out.jsonl) carry the output contract of `scrapy clean`, not the raw page.
FEED_EXPORT_FIELDS = ["url", *contract_fields]
FEED_EXPORT_ENCODING = "utf-8"

LOG_LEVEL = "INFO"
