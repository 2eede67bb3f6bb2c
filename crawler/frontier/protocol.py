"""The frontier's Redis side: every state change is one Lua script, so a worker dying between two calls loses nothing.

The states of a request and the one atomic step between each pair:

- *queued*: a member of the ``pending`` sorted set. ``push`` adds the fingerprint to the dupefilter set and the
  request to ``pending`` together, or neither (a fingerprint is never "seen" for a request that is nowhere).
- *leased*: ``pop`` moves the request from ``pending`` into the worker's ``leases`` hash (with its score, so it
  can go back to the same place) and moves the worker's heartbeat deadline.
- *done*: ``release`` deletes the lease once the worker has stored the request's pages (or it had none).
- back to *queued*: ``requeue`` (a worker closing with work it did not finish) and the reaper in ``heartbeat``
  (a worker past its heartbeat deadline, i.e. a dead one) move leases back into ``pending``.

Workers are a sorted set of heartbeat deadlines (Redis server time, so the workers' clocks do not matter):
finding the dead is a range query, whatever the number of workers.

Scores order by priority, then first in, first out: ``-priority * 1e10 + n`` with ``n`` from a counter. The
scripts name keys derived from the queue key at run time, so they need one Redis server (not Redis Cluster).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crawler.frontier.keys import FrontierKeys

logger = logging.getLogger(__name__)

#: Lease ids per script call (Lua's unpack() has a limit of a few thousand values).
CHUNK = 1000

PUSH = """
-- KEYS: pending, dupefilter, seq; ARGV: fingerprint, priority, request, dont_filter (0/1)
if ARGV[4] == '0' and redis.call('SADD', KEYS[2], ARGV[1]) == 0 then
  return 0
end
local n = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[1], string.format('%.0f', -tonumber(ARGV[2]) * 1e10 + n), ARGV[3])
return 1
"""

POP = """
-- KEYS: pending, leases of this worker, seq, workers, stats; ARGV: worker, lease ms
local got = redis.call('ZPOPMIN', KEYS[1])
if #got == 0 then
  return false
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], id, got[2] .. '\\n' .. got[1])
redis.call('ZADD', KEYS[4], string.format('%.0f', now + tonumber(ARGV[2])), ARGV[1])
redis.call('HINCRBY', KEYS[5], 'leased', 1)
return {tostring(id), got[1]}
"""

RELEASE = """
-- KEYS: leases of one worker, stats; ARGV: lease ids
local n = redis.call('HDEL', KEYS[1], unpack(ARGV))
if n > 0 then
  redis.call('HINCRBY', KEYS[2], 'released', n)
end
return n
"""

REQUEUE = """
-- KEYS: pending, leases of one worker, stats; ARGV: lease ids (none: all of them)
local moved = 0
local function back(v)
  local nl = string.find(v, '\\n', 1, true)
  redis.call('ZADD', KEYS[1], string.sub(v, 1, nl - 1), string.sub(v, nl + 1))
  moved = moved + 1
end
if #ARGV == 0 then
  for _, v in ipairs(redis.call('HVALS', KEYS[2])) do back(v) end
  redis.call('DEL', KEYS[2])
else
  for _, id in ipairs(ARGV) do
    local v = redis.call('HGET', KEYS[2], id)
    if v then
      back(v)
      redis.call('HDEL', KEYS[2], id)
    end
  end
end
if moved > 0 then
  redis.call('HINCRBY', KEYS[3], 'requeued', moved)
end
return moved
"""

HEARTBEAT = """
-- KEYS: workers, pending, stats, stop; ARGV: key base, worker ('' = only look), lease ms, census (0/1),
-- info field/value pairs... Moves the worker's deadline, requeues the leases of every worker past its deadline,
-- and returns {server ms, queued, requeued now, stop ms, this worker's start ms, {dead}, {census}, workers,
-- 1 if the worker was not registered}; the census (only when asked) is {worker, leases, {info...}} per live worker.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local base, me = ARGV[1], ARGV[2]
local started, joined = '0', 0
if me ~= '' then
  local info = base .. ':worker:' .. me
  joined = redis.call('ZADD', KEYS[1], string.format('%.0f', now + tonumber(ARGV[3])), me)
  if #ARGV > 4 then
    redis.call('HSET', info, unpack(ARGV, 5))
  end
  redis.call('HSET', info, 'beat', now)
  redis.call('HSETNX', info, 'started', now)
  redis.call('PEXPIRE', info, 86400000)
  started = redis.call('HGET', info, 'started')
