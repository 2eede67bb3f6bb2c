"""``scrapy fixtures``: write or check each fixture page's ``<name>.expected.json`` from the current chain."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

from cleaners.document.errors import InputError
from cleaners.document.files import expand_paths, expected_path
from cleaners.evaluation.expected import (
    GENERATED_BY,
    comparable,
    dump,
    expected_view,
    generated_file,
    is_generated,
)
from cleaners.process import clean_file
from crawler.command import SieveCommand

DEFAULT_PATH = "fixtures/pages"


class Command(SieveCommand):
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

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            pages = [Path(p) for p in expand_paths(args or [DEFAULT_PATH], stdin=False)]
        except InputError as exc:
            self.fail(str(exc))
        chain, extractor = self.components()
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
