"""The quality measures on examples small enough to check by hand."""

from __future__ import annotations

import pytest

from cleaners.evaluation.metrics import (
    PRF,
    DocScore,
    aggregate,
    bootstrap,
    label_agreement,
    overlap,
    shingle_score,
    shingles,
    token_prf,
    tokens,
)


def test_tokens_are_unicode_words_with_case_kept():
    assert tokens("Don't stop, Ünïcode 42!") == ["Don", "t", "stop", "Ünïcode", "42"]
    assert tokens(None) == []


def test_overlap_counts_multiplicity():
    # expected a a b, got a c: one match; P = 1/2, R = 1/3, F1 = 2PR/(P+R) = 0.4
    prf = overlap(["a", "a", "b"], ["a", "c"])
    assert prf == PRF(0.5, pytest.approx(1 / 3), pytest.approx(0.4))


def test_nothing_expected_and_nothing_found_is_perfect_but_anything_extra_is_not():
    assert overlap([], []) == PRF(1.0, 1.0, 1.0)
    assert overlap([], ["x"]) == PRF(0.0, 0.0, 0.0)
    assert overlap(["x"], []) == PRF(0.0, 0.0, 0.0)


def test_token_prf_ignores_punctuation_and_whitespace():
    assert token_prf("One, two.\nThree", "One two Three").f1 == 1.0
    assert token_prf("one two three four", "one two").precision == 1.0
    assert token_prf("one two three four", "one two").recall == 0.5


def test_label_agreement_counts_non_whitespace_characters_and_unclaimed_is_body():
    text = "ab cd"  # non-whitespace at 0, 1, 3, 4
    assert label_agreement(text, [("source", 3, 5)], [("source", 3, 5)]) == 1.0
    # got leaves "cd" unclaimed, i.e. body: 2 of 4 characters agree
    assert label_agreement(text, [("source", 3, 5)], []) == 0.5
    assert label_agreement(text, [("source", 3, 5)], [("boilerplate", 0, 5)]) == 0.0
    assert label_agreement("   ", [], [("x", 0, 3)]) == 1.0


def test_shingles_are_4_token_windows_and_short_texts_one_shingle():
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("a b") == {("a", "b"): 1}
    assert shingles("") == {}


def test_shingle_score_normalises_per_document():
    # truth a b c d e -> {abcd, bcde}; prediction a b c d x -> {abcd, bcdx}: tp 1, fp 1, fn 1
    s = shingle_score("a b c d e", "a b c d x")
    assert (s.tp, s.fp, s.fn) == (pytest.approx(1 / 3),) * 3
    assert s.precision == pytest.approx(0.5) and s.recall == pytest.approx(0.5)
    assert not s.exact
    assert shingle_score("a, b c d", "a b c d").exact


def test_empty_prediction_counts_for_recall_only_and_empty_truth_for_precision_only():
    no_pred = shingle_score("a b c d", "")
    assert no_pred.precision is None and no_pred.recall == 0.0
    no_truth = shingle_score("", "a b c d")
    assert no_truth.recall is None and no_truth.precision == 0.0


def test_aggregate_averages_each_over_its_own_documents():
    docs = [
        DocScore(1.0, 0.0, 0.0, True),  # P 1, R 1
        DocScore(0.5, 0.5, 0.0, False),  # P 0.5, R 1
        DocScore(0.0, 0.0, 1.0, False),  # empty prediction: R 0, no P
    ]
    s = aggregate(docs)
    assert s.precision == pytest.approx(0.75)  # (1 + 0.5) / 2
    assert s.recall == pytest.approx(2 / 3)  # (1 + 1 + 0) / 3
    assert s.f1 == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3))
    assert s.accuracy == pytest.approx(1 / 3)


def test_bootstrap_spread_is_zero_for_identical_documents_and_positive_otherwise():
    same = [DocScore(0.5, 0.5, 0.0, False)] * 5
    assert bootstrap(same, 50).f1 == pytest.approx(0.0, abs=1e-12)
    mixed = [DocScore(1.0, 0.0, 0.0, True), DocScore(0.0, 0.5, 0.5, False)] * 5
    assert bootstrap(mixed, 50).precision > 0.0
