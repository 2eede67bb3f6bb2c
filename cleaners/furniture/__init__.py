"""Site furniture: lines a site's template repeats on its pages, learned per site from the pages Sieve has seen."""

from cleaners.furniture.keys import line_key, normalise_line, page_lines, site_key
from cleaners.furniture.policy import Thresholds
from cleaners.furniture.stats import Evidence, MemorySiteStats, SiteStats

__all__ = [
    "Evidence",
    "MemorySiteStats",
    "SiteStats",
    "Thresholds",
    "line_key",
    "normalise_line",
    "page_lines",
    "site_key",
]
