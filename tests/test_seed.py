"""The page Sieve was born from must come out exactly as its gold annotation. Never weaken this."""

from __future__ import annotations

import json

from cleaners.page import Page
from tests.conftest import SEED_TXT, run_scrapy


def merged(segments: list[dict], text: str) -> list[tuple[str, int, int]]:
    """Merge neighbouring same-label segments separated only by whitespace."""
    out: list[list] = []
    for seg in sorted(segments, key=lambda s: s["start"]):
        if out and out[-1][0] == seg["label"] and not text[out[-1][2] : seg["start"]].strip():
            out[-1][2] = seg["end"]
        else:
            out.append([seg["label"], seg["start"], seg["end"]])
    return [tuple(x) for x in out]


def check_against_gold(got: dict, gold: dict, text: str) -> None:
    assert got["body"] == gold["body"]
    assert got["source"] == gold["source"] == "Alarabiya"
    assert [(link["title"], link["published"]) for link in got["related_links"]] == [
        (link["title"], link["published"]) for link in gold["related_links"]
    ]
    assert len(got["related_links"]) == 5
    assert got["boilerplate"] == gold["boilerplate"]
    assert len(got["boilerplate"]) == 4
    assert merged(got["segments"], text) == merged(gold["segments"], text)
    assert merged(got["segments"], text) == [
        ("body", 0, 3006),
        ("source", 3007, 3024),
        ("related", 3025, 3489),
        ("boilerplate", 3489, 3696),
    ]
    assert got["errors"] == []


def test_seed_through_the_chain(chain, seed_text, seed_gold):
    got = chain.run(Page(seed_text)).to_dict()
    check_against_gold(got, seed_gold, seed_text)


def test_seed_through_scrapy_clean(seed_text, seed_gold):
    proc = run_scrapy("clean", str(SEED_TXT))
    assert proc.returncode == 0, proc.stderr.decode()
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 1
    got = json.loads(lines[0])
    assert got["path"] == str(SEED_TXT)
    check_against_gold(got, seed_gold, seed_text)


def test_seed_segments_rebuild_the_raw_text(chain, seed_text):
    segments = chain.run(Page(seed_text)).to_dict()["segments"]
    rebuilt = list(" " * len(seed_text))
    for seg in segments:
        rebuilt[seg["start"] : seg["end"]] = seed_text[seg["start"] : seg["end"]]
    gaps = "".join(c for i, c in enumerate(seed_text) if rebuilt[i] != c)
    assert not gaps.strip(), "text outside the segments must be whitespace"
