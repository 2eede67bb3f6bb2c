"""``scrapy evaluate``: score the configured cleaner chain against expected JSON files, or against a second chain."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from scrapy.settings import Settings

from crawler.command import CommandError, SieveCommand, add_jobs_option, progress

if TYPE_CHECKING:
    from cleaners.evaluation.scoring import Case, PageScore


class Command(SieveCommand):
    def syntax(self) -> str:
        return "[options] PATH [PATH ...]   (pages with <name>.expected.json beside them; folders are searched)"

    def short_desc(self) -> str:
        return "Score the cleaner chain against expected JSON files (per-label P/R/F1, accuracies)"

    def long_desc(self) -> str:
        return (
            "For every page with an expected JSON: token P/R/F1 of the body, accuracy of source, P/R/F1 of "
            "related-link titles and the share of their published times that match, P/R/F1 of boilerplate "
            "lines, and per-character label agreement. Macro averages per site style (the folder under "
            "pages/) and over all pages; worst pages first. --min-f1 applies to every headline measure."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--min-f1", type=float, metavar="F", help="exit 1 when any measure's overall macro score is under F"
        )
        parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
        parser.add_argument(
            "--compare",
            action="append",
            default=[],
            metavar="CFG",
            help="a second chain: a JSON dict merged over CLEANERS "
            "(e.g. '{\"cleaners.builtin.RelatedLinksCleaner\": null}') or NAME=VALUE setting overrides; repeatable",
        )
        parser.add_argument("--worst", type=int, default=10, metavar="N", help="list the N worst pages (default 10)")
        add_jobs_option(parser)

    def _compare_settings(self, specs: list[str]) -> Settings:
        assert self.settings is not None
        settings = self.settings.copy()
        for spec in specs:
            if spec.lstrip().startswith("{"):
                try:
                    overrides = json.loads(spec)
                except json.JSONDecodeError as exc:
                    self.fail(f"--compare: not valid JSON ({exc}): {spec}")
                if not isinstance(overrides, dict):
                    self.fail("--compare: the JSON must be a dict of CLEANERS entries")
                cleaners = settings.getdict("CLEANERS")
                cleaners.update(overrides)
                settings.set("CLEANERS", cleaners, priority="cmdline")
            else:
                name, sep, value = spec.partition("=")
                if not sep or not name.strip():
                    self.fail(f"--compare: {spec!r} is neither a JSON dict nor NAME=VALUE")
                settings.set(name.strip(), value, priority="cmdline")
        return settings

    def _run(self, settings: Settings, cases: list[Case], label: str, jobs: int | None) -> list[PageScore]:
        try:
            chain, extractor = self.components(settings)
        except CommandError as exc:
            self.fail(f"{label}: {exc}")
        from cleaners.evaluation.scoring import FIELDS, PageScore
        from crawler.cleaning import Runner
        from crawler.pool import PoolError

        runner = Runner(settings, chain, extractor, jobs, len(cases))
        try:
            # First pass: site furniture is learned from every page of the run, grouped by site.
            runner.learn("learn_case", ((case,) for case in cases))
            scores: list[PageScore] = []
            with progress(len(cases), label) as bar:
                for case, value in zip(cases, runner.map("evaluate_case", ((case,) for case in cases)), strict=True):
                    if isinstance(value, PoolError):
                        value = PageScore(case, {k: 0.0 for k, _, _ in FIELDS}, str(value))
                    scores.append(value)
                    bar.update(1)
            return scores
        finally:
            runner.close()

    @staticmethod
    def _print(pages: list[PageScore], other: list[PageScore] | None, opts: argparse.Namespace) -> None:
        from cleaners.evaluation.scoring import as_json, compare_report, report

        if opts.json:
            out: dict[str, Any] = as_json(pages)
            if other is not None:
                out["compare"] = as_json(other)
            print(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            print(report(pages, worst=opts.worst))
            if other is not None:
                print(f"\n--compare {' '.join(opts.compare)}")
                print(compare_report(pages, other))
        sys.stdout.flush()

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            self.fail("give at least one page or folder with <name>.expected.json files")
        assert self.settings is not None
        # Imported here, not at the top: Scrapy imports every command module to start any command.
        from cleaners.evaluation.scoring import FIELDS, CaseError, below_floor, find_cases, macro

        try:
            cases = list(find_cases(args))
        except CaseError as exc:
            self.fail(str(exc))
        if not cases:
            self.fail(f"no page with a <name>.expected.json beside it under {' '.join(args)}")
        compare_settings = self._compare_settings(opts.compare) if opts.compare else None
        pages = self._run(self.settings, cases, "configured", opts.jobs)
        other = self._run(compare_settings, cases, "compare", opts.jobs) if compare_settings is not None else None

        try:
            self._print(pages, other, opts)
        except BrokenPipeError:  # the reader (head, less) went away; the gate below still decides the exit code
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

        failed = [p for p in pages if p.error]
        for p in failed:
            self.say(f"{p.case.page}: {p.error}")
        for p in pages:
            for line in p.cleaner_errors:
                self.say(f"{p.case.page}: {line}")
        if opts.min_f1 is not None:
            low = below_floor(macro(pages), opts.min_f1)  # the gate is on the configured chain only
            if low:
                overall, names = macro(pages), dict((k, h) for k, h, _ in FIELDS)
                details = ", ".join(
                    f"{names.get(k, k)} {overall[k]:.3f}" if k in overall and overall[k] is not None else k for k in low
                )
                self.say(f"under --min-f1 {opts.min_f1}: {details}")
                self.exitcode = 1
        if failed:
            self.exitcode = 1
