#!/usr/bin/env python
"""Render a dev-set page as a reader sees it in a text browser (w3m), links numbered, for annotating the gold.

Usage::

    python benchmarks/gold/render.py DEVSET_DIR ID > page.txt

This is deliberately not Sieve: the gold is annotated from a neutral rendering of the page, never from Sieve's
output. The page's own URL is set as the base, so numbered links resolve as a browser resolves them.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import devsets  # noqa: E402


def render(page: devsets.DevPage, cols: int = 160) -> str:
    raw = page.bytes()
    base = f'<base href="{page.url}">'.encode()
    m = re.search(rb"<head[^>]*>", raw[:20000], re.I)
    raw = raw[: m.end()] + base + raw[m.end() :] if m else base + raw
    with tempfile.NamedTemporaryFile(suffix=".html") as f:
        f.write(raw)
        f.flush()
        out = subprocess.run(
            [
                "w3m",
                "-dump",
                "-T",
                "text/html",
                "-O",
                "UTF-8",
                "-o",
                "display_link_number=1",
                "-cols",
                str(cols),
                f.name,
            ],
            capture_output=True,
            timeout=60,
        )
    return out.stdout.decode("utf-8", errors="replace")


def main() -> int:
    folder, page_id = Path(sys.argv[1]), sys.argv[2]
    pages = {p.id: p for p in devsets.load(folder)}
    sys.stdout.write(render(pages[page_id]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
