"""A reliable, shared crawl frontier on Redis for many ``scrapy crawl`` workers (scrapy-redis extension points).

``-s SIEVE_REDIS_URL=redis://host:6379/0`` (:mod:`crawler.frontier.addon`) turns a crawl into a worker:

- :mod:`~crawler.frontier.queue`: scrapy-redis's ``SCHEDULER_QUEUE_CLASS``. A popped request is *leased* to
  the worker (kept in Redis under the worker's name), not deleted; a lease whose worker stops heart-beating is
  put back in the queue.
- :mod:`~crawler.frontier.dupefilter`: scrapy-redis's dupefilter, read-only; the queue adds a fingerprint in
  the same atomic step that queues the request, so a fingerprint is never "seen" for a request that is nowhere.
- :mod:`~crawler.frontier.leases`: which leases this worker still owes work for (a page not yet committed).
- :mod:`~crawler.frontier.worker`: the extension that releases leases once their pages are stored, heart-beats,
  requeues dead workers' leases, and decides when a worker may close.
- :mod:`~crawler.frontier.ratelimit`: per-site politeness held in Redis, shared by all workers.
- :mod:`~crawler.frontier.keys`: the Redis key names, worker names and request fingerprints they agree on.
"""
