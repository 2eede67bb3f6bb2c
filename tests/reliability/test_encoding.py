"""Case 5: a page declared UTF-8 but encoded windows-1256.

Before: stored as 1,470 U+FFFD with no error, and `raw_html` held the decoded text, not the fetched bytes,
so it could never be decoded again.
"""

from __future__ import annotations

import re
import zlib

from sqlalchemy import update

from storage.records import compress, content_hash
from storage.repository import pages
from tests.crawler.test_encodings import ARABIC, arabic_page
from tests.reliability.conftest import Rows, no_traceback, run
from tests.reliability.site import Route


def test_a_mislabelled_page_is_decoded_flagged_kept_and_reclean_can_decode_it_again(site, tmp_path, figures):
    body = arabic_page().encode("cp1256")
    site.set("/robots.txt", Route(b"", status=404))
    site.set("/ar.html", Route(body, content_type="text/html; charset=utf-8"))
    db, spool = f"sqlite:///{tmp_path / 'sieve.db'}", tmp_path / "spool"
    proc = run("crawl", "articles", "-a", f"start_urls={site.url('/ar.html')}", "-a", "depth=0", db=db, spool=spool)
    assert proc.returncode == 0, no_traceback(proc)[-3000:]
    rows = Rows(db)
    page = rows.pages()["/ar.html"]
    assert page.encoding == "cp1256" and ARABIC[0] in page.raw_text and "\ufffd" not in page.raw_text
    assert zlib.decompress(page.raw_bytes) == body, "the fetched bytes are kept"
    (note,) = [m for s, m in rows.errors("/ar.html") if s == "decode"]
    assert "charset utf-8 leaves" in note and "decoded as cp1256" in note

    # As the old decoder stored it: the declaration believed, the bytes kept. reclean decodes them again.
    garbled = body.decode("utf-8", "replace")
    with rows.engine.begin() as conn:
        conn.execute(
            update(pages).values(raw_html=compress(garbled), encoding="utf-8", content_hash=content_hash(garbled))
        )
    out = run("reclean", db=db, spool=spool)
    assert out.returncode == 0, out.stderr.decode()
    assert re.search(r"1 decoded again from their bytes", out.stdout.decode()), out.stdout.decode()
    page = rows.pages()["/ar.html"]
    rows.close()
    assert page.encoding == "cp1256" and ARABIC[0] in page.raw_text
    figures(
        "a page declared UTF-8 but encoded windows-1256",
        tried=1,
        survived=1,
        lost=0,
        note="decoded as cp1256 with a decode note; bytes kept; a stale decoding put right by `scrapy reclean`",
    )
