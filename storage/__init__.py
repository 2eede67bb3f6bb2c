"""Sieve's SQL storage: models, migrations, batched upserts, the spool and re-cleaning.

- ``models``: SQLAlchemy 2 typed models (pages, page_versions, articles, segments, related_links, errors).
- ``db``: which database (DATABASE_URL / $SIEVE_DATABASE_URL) and an engine for it (SQLite in WAL mode).
- ``migrate``: the packaged Alembic configuration; ``upgrade`` runs on every first use.
- ``records``: an item turned into row values (canonical URL, content hash, output digest).
- ``repository``: one transaction per batch: new, changed (old version kept), unchanged pages.
- ``spool``: JSON Lines for items the database could not take; ``scrapy db import-spool`` loads them.
- ``reclean``: today's chain over stored pages, in chunks; ``summary``: what ``scrapy db summary`` prints.
"""
