"""Crash-safe JOBDIR crawls: a ledger of requests that marks one done only once its pages are safe.

Scrapy's JOBDIR keeps the pending requests (``requests.queue``) and the
fingerprints of every request seen (``requests.seen``), but the queue's state
is written only when the spider closes, and a request is "seen" the moment it
is scheduled. After ``kill -9`` the rerun finds the start URL seen and no
queue: it fetches nothing and exits 0 (issue 9, case 1: 108 of 200 pages
lost). A page whose batch had not been written yet is lost too: its URL is
seen, so nothing fetches it again (case 8).

The fix keeps one record per scheduled request in a SQLite file in JOBDIR
(:mod:`crawler.jobstate.ledger`), written by the scheduler
(:mod:`crawler.jobstate.scheduler`):

- a request is added when it is scheduled (its fingerprint and the request
  itself, as Scrapy's disk queues serialise it);
- it is marked done only at a checkpoint: after the ``DatabasePipeline``
  has committed or spooled everything it was handed (the ``items_stored``
  signal), for every request the engine has finished with by then. A
  finished request's items have all passed the item pipelines, so they were
  in that flush or an earlier one; its links, redirects and retries were
  scheduled, so they are in the ledger themselves. Additions and done marks
  are committed together, in one SQLite transaction per checkpoint;
- on start, the ledger is the only state: Scrapy's own queue is rebuilt from
  the requests not done, and "seen" is every request the ledger holds.

So after any stop, Ctrl-C or ``kill -9``, the same command re-fetches exactly
the requests whose results might not be stored, and nothing else. Storage
is idempotent (upserts by URL; an unchanged page only moves
``last_fetched``; a repeated fetch failure adds no error row), so a page
fetched twice is stored once: at-least-once fetching, exactly-once rows.

Why a ledger rather than flushing Scrapy's disk queues: a queue, however
durable, says what is left to fetch, not what has been stored; the requests
in flight at the kill and the pages in the unwritten batch are in neither
the queue nor the database. Why SQLite: it is atomic across a kill (a torn
write is rolled back, never half-read), needs no compaction code, and is
already how Sieve stores things. It survives the process dying; like the
database with ``synchronous=NORMAL``, not necessarily the machine losing power.
"""
