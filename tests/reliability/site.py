"""A local news site that fails on purpose: status codes, slow answers, huge bodies, dropped connections."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.crawler.news_site import PARAGRAPHS

HTML = "text/html; charset=utf-8"


@dataclass
class Route:
    """What one path answers. ``drop`` closes the connection without an answer (a server that died mid-request)."""

    body: bytes = b""
    status: int = 200
    content_type: str = HTML
    delay: float = 0.0
    drop: bool = False
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Site:
    routes: dict[str, Route] = field(default_factory=dict)
    #: Requests per path, for "fetched again" figures.
    hits: Counter[str] = field(default_factory=Counter)
    base: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def set(self, path: str, route: Route) -> None:
        with self.lock:
            self.routes[path] = route


def article(title: str, extra_head: str = "", extra_body: str = "") -> bytes:
    """An article page (JSON-LD NewsArticle, five paragraphs, a source line) that the crawl stores."""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>{title}</title>'
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{title}"}}</script>'
        f"{extra_head}</head><body><article><h1>{title}</h1>{body}{extra_body}<p>source: Example Wire</p>"
        "</article></body></html>"
    ).encode()


def index(title: str, links: list[str]) -> bytes:
    items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return (
        f'<!DOCTYPE html><html><head><title>{title}</title><meta property="og:type" content="website"></head>'
        f"<body><h1>{title}</h1><ul>{items}</ul></body></html>"
    ).encode()


def news_site(site: Site, articles: int, per_index: int = 20, delay: float = 0.0) -> list[str]:
    """``articles`` article pages behind a front page and index pages of ``per_index`` links; returns their paths."""
    paths = [f"/news/{i:04}.html" for i in range(articles)]
    indexes = [f"/section/{n}/" for n in range(0, articles, per_index)]
    site.set("/robots.txt", Route(b"User-agent: *\nAllow: /\n", content_type="text/plain"))
    site.set("/", Route(index("Front page", indexes)))
    for n, path in zip(range(0, articles, per_index), indexes, strict=True):
        site.set(path, Route(index(f"Section {n}", paths[n : n + per_index])))
    for i, path in enumerate(paths):
        site.set(path, Route(article(f"Story number {i}"), delay=delay))
    return paths


def serve(site: Site) -> ThreadingHTTPServer:
    """Serve ``site`` on a free port of 127.0.0.1 in a daemon thread; ``server.shutdown()`` stops it."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0]
            with site.lock:
                site.hits[path] += 1
                route = site.routes.get(path)
            if route is None:
                self.send_error(404)
                return
            if route.delay:
                time.sleep(route.delay)
            if route.drop:
                self.close_connection = True
                self.connection.close()
                return
            try:
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):  # the crawler gave up (timeout, size cut-off)
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
