"""Sieve's own Scrapy signals.

Scrapy's ``item_scraped`` fires when an item has passed the item pipelines,
but the :class:`~crawler.pipelines.store.DatabasePipeline` only buffers it
there; the page is safe later, when its batch commits (or is spooled). Code
that must not act before that moment, such as the Redis frontier releasing
the lease of the request that produced the page, listens to
:data:`items_stored` instead.
"""

from __future__ import annotations

#: Sent by the DatabasePipeline after a batch is committed to the database or written to the spool, with
#: ``items`` (the batch: a list of plain dicts, each with the page's ``url``) and ``spooled`` (bool).
items_stored = object()
