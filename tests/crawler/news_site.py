"""A generated news site on 127.0.0.1 for end-to-end crawls: articles, index pages, sitemap, feed, robots.txt."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HTML = "text/html; charset=utf-8"
#: A page whose "content type" is this is a 302 redirect to its body.
REDIRECT = "redirect"

PARAGRAPHS = [
    "The city council voted on Tuesday to extend the tram line to the eastern suburbs, ending a dispute that had "
    "delayed the project for more than three years and divided residents of the old quarter.",
    "Engineers said construction would begin in the spring and take about two years, with temporary bus routes "
    "replacing the closed sections of the line while the new tracks are laid along the river road.",
    "Opponents had argued that the extension would raise rents near the new stations, while supporters said it would "
    "cut commuting times for tens of thousands of people who now drive into the centre every morning.",
    "The mayor said the first trams on the new section should run before the next municipal elections, although "
    "several council members warned that similar promises had been broken before.",
    "Shopkeepers on the river road, who will lose their parking spaces during the works, asked the council for "
    "compensation and said they would take the matter to court if the request was refused.",
]
COPYRIGHT = "<footer><p>All rights reserved to Example News 2024 ©</p></footer>"


def article_page(title: str, signal: str, links: str = "") -> bytes:
    """An article; ``signal`` is how it says so: jsonld, og, graph or none (then only its text length)."""
    head = {
        "jsonld": '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x"}</script>',
        "og": '<meta property="og:type" content="article">',
        "graph": '<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, {"@type": "Article"}]}</script>',
        "none": "",
    }[signal]
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>{head}</head><body>"
        f"<article><h1>{title}</h1>{body}<p>source: Example Wire</p></article>{links}{COPYRIGHT}</body></html>"
    ).encode()


def index_page(title: str, links: list[str], og: bool = True) -> bytes:
    items = "".join(f'<li><a href="{href}">Story {i}: a headline for the list</a></li>' for i, href in enumerate(links))
    meta = '<meta property="og:type" content="website">' if og else ""
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{meta}</head><body><h1>{title}</h1><ul>{items}</ul>"
        f"{COPYRIGHT}</body></html>"
    ).encode()


BRIEF_SENTENCES = [
    "The {port} port authority said on {day} that its northern breakwater would close for repairs next week.",
    "Small craft in {port} will be diverted to the southern channel for about {weeks} weeks while the work goes on.",
    "Harbour master {name} said the {port} repairs had been planned since the winter storms damaged the wall.",
    "Fishing cooperatives in {port} asked for the closure to be moved to the off season, but were refused.",
    "Ferry services from {port} will not be affected, and its marina will stay open throughout the works.",
    "The authority said it would publish a timetable for the {port} routes on its website by {day}.",
    "{count} local councillors welcomed the decision and asked {name} for regular updates on the repairs.",
    "Engineers expect {count}0 new concrete blocks to arrive by barge from the quarry at the end of the month.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
PORTS = ["Northport", "Eastham", "Kilbrook", "Saltmere", "Dunmore", "Westby"]
NAMES = ["Lina Haddad", "Omar Reyes", "Ada Quinn", "Tom Abara", "Mia Sorel", "Ivo Marek"]
#: Short wire briefs (100 to 150 words, no og:type, no JSON-LD) and two index pages, all in one sitemap.
BRIEFS = [f"/briefs/2024/05/0{i + 1}/breakwater-brief-number-{i + 1}" for i in range(6)]
BRIEF_INDEXES = ["/briefs/", "/tags/harbour/"]


def brief_page(n: int) -> bytes:
    """A 100-150 word brief in an ``<article>`` with an ``<h1>``: nothing declares it an article."""
    # Each brief's own port, people and numbers: the site's pages share no sentence (which a site-furniture
    # learner would rightly take for furniture), only the shape of one.
    values = {"day": DAYS[n], "port": PORTS[n], "name": NAMES[n], "weeks": n + 2, "count": n + 3}
    sentences = [s.format(**values) for s in BRIEF_SENTENCES[: 6 + n % 3]]
    paragraphs = "".join(f"<p>{' '.join(sentences[i : i + 2])}</p>" for i in range(0, len(sentences), 2))
    return (
        f"<!DOCTYPE html><html><head><title>Harbour brief {n}</title></head><body>"
        f"<nav><a href='/briefs/'>Briefs</a> <a href='/tags/harbour/'>Harbour</a></nav>"
        f"<article><h1>Breakwater to close for repairs ({n})</h1>{paragraphs}</article>{COPYRIGHT}</body></html>"
    ).encode()


#: Short briefs in a 2000s table layout: no <article>, no <h1>, no date; only a sitemap says they are content.
TABLE_BRIEFS = [f"/local/brief-2024050{i + 1}.html" for i in range(3)]


def table_brief(n: int) -> bytes:
    values = {"day": DAYS[n], "port": PORTS[n], "name": NAMES[n], "weeks": n + 2, "count": n + 3}
    sentences = [s.format(**values) for s in BRIEF_SENTENCES[:6]]
    paragraphs = "".join(f"<p>{' '.join(sentences[i : i + 3])}</p>" for i in range(0, 6, 3))
    return (
        f"<html><head><title>Local brief {n}</title></head><body><table><tr>"
        f"<td class='nav'><a href='/local/'>Local</a><br><a href='/sport/'>Sport</a></td>"
        f"<td><font size='4'><b>Breakwater to close ({PORTS[n]})</b></font>{paragraphs}</td>"
        f"</tr></table>{COPYRIGHT}</body></html>"
    ).encode()


def brief_index(title: str) -> bytes:
    """A section or tag front: a headline, then a teaser card per brief."""
    cards = "".join(
        f"<article><h2><a href='{path}'>Breakwater to close for repairs ({i})</a></h2>"
        f"<p>{BRIEF_SENTENCES[0].format(day='Monday', port=PORTS[i])}</p></article>"
        for i, path in enumerate(BRIEFS)
    )
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1>{cards}</body></html>".encode()
    )


#: Links no crawl may follow, planted in the front page.
HOSTILE_LINKS = [
    "file:///etc/passwd",
    "javascript:alert(1)",
    "mailto:desk@example.com",
    "data:text/html,<p>hi</p>",
    "http://elsewhere.invalid/news/9.html",
]


#: Sitemap and feed entries that each link to other articles of the site: following every entry's links multiplied a
#: sitemap crawl's requests (issue 11), so entries default to depth 0.
FAN_ENTRIES = 4
FAN_LINKS = 3


def fan_entries(kind: str) -> list[str]:
    """The entry paths of the ``sitemap`` or ``feed`` fan-out site."""
    return [f"/fan-{kind}/{i}.html" for i in range(FAN_ENTRIES)]


def fan_links(entry: str) -> list[str]:
    """The articles an entry links to."""
    return [entry.replace(".html", f"-{j}.html") for j in range(FAN_LINKS)]


def fan_pages(base: str) -> dict[str, tuple[str, bytes]]:
    pages: dict[str, tuple[str, bytes]] = {}
    for kind in ("sitemap", "feed"):
        for entry in fan_entries(kind):
            links = "".join(
                f'<li><a href="{path}">Related story {j}</a></li>' for j, path in enumerate(fan_links(entry))
            )
            pages[entry] = (HTML, article_page(f"Entry {entry}", "jsonld", f"<aside><ul>{links}</ul></aside>"))
            pages.update({path: (HTML, article_page(f"Linked {path}", "og")) for path in fan_links(entry)})
    urls = "".join(f"<url><loc>{base}{path}</loc></url>" for path in fan_entries("sitemap"))
    pages["/fan-sitemap.xml"] = (
        "application/xml",
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode(),
    )
    items = "".join(f"<item><title>{path}</title><link>{base}{path}</link></item>" for path in fan_entries("feed"))
    pages["/fan-feed.xml"] = (
        "application/rss+xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Fan</title>{items}</channel></rss>'.encode(),
    )
    return pages


@dataclass
class NewsSite:
    """Pages by path; every request's path is recorded in ``requested``."""

    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    requested: list[str] = field(default_factory=list)
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    def fetched(self, path: str) -> bool:
        return path in self.requested


