"""A local news site that logs every request (path, user agent, start and end time) for the frontier tests.

One index page links ``n`` articles. Responses can be slowed down, the index can be held back until the
test opens a gate (so that every worker is running before the crawl really starts), and articles after the
first few can be held until the test lets them go. The server counts the
requests it is answering at once, which is what a per-site concurrency limit is about.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.crawler.news_site import HTML, article_page, index_page


@dataclass
class Hit:
    path: str
    agent: str
    start: float  # time.monotonic() when the request arrived
    end: float = 0.0


@dataclass
class LoggingSite:
    articles: int
    delay: float = 0.0
    base: str = ""
    hits: list[Hit] = field(default_factory=list)
    gate: threading.Event = field(default_factory=threading.Event)
    #: Article requests after the first ``hold_after`` wait for ``hold`` to be set (None: no holding).
    hold_after: int | None = None
    hold: threading.Event = field(default_factory=threading.Event)
    in_flight: int = 0
    max_in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def article_paths(self) -> list[str]:
        return [f"/a/{i}.html" for i in range(self.articles)]

    def page(self, path: str) -> tuple[int, str, bytes]:
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nAllow: /\n"
        if path == "/index.html":
            return 200, HTML, index_page("Latest news", self.article_paths())
        if path in set(self.article_paths()):
            return 200, HTML, article_page(f"Story {path}", "jsonld")
        return 404, "text/plain", b"not found"

    def fetch_counts(self, prefix: str = "/a/") -> Counter[str]:
        return Counter(h.path for h in self.hits if h.path.startswith(prefix))

    def fetched_by(self, agent: str, prefix: str = "/a/") -> set[str]:
        return {h.path for h in self.hits if h.agent == agent and h.path.startswith(prefix)}

    def url(self, path: str) -> str:
        return self.base + path


def serve(site: LoggingSite, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Serve ``site`` on a free port of ``host`` in a daemon thread; ``server.shutdown()`` stops it."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0]
            hit = Hit(path, self.headers.get("User-Agent", ""), time.monotonic())
            with site._lock:
                site.hits.append(hit)
                site.in_flight += 1
                site.max_in_flight = max(site.max_in_flight, site.in_flight)
            try:
                if path == "/index.html":
                    site.gate.wait(timeout=120)
                if site.hold_after is not None and path.startswith("/a/"):
                    with site._lock:
                        held = len(site.fetch_counts()) > site.hold_after
                    if held:
                        site.hold.wait(timeout=120)
                if path != "/robots.txt" and site.delay:
                    time.sleep(site.delay)
                status, content_type, body = site.page(path)
            finally:
                # Counted out before answering: the client cannot start its next request before this point.
                with site._lock:
                    site.in_flight -= 1
                    hit.end = time.monotonic()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    site.base = f"http://{host}:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
