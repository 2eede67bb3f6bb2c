"""``scrapy fixtures``: write or check each fixture page's ``<name>.expected.json`` from the current chain."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand

from cleaners.process import FIELDS
from crawler.commands.clean import clean_file
from crawler.components import load_chain, load_extractor, offline_crawler
from crawler.files import PAGE_SUFFIXES, find_pages

DEFAULT_PATH = "fixtures/pages"
EXPECTED_SUFFIX = ".expected.json"
#: The marker of a generated expected file. A file without it is a hand-made gold
#: annotation: ``--update`` never touches it and it is compared on its own fields.
GENERATED_BY = "scrapy fixtures"
#: Keys of an expected file that a review may add and ``--update`` keeps.
KEPT_KEYS = ("note",)


def expected_path(page: Path) -> Path:
    """``fixtures/pages/wire/a.html.gz`` -> ``fixtures/pages/wire/a.expected.json``."""
    name = page.name
    for suffix in sorted(PAGE_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return page.with_name(name + EXPECTED_SUFFIX)


def is_generated(expected: dict[str, Any]) -> bool:
    return expected.get("generated_by") == GENERATED_BY


def merged_segments(segments: list[dict[str, Any]], text: str) -> list[tuple[str, int, int]]:
    """Neighbouring same-label segments separated only by whitespace, merged.

    A gold file may give one span where the chain gives one per line or per
    link; merged they must agree exactly.
    """
    out: list[list[Any]] = []
    for seg in sorted(segments, key=lambda s: s["start"]):
        if out and out[-1][0] == seg["label"] and not text[out[-1][2] : seg["start"]].strip():
            out[-1][2] = seg["end"]
        else:
            out.append([seg["label"], seg["start"], seg["end"]])
    return [(label, start, end) for label, start, end in out]


def comparable(record: dict[str, Any], expected: dict[str, Any], raw_text: str | None) -> dict[str, Any]:
    """The part of ``record`` an expected file pins down.

    A generated file pins the whole output contract. A gold annotation pins
    what it gives: body, source, related links (title, published), boilerplate
    and its labelled spans merged across whitespace.
    """
    if is_generated(expected):
        return {k: record.get(k) for k in FIELDS}
    out: dict[str, Any] = {}
    for key in ("body", "source", "boilerplate"):
        if key in expected:
            out[key] = record.get(key)
    if "related_links" in expected:
        out["related_links"] = [{"title": r["title"], "published": r["published"]} for r in record["related_links"]]
    if "segments" in expected:
        out["segments"] = merged_segments(record["segments"], raw_text or "")
    if "errors" in expected:
        out["errors"] = record.get("errors")
    return out


def expected_view(expected: dict[str, Any], raw_text: str | None) -> dict[str, Any]:
    """The same view of an expected file, to compare with :func:`comparable`."""
    return comparable(expected, expected, raw_text)


def generated_file(record: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    """What ``--update`` writes: kept review keys, the marker, then the output contract."""
    kept = {k: old[k] for k in KEPT_KEYS if old and k in old}
    return {**kept, "generated_by": GENERATED_BY, **{k: record[k] for k in FIELDS}}


def dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return f"(--update | --check) [PATH ...]   (pages or folders; default {DEFAULT_PATH})"

    def short_desc(self) -> str:
        return "Write (--update) or diff (--check) fixture pages' expected JSON against the current chain"

    def long_desc(self) -> str:
        return (
            "Each fixture page fixtures/pages/<site-style>/<name>.{txt,html,html.gz} has <name>.expected.json "
            "beside it: what `scrapy clean` prints for the page, without `path`. --update writes it (keeping "
            "a `note`); review every line before committing, and fix the cleaner, not the file, where it is "
            f'wrong. Files without "generated_by": "{GENERATED_BY}" are hand-made gold annotations: '
            "never overwritten, checked on the fields they give."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--update", action="store_true", help="write <name>.expected.json for every page")
        mode.add_argument("--check", action="store_true", help="show differences; exit 1 if any (the default)")

    def _fail(self, message: str) -> None:
        """One line on stderr and exit status 2: the arguments name nothing to compare."""
        print(f"scrapy fixtures: {message}", file=sys.stderr)
        self.exitcode = 2

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        pages: list[Path] = []
        for arg in args or [DEFAULT_PATH]:
            path = Path(arg)
            if path.is_dir():
                pages.extend(find_pages(path))
            elif path.is_file():
                pages.append(path)
            else:
                return self._fail(f"no such file or directory: {arg}")
        if not pages:
            return self._fail(f"no pages (.txt, .html, .html.gz) under {' '.join(args or [DEFAULT_PATH])}")
        crawler = offline_crawler(self.settings)
        try:
            chain, extractor = load_chain(crawler), load_extractor(crawler)
        except ValueError as exc:
            return self._fail(str(exc))
        max_bytes = self.settings.getint("SIEVE_MAX_BYTES")
        differing = written = 0
        for page in pages:
            exp_path = expected_path(page)
            old = json.loads(exp_path.read_text(encoding="utf-8")) if exp_path.exists() else None
            cleaned = clean_file(str(page), page.read_bytes(), chain, extractor, max_bytes)
            if opts.update:
                if old is not None and not is_generated(old):
                    print(f"kept      {exp_path} (gold annotation: not generated, never overwritten)")
                    continue
                new = dump(generated_file(cleaned.record, old))
                if old is None or dump(old) != new:
                    exp_path.write_text(new, encoding="utf-8")
                    written += 1
                    print(f"{'new' if old is None else 'updated':9} {exp_path}")
                continue
            if old is None:
                differing += 1
                print(f"missing   {exp_path} (run: scrapy fixtures --update {page})")
                continue
            want = dump(expected_view(old, cleaned.raw_text))
            got = dump(comparable(cleaned.record, old, cleaned.raw_text))
            if want != got:
                differing += 1
                print(f"differs   {exp_path}")
                sys.stdout.writelines(
                    difflib.unified_diff(
                        want.splitlines(True), got.splitlines(True), f"{exp_path} (expected)", f"{page} (now)", n=2
                    )
                )
        if opts.update:
            print(f"{written} expected file(s) written; review them line by line before committing")
        elif differing:
            print(f"{differing} of {len(pages)} page(s) differ from their expected files", file=sys.stderr)
            self.exitcode = 1
        else:
            print(f"{len(pages)} page(s) match their expected files")
