"""Sieve's spiders: ``fixtures`` (local files), ``articles`` (generic news crawl) and site profiles."""