def build_pages(base: str) -> dict[str, tuple[str, bytes]]:
    pages: dict[str, tuple[str, bytes]] = {
        "/robots.txt": ("text/plain", b"User-agent: *\nDisallow: /private/\n"),
        # the front page (depth 0): four articles, an index, a non-article, a disallowed article, a JSON file
        "/news/": (
            HTML,
            index_page(
                "Front page",
                [
                    "/news/1.html",
                    "/news/2.html",
                    "3.html",  # relative to /news/
                    f"{base}/news/4.html",
                    "/section/",
                    "/about.html",
                    "/private/secret.html",
                    "/data/feed.json",
                    "/go/elsewhere",
                    "/refresh.html",
                    *HOSTILE_LINKS,
                ],
            ),
        ),
        "/news/1.html": (HTML, article_page("Tram line extended", "jsonld")),
        "/news/2.html": (HTML, article_page("Council vote", "og")),
        "/news/3.html": (HTML, article_page("Engineers plan works", "graph")),
        "/news/4.html": (HTML, article_page("Mayor promises trams", "none")),
        # depth 1: an index without og:type, linking one level deeper
        "/section/": (HTML, index_page("City section", ["/news/deep.html"], og=False)),
        "/news/deep.html": (HTML, article_page("Two links away", "jsonld")),
        "/about.html": (HTML, b"<html><head><title>About</title></head><body><p>About us.</p></body></html>"),
        "/private/secret.html": (HTML, article_page("Disallowed by robots.txt", "jsonld")),
        "/data/feed.json": ("application/json", b'{"not": "html"}'),
        # a live page may try to send the crawler to a local file by redirect or meta refresh
        "/go/elsewhere": (REDIRECT, b"file:///etc/passwd"),
        "/refresh.html": (
            HTML,
            b'<html><head><meta http-equiv="refresh" content="0; url=file:///etc/passwd"></head><body>Moved</body></html>',
        ),
        # sitemap and feed entries (depth 0 each)
        "/sitemap.xml": (
            "application/xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{base}/news/sm1.html</loc></url><url><loc>{base}/news/sm2.html</loc></url>"
                f"<url><loc>{base}/private/sm3.html</loc></url><url><loc>file:///etc/passwd</loc></url>"
                "</urlset>"
            ).encode(),
        ),
        "/news/sm1.html": (HTML, article_page("Sitemap story one", "jsonld", '<a href="/news/1.html">More</a>')),
        "/news/sm2.html": (HTML, article_page("Sitemap story two", "og")),
        "/private/sm3.html": (HTML, article_page("Disallowed sitemap story", "og")),
        "/rss.xml": (
            "application/rss+xml",
            (
                '<?xml version="1.0"?><rss version="2.0"><channel><title>Example</title>'
                f"<item><title>One</title><link>{base}/news/rss1.html</link></item>"
                "<item><title>Two</title><link>/news/rss2.html</link></item>"
                "<item><title>Bad</title><link>javascript:alert(1)</link></item>"
                "</channel></rss>"
            ).encode(),
        ),
        "/atom.xml": (
            "application/atom+xml",
            (
                '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Example</title>'
                f'<entry><title>A</title><link rel="alternate" href="{base}/news/atom1.html"/></entry>'
                "</feed>"
            ).encode(),
        ),
        "/briefs-sitemap.xml": (
            "application/xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                + "".join(f"<url><loc>{base}{path}</loc></url>" for path in BRIEFS + BRIEF_INDEXES)
                + "</urlset>"
            ).encode(),
        ),
        **{path: (HTML, brief_page(i)) for i, path in enumerate(BRIEFS)},
        "/table-briefs-sitemap.xml": (
            "application/xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                + "".join(f"<url><loc>{base}{path}</loc></url>" for path in TABLE_BRIEFS)
                + "</urlset>"
            ).encode(),
        ),
        **{path: (HTML, table_brief(i)) for i, path in enumerate(TABLE_BRIEFS)},
        "/local/": (HTML, index_page("Local news", TABLE_BRIEFS)),
        "/briefs/": (HTML, brief_index("Harbour briefs")),
        "/tags/harbour/": (HTML, brief_index("Tag: harbour")),
        "/news/rss1.html": (HTML, article_page("Feed story one", "jsonld")),
        "/news/rss2.html": (HTML, article_page("Feed story two", "none")),
        "/news/atom1.html": (HTML, article_page("Atom story", "og")),
        **fan_pages(base),
    }
    return pages


def serve(site: NewsSite) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Serve ``site`` on a free port of 127.0.0.1 in a daemon thread."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0]
            site.requested.append(path)
            page = site.pages.get(path)
            if page is None:
                self.send_error(404)
                return
            content_type, body = page
            if content_type == REDIRECT:
                self.send_response(302)
                self.send_header("Location", body.decode())
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    site.pages.update(build_pages(site.base))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread
