"""Quality measures for cleaned output: token overlap, set overlap, label agreement, shingle scores.

Pure functions on strings and lists, kept apart from the commands that print
them so each can be checked on examples small enough to work out by hand.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_TOKEN_RE = re.compile(r"\w+")


def tokens(text: str | None) -> list[str]:
    """Unicode ``\\w+`` tokens, case kept: the unit of every text measure here."""
    return _TOKEN_RE.findall(text or "")


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of one comparison.

    Nothing predicted and nothing expected is a perfect score (1, 1, 1): a page
    with no related links where none were found is right, not undefined.
    """

    precision: float
    recall: float
    f1: float

    @classmethod
    def from_counts(cls, tp: float, fp: float, fn: float) -> PRF:
        if tp + fp + fn == 0:
            return cls(1.0, 1.0, 1.0)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return cls(p, r, f1(p, r))


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def overlap(expected: Iterable[str], got: Iterable[str]) -> PRF:
    """P/R/F1 of two multisets (tokens, titles, lines): matches are counted with multiplicity."""
    want, have = Counter(expected), Counter(got)
    tp = sum((want & have).values())
    return PRF.from_counts(tp, sum(have.values()) - tp, sum(want.values()) - tp)


def token_prf(expected: str | None, got: str | None) -> PRF:
    """Bag-of-tokens P/R/F1 of two texts."""
    return overlap(tokens(expected), tokens(got))


def label_agreement(text: str, expected: Sequence[tuple[str, int, int]], got: Sequence[tuple[str, int, int]]) -> float:
    """Share of non-whitespace characters of ``text`` that carry the same label in both.

    Segments are ``(label, start, end)``; a character outside every segment is
    ``body`` (that is what "unclaimed" means in the output contract).
    """

    def labels(segments: Sequence[tuple[str, int, int]]) -> list[str]:
        out = ["body"] * len(text)
        for label, start, end in segments:
            out[max(0, start) : max(0, end)] = [label] * (min(end, len(text)) - max(0, start))
        return out

    want, have = labels(expected), labels(got)
    idx = [i for i, c in enumerate(text) if not c.isspace()]
    if not idx:
        return 1.0
    return sum(want[i] == have[i] for i in idx) / len(idx)


# -- the Article Extraction Benchmark's shingle metric -------------------------------------


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of consecutive ``n``-token shingles; fewer than ``n`` tokens make one shorter shingle."""
    toks = tokens(text)
    if len(toks) < n:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


@dataclass(frozen=True)
class DocScore:
    """One document's shingle TP/FP/FN, normalised to sum to 1 so every page weighs the same."""

    tp: float
    fp: float
    fn: float
    exact: bool  # token lists equal

    @property
    def precision(self) -> float | None:
        """None when nothing was predicted: such a page does not count towards precision."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """None when the truth is empty: such a page does not count towards recall."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def shingle_score(truth: str | None, prediction: str | None, n: int = 4) -> DocScore:
    want, have = shingles(truth, n), shingles(prediction, n)
    tp = sum((want & have).values())
    fp = sum((have - want).values())
    fn = sum((want - have).values())
    total = tp + fp + fn
    exact = tokens(truth) == tokens(prediction)
    if not total:
        return DocScore(0.0, 0.0, 0.0, exact)
    return DocScore(tp / total, fp / total, fn / total, exact)


@dataclass(frozen=True)
class BenchScore:
    precision: float
    recall: float
    f1: float
    accuracy: float


def aggregate(docs: Sequence[DocScore]) -> BenchScore:
    """P = mean over docs with a non-empty prediction, R = mean over docs with a non-empty truth, F1 of the means."""
    ps = [p for p in (d.precision for d in docs) if p is not None]
    rs = [r for r in (d.recall for d in docs) if r is not None]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    acc = sum(d.exact for d in docs) / len(docs) if docs else 0.0
    return BenchScore(p, r, f1(p, r), acc)


def bootstrap(docs: Sequence[DocScore], resamples: int = 1000, seed: int = 0) -> BenchScore:
    """Standard deviation of each figure over ``resamples`` resamplings of the documents (the ± figures)."""
    rng = random.Random(seed)
    runs = [aggregate(rng.choices(docs, k=len(docs))) for _ in range(resamples)] if docs else []

    def sd(values: list[float]) -> float:
        if len(values) < 2:
            return 0.0
        mean = sum(values) / len(values)
        return (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5

    return BenchScore(
        sd([x.precision for x in runs]),
        sd([x.recall for x in runs]),
        sd([x.f1 for x in runs]),
        sd([x.accuracy for x in runs]),
    )
