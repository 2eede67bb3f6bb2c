"""Scrapy settings for Sieve: polite crawling defaults and the cleaner chain."""

from cleaners.record import FIELDS as record_fields  # lower case: not a setting

BOT_NAME = "sieve"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# -- the cleaner chain (ordered like ITEM_PIPELINES; lower runs first, None disables) --
CLEANERS_BASE = {
    "cleaners.builtin.CopyrightCleaner": 100,
    "cleaners.builtin.RelatedLinksCleaner": 200,
    "cleaners.builtin.LinkListCleaner": 250,
    # After the link lists: on a whole page, a "Most read" box may stand between the top and the headline.
    "cleaners.builtin.HeadlineCleaner": 270,
    "cleaners.builtin.SourceCleaner": 300,
    "cleaners.builtin.CreditCleaner": 400,
    "cleaners.builtin.PromoCleaner": 500,
    "cleaners.builtin.MetaLineCleaner": 600,
    # Last: lines the page's own site repeats on most of its pages (learned per site; cleaners/furniture/).
    "cleaners.builtin.FurnitureCleaner": 700,
}
CLEANERS: dict[str, int | None] = {}
# {"dotted.path.or.Name": ["example.com", ...]}: run a cleaner on those sites only.
CLEANERS_DOMAINS: dict[str, list[str]] = {}
# FurnitureCleaner's statistics (SIEVE_SITE_STATS, not set here): `scrapy crawl` and `scrapy reclean` learn into and
# read from the database (DATABASE_URL); `scrapy clean` and `scrapy evaluate` learn in memory within the run.
# Its thresholds (cleaners/furniture/policy.py, measured by benchmarks/furniture.py):
# SIEVE_FURNITURE_MIN_SITE_PAGES, SIEVE_FURNITURE_MIN_PAGES, SIEVE_FURNITURE_MIN_SHARE, SIEVE_FURNITURE_PROSE_WORDS.

SIEVE_EXTRACTOR = "cleaners.document.extract.TrafilaturaExtractor"
# trafilatura.extract keyword arguments. fast=True skips trafilatura's readability/justext
# fallback: on the AEB benchmark it is both more precise and faster (benchmarks/aeb.py).
SIEVE_EXTRACTOR_OPTIONS: dict[str, object] = {"fast": True}
# Recall aids for pages where trafilatura keeps a fraction of the article (cleaners/document/recover.py,
# cleaners/document/extract.py). The fallback: when the main content holds less than this share of the page's prose,
# the page is extracted again without `fast` and the article it continues is taken (paragraphs after an ad slot,
# an article trafilatura's fast path missed), never another part of the page; the record notes it (errors stage
# `main-content`).
# 0.3: it runs on about 6% of pages (0.5 doubled that for 0.002 more F1 on WCXB-dev), so CPU a page stays near.
# Measured by benchmarks/bodies.py by half: benchmarks/results/.
# Prose recovery stays off: on AEB it gained F1 only on the half of the sites it was tuned on.
SIEVE_RECOVER_PROSE = False
SIEVE_FALLBACK_EXTRACTION = 0.3
# Site profiles (cleaners.sites.SiteProfile) beyond the `sieve.sites` entry points, as dotted paths. A profile's
# `main` selector overrides the extractor's main content on its domain; the extractor finds the profile by the
# page's own domain (a saved file's canonical URL), so `scrapy clean` and a crawl agree.
SIEVE_SITES: list[str] = []
# The article decision (cleaners.document.article): this much paragraph text counts as much as two other signals
# (an h1, an article element, a date, an article-shaped URL); index pages are followed but not stored.
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
# A response's output (one article, the links it follows) goes through the pipelines this many at a time. Scrapy
# starts that many tasks for every response whatever it yields: its default of 100 cost the crawl's parent process
# 100 asyncio tasks a page for one item.
CONCURRENT_ITEMS = 8
DOWNLOAD_MAXSIZE = SIEVE_MAX_BYTES
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
# Scrapy 2.19 otherwise opens a local control server that can execute code.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
# One line at the end of a crawl: pages, articles, skipped, errors, spans by label (before Scrapy's stats dump).
EXTENSIONS = {"crawler.extensions.CrawlSummary": 500}
# Scale out: -s SIEVE_REDIS_URL=redis://host:6379/0 makes a crawl a worker of a shared Redis frontier
# (crawler/frontier/); without it the add-on does nothing. Extensions switched off (remote control, telnet) are
# not imported at all (crawler/addons.py): the remote control alone costs a crawl 0.25 s to import.
ADDONS = {"crawler.frontier.addon.FrontierAddon": 0, "crawler.addons.SkipDisabledExtensions": 0}
# Failed fetches are rows: every request gets the spider's `fetch_failed` errback (HTTP 4xx/5xx, timeouts, DNS,
# cut-offs), and responses that reach a callback are counted (crawler/fetching/failures.py).
SPIDER_MIDDLEWARES = {
    "crawler.fetching.failures.FetchOutcomes": 60,
    # Every request's URL without credentials, session ids or tracking parameters (crawler/fetching/hygiene.py).
    "crawler.fetching.hygiene.CanonicalRequests": 70,
}
# At most this many requests downloaded per site (robots.txt aside), for copies no parameter list catches; 0: no cap.
SIEVE_SITE_MAX_PAGES = 0
# Sitemap indexes nest and list sitemaps without end: sub-sitemaps are followed this many indexes deep, and this
# many in all per crawl (a seed sitemap is not counted); the rest are counted as sieve/sitemaps/over_limit.
SIEVE_SITEMAP_MAX_DEPTH = 3
SIEVE_SITEMAP_MAX_COUNT = 1000
# JOBDIR crawls resume after any stop, kill -9 included: the scheduler keeps a ledger of requests in JOBDIR and
# marks one done only once its pages are committed or spooled (crawler/jobstate/). Without JOBDIR, Scrapy's own.
# (It replaces Scrapy's default DUPEFILTER_CLASS itself: "seen" lives in the ledger, not requests.seen.)
SCHEDULER = "crawler.jobstate.scheduler.LedgerScheduler"
# robots.txt by RFC 9309: 5xx or unreachable disallows the host, 4xx allows it (crawler/fetching/robots.py).
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.fetching.robots.Rfc9309RobotsTxtMiddleware": 100,
    "crawler.fetching.hygiene.SitePageCap": 110,
}
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
FEED_EXPORT_FIELDS = ["url", *record_fields]
FEED_EXPORT_ENCODING = "utf-8"
# -O out.csv: lists and dicts (segments, errors, related_links, boilerplate) as JSON strings, not Python reprs.
FEED_EXPORTERS = {"csv": "crawler.exporters.CsvItemExporter"}

LOG_LEVEL = "INFO"