end
local requeued, dead, live = 0, {}, {}
for _, w in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
  local leases = base .. ':leases:' .. w
  for _, v in ipairs(redis.call('HVALS', leases)) do
    local nl = string.find(v, '\\n', 1, true)
    redis.call('ZADD', KEYS[2], string.sub(v, 1, nl - 1), string.sub(v, nl + 1))
    requeued = requeued + 1
  end
  redis.call('DEL', leases, base .. ':worker:' .. w)
  redis.call('ZREM', KEYS[1], w)
  table.insert(dead, w)
end
if requeued > 0 then
  redis.call('HINCRBY', KEYS[3], 'requeued', requeued)
end
if ARGV[4] == '1' then
  for _, w in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    table.insert(live, {w, redis.call('HLEN', base .. ':leases:' .. w), redis.call('HGETALL', base .. ':worker:' .. w)})
  end
end
local stop = redis.call('GET', KEYS[4]) or '0'
return {now, redis.call('ZCARD', KEYS[2]), requeued, stop, started, dead, live, redis.call('ZCARD', KEYS[1]), joined}
"""


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass
class WorkerState:
    """A live worker as the last heartbeat census saw it."""

    name: str
    leases: int
    info: dict[str, str] = field(default_factory=dict)

    @property
    def in_progress(self) -> int:
        """Leased requests the worker is still fetching or parsing (the rest only wait for a database commit)."""
        return int(self.info.get("inprogress", "0") or 0)


@dataclass
class Census:
    """What one heartbeat script saw: the queue, the live workers, and what it requeued from dead ones."""

    server_ms: int
    queued: int
    requeued: int
    stop_ms: int
    started_ms: int
    dead: list[str]
    #: Live workers, when the census was asked for (else empty).
    workers: list[WorkerState]
    live: int = 0
    #: The beating worker was not registered: its first beat, or it had been taken for dead.
    joined: bool = False

    @property
    def leased(self) -> int:
        return sum(w.leases for w in self.workers)

    def busy_elsewhere(self, me: str) -> bool:
        """Work exists that could still produce requests: queued, just requeued, or being fetched by another worker."""
        return self.queued > 0 or self.requeued > 0 or any(w.in_progress for w in self.workers if w.name != me)


class Frontier:
    """One crawl's frontier in Redis (see the module docstring for the states and the scripts)."""

    def __init__(self, server: Any, keys: FrontierKeys) -> None:
        self.server = server
        self.keys = keys
        self._push = server.register_script(PUSH)
        self._pop = server.register_script(POP)
        self._release = server.register_script(RELEASE)
        self._requeue = server.register_script(REQUEUE)
        self._heartbeat = server.register_script(HEARTBEAT)

    # -- requests -----------------------------------------------------------------------------------
    def push(self, fingerprint: str, priority: int, data: bytes, dont_filter: bool = False) -> bool:
        """Queue ``data`` unless its fingerprint was seen (``dont_filter`` skips that check); True if queued."""
        k = self.keys
        return bool(
            self._push(keys=[k.pending, k.dupefilter, k.seq], args=[fingerprint, priority, data, int(dont_filter)])
        )

    def pop(self, worker: str, lease_ms: int) -> tuple[str, bytes] | None:
        """The next request, leased to ``worker``: ``(lease id, data)``, or None when the queue is empty."""
        k = self.keys
        got = self._pop(keys=[k.pending, k.leases(worker), k.seq, k.workers, k.stats], args=[worker, lease_ms])
        if not got:
            return None
        return _text(got[0]), got[1]

    def release(self, worker: str, lease_ids: Iterable[str]) -> int:
        """Delete finished leases; returns how many still existed (a reaper may have requeued some)."""
        ids = list(lease_ids)
        keys = [self.keys.leases(worker), self.keys.stats]
        return sum(int(self._release(keys=keys, args=ids[i : i + CHUNK])) for i in range(0, len(ids), CHUNK))

    def requeue(self, worker: str, lease_ids: Iterable[str] | None = None) -> int:
        """Put leases back in the queue (all of the worker's when ``lease_ids`` is None); returns how many."""
        keys = [self.keys.pending, self.keys.leases(worker), self.keys.stats]
        if lease_ids is None:
            return int(self._requeue(keys=keys, args=[]))
        ids = list(lease_ids)
        return sum(int(self._requeue(keys=keys, args=ids[i : i + CHUNK])) for i in range(0, len(ids), CHUNK))

    def leased_requests(self, worker: str) -> dict[str, bytes]:
        """The worker's leases: lease id -> request data (for inspection and tests)."""
        raw = self.server.hgetall(self.keys.leases(worker))
        return {_text(lid): value.split(b"\n", 1)[1] for lid, value in raw.items()}

    # -- workers ------------------------------------------------------------------------------------
    def heartbeat(
        self, worker: str = "", lease_ms: int = 0, info: Mapping[str, object] | None = None, census: bool = True
    ) -> Census:
        """Beat for ``worker`` (none: only look), requeue dead workers' leases, and count (``census``: per worker)."""
        k = self.keys
        args: list[object] = [k.base, worker, lease_ms, int(census)]
        for name, value in (info or {}).items():
            args += [name, value]
        now, queued, requeued, stop, started, dead, live, n_workers, joined = self._heartbeat(
            keys=[k.workers, k.pending, k.stats, k.stop], args=args
        )
        workers = []
        for name, leases, flat in live:
            pairs = [_text(x) for x in flat]
            workers.append(WorkerState(_text(name), int(leases), dict(zip(pairs[::2], pairs[1::2], strict=True))))
        dead_names = [_text(d) for d in dead]
        if dead_names:
            logger.warning(
                "Worker(s) %s stopped heart-beating; %d of their leased requests are queued again",
                ", ".join(dead_names),
                requeued,
            )
        return Census(
            int(now),
            int(queued),
            int(requeued),
            int(_text(stop)),
            int(_text(started)),
            dead_names,
            sorted(workers, key=lambda w: w.name),
            int(n_workers),
            bool(joined),
        )

    def is_alive(self, worker: str) -> bool:
        deadline = self.server.zscore(self.keys.workers, worker)
        seconds, micros = self.server.time()
        return deadline is not None and deadline > int(seconds) * 1000 + int(micros) // 1000

    def leave(self, worker: str) -> int:
        """A worker closing: its remaining leases go back to the queue and it leaves the census."""
        moved = self.requeue(worker)
        self.server.zrem(self.keys.workers, worker)
        self.server.delete(self.keys.info(worker))
        return moved

    def request_stop(self) -> int:
        """Ask every worker running now to finish its in-flight requests and close; returns the server time (ms)."""
        seconds, micros = self.server.time()
        now = int(seconds) * 1000 + int(micros) // 1000
        self.server.set(self.keys.stop, now, ex=86400)
        return now

    # -- counts -------------------------------------------------------------------------------------
    def queued(self) -> int:
        return int(self.server.zcard(self.keys.pending))

    def seen(self) -> int:
        return int(self.server.scard(self.keys.dupefilter))

    def counters(self) -> dict[str, int]:
        return {_text(k): int(v) for k, v in self.server.hgetall(self.keys.stats).items()}

    def reset(self) -> int:
        """Delete the whole crawl (queue, leases, workers, dupefilter); returns the number of keys deleted."""
        names = [self.keys.pending, self.keys.dupefilter]
        names += [_text(n) for n in self.server.scan_iter(match=f"{self.keys.base}:*", count=1000)]
        return int(self.server.delete(*names)) if names else 0
