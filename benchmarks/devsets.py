"""The real-page development sets (AEB, NAEB, WCXB-dev): loading, sites, and the fixed tune/report split."""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleaners.urls import site_of  # noqa: E402

#: The sets a benchmark can read; each is a folder passed on the command line, never a default path.
KINDS = ("aeb", "naeb", "wcxb")


@dataclass
class DevPage:
    set: str
    id: str
    url: str
    site: str
    truth: str  # the annotated main content / article body
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    path: Path | None = None

    def html(self) -> str:
        """The page's bytes decoded the way a saved file is (Sieve's own decoder, not a guess of ours)."""
        return read_html(self.path) if self.path else ""

    def bytes(self) -> bytes:
        return gzip.decompress(self.path.read_bytes()) if self.path else b""


def read_html(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")


def site_of_url(url: str) -> str:
    """The registrable domain (``blogs.berkeley.edu`` -> ``berkeley.edu``), the unit of the split."""
    return site_of(url)


def half_of(site: str) -> str:
    """``tune`` or ``report``, from a hash of the site alone, so both halves are fixed before anyone looks.

    The same rule as ``aeb.py``'s halves, used since the AEB cleaners were tuned, so AEB's held-out half stays
    held out.
    """
    return "tune" if hashlib.sha1(site.encode()).digest()[0] % 2 == 0 else "report"


def kind_of(folder: Path) -> str:
    if (folder / "ground-truth").is_dir():
        return "wcxb"
    truth = folder / "ground-truth.json"
    if not truth.is_file():
        raise SystemExit(f"{folder}: not a dev set (no ground-truth.json or ground-truth/)")
    first = next(iter(json.loads(truth.read_text(encoding="utf-8")).values()), {})
    return "naeb" if "site" in first else "aeb"


def load(folder: Path, kind: str | None = None) -> list[DevPage]:
    """Every page of one dev set, sorted by id; a missing file is a one-line error."""
    folder = Path(folder)
    kind = kind or kind_of(folder)
    pages: list[DevPage] = []
    if kind == "wcxb":
        for gt in sorted((folder / "ground-truth").glob("*.json")):
            data = json.loads(gt.read_text(encoding="utf-8"))
            url = data.get("url") or ""
            truth = (data.get("ground_truth") or {}).get("main_content") or ""
            pages.append(
                DevPage("wcxb", gt.stem, url, site_of_url(url), truth, data, folder / "html" / f"{gt.stem}.html.gz")
            )
    else:
        truth_map = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
        for doc_id in sorted(truth_map):
            data = truth_map[doc_id]
            url = data.get("url") or ""
            site = site_of_url(data.get("site") or url)
            pages.append(
                DevPage(
                    kind, doc_id, url, site, data.get("articleBody") or "", data, folder / "html" / f"{doc_id}.html.gz"
                )
            )
    for page in pages:
        if page.path is not None and not page.path.is_file():
            raise SystemExit(f"{page.path} is missing; re-copy the dev set's html/ folder")
    return pages
