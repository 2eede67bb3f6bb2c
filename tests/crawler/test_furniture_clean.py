"""`scrapy clean DIR` learns a site's furniture within the run (two passes), grouped by the pages' canonical host."""

from __future__ import annotations

import json

from tests.conftest import run_scrapy
from tests.crawler.furniture_site import FURNITURE, article_html


def write_site(folder, count: int) -> None:
    folder.mkdir()
    for n in range(1, count + 1):
        html, _ = article_html(n)
        canonical = f'<head><link rel="canonical" href="https://www.lakeside.example/news/{n}.html">'
        (folder / f"{n:02d}.html").write_bytes(html.replace(b"<head>", canonical.encode(), 1))


def bodies(proc) -> list[str]:
    assert proc.returncode == 0, proc.stderr.decode()
    return [json.loads(line)["body"] for line in proc.stdout.decode().splitlines()]


def test_a_folder_of_one_sites_pages_loses_its_furniture_and_one_page_alone_keeps_it(tmp_path):
    write_site(tmp_path / "site", 6)
    learned = bodies(run_scrapy("clean", str(tmp_path / "site")))
    assert len(learned) == 6 and not any(FURNITURE in body for body in learned)
    alone = bodies(run_scrapy("clean", str(tmp_path / "site" / "03.html")))
    assert FURNITURE in alone[0]
    # the same page's own text either way
    assert alone[0].replace(FURNITURE + "\n", "") == learned[2]
