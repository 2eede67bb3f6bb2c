"""The newsletter cleaner, tested with the plugin kit: alone, in the default chain, installed, from the shell.

The fixtures ``sieve_page``, ``sieve_chain`` and ``sieve_scrapy`` come from
Sieve's pytest plugin (the ``pytest11`` entry point of ``sieve-news``): no
conftest.py needed.
"""

from __future__ import annotations

import json

from cleaners.testing import assert_claims, assert_entry_point, claims

from sieve_newsletter import NewsletterCleaner

STORY = "Harbour ferry fares will rise by 15 percent in July, the port authority said on Tuesday."
BOX = [
    "The Morning Brief newsletter",
    "Get the day's top stories in your inbox every morning.",
    "Enter your email address",
    "Sign up",
    "By signing up you agree to our Privacy Policy. You can unsubscribe at any time.",
]
REST = [
    "The authority said fuel costs had doubled since the last increase in 2019.",
    "Commuters' groups said they would ask the council to block the rise.",
]
COPYRIGHT = "© 2024 Harbour Gazette. All rights reserved."
TEXT = "\n".join([STORY, *BOX, *REST, COPYRIGHT])

HTML = f"""<!DOCTYPE html><html lang="en"><head><title>Harbour ferry fares to rise</title>
<link rel="canonical" href="https://harbourgazette.example/news/2024/ferry-fares"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Harbour ferry fares to rise</h1>
<p>{STORY} The rise is the first since 2019.</p>
<aside class="newsletter"><h3>The Morning Brief newsletter</h3>
<p>Get the day's top stories in your inbox every morning.</p>
<form><label for="e">Email address</label><input id="e" type="email"><button>Sign up</button></form>
<p><small>By signing up you agree to our Privacy Policy. You can unsubscribe at any time.</small></p></aside>
<p>The authority said fuel costs had doubled since 2019 and that the increase would pay for two new boats.</p>
<p>Commuters' groups said they would ask the council to block the rise when it meets next month.</p>
</article><footer><p>{COPYRIGHT}</p></footer></body></html>"""


def test_alone_it_claims_the_whole_box_as_one_newsletter_span():
    # Run alone, the cleaner claims the box and nothing else; the copyright line stays body.
    result = assert_claims(
        NewsletterCleaner(), TEXT, {"newsletter": ["\n".join(BOX)], "body": [STORY, "\n".join([*REST, COPYRIGHT])]}
    )
    [segment] = [s for s in result.segments if s["label"] == "newsletter"]
    assert (segment["reason"], segment["data"]) == ("newsletter.box", {"lines": 5})


def test_prose_about_a_newsletter_is_left_alone():
    prose = [
        "The council's newsletter said on Monday that the ferry timetable would change in June.",
        "Residents can read it online or at the library.",
    ]
    # A title alone (no sign-up line under it) is not a box.
    headline = ["Weekly digest", "The harbour master retired after forty years on the water."]
    for lines in (prose, headline):
        assert claims(NewsletterCleaner, "\n".join(lines)) == {"body": ["\n".join(lines).replace("\n", " ")]}


def test_the_box_ends_where_the_sign_up_lines_end():
    # A footer link list under a box is not part of it, although it names the privacy policy.
    text = "Sign up for our morning newsletter\nSubscribe\nAbout us · Contact · Privacy policy"
    assert_claims(NewsletterCleaner(), text, {"newsletter": ["Sign up for our morning newsletter\nSubscribe"]})


def test_in_the_default_chain_by_entry_point_name_it_claims_before_promo(sieve_chain):
    # {"newsletter": 450}: the entry-point name, as in -s CLEANERS. Order 450 runs before PromoCleaner (500),
    # which would otherwise claim the title, pitch and button as boilerplate and leave the rest in the body.
    chain = sieve_chain({"newsletter": 450})
    result = chain.assert_claims(TEXT, {"newsletter": ["\n".join(BOX)], "boilerplate": [COPYRIGHT]})
    assert result.body == "\n".join([STORY, *REST])
    assert [s["cleaner"] for s in result.segments if s["label"] == "newsletter"] == ["newsletter"]
    # Without the plugin, two lines of the box stay in the body: what this plugin exists for.
    assert "Enter your email address" in sieve_chain().clean(TEXT).body


def test_on_an_html_page_find_sees_the_box_lines(sieve_page):
    page = sieve_page(HTML)
    assert page.domain == "harbourgazette.example"  # from the page's canonical link
    spans = list(NewsletterCleaner().find(page))
    assert [page.text[s.start : s.end].splitlines() for s in spans] == [
        ["The Morning Brief newsletter", "Get the day's top stories in your inbox every morning.", "Email address"]
        + ["Sign up", "By signing up you agree to our Privacy Policy. You can unsubscribe at any time."]
    ]


def test_the_entry_point_is_installed_and_valid():
    assert assert_entry_point("newsletter", NewsletterCleaner) is NewsletterCleaner


def test_scrapy_clean_runs_it_by_name_from_an_empty_directory(sieve_scrapy, tmp_path):
    page = tmp_path / "ferry.html"
    page.write_text(HTML, encoding="utf-8")
    proc = sieve_scrapy("clean", "-s", 'CLEANERS={"newsletter": 450}', page.name)
    assert proc.returncode == 0, proc.stderr.decode()
    record = json.loads(proc.stdout)
    [segment] = [s for s in record["segments"] if s["label"] == "newsletter"]
    assert segment["cleaner"] == "newsletter"
    assert "Email address" not in record["body"]


def test_scrapy_cleaners_lists_it_installed_then_enabled_by_name(sieve_scrapy):
    proc = sieve_scrapy("cleaners")
    assert proc.returncode == 0, proc.stderr.decode()
    installed = proc.stdout.decode().split("Installed", 1)[1]
    assert "  sieve_newsletter.cleaner.NewsletterCleaner  (not in CLEANERS (entry point 'newsletter'))" in installed
    proc = sieve_scrapy("cleaners", "-s", 'CLEANERS={"newsletter": 450}')
    assert proc.returncode == 0, proc.stderr.decode()
    enabled, installed = proc.stdout.decode().split("Installed", 1)
    assert "  450  newsletter  [newsletter] v1  (all sites)" in enabled
    assert "  newsletter  (enabled)" in installed and "NewsletterCleaner" not in installed  # one cleaner, one row
