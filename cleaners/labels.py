"""The labels a span can carry: Sieve's own, and those a plugin declares.

A misspelled label used to become a new label silently and cut text out of
the body; now every label a cleaner claims must be one of these or declared by
the cleaner itself (``new_labels``), and the chain refuses anything else.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Labels of unclaimed text: no cleaner may claim them.
BODY = "body"
CHROME = "chrome"
UNCLAIMED: Mapping[str, str] = {
    BODY: "main content nobody claimed: the article",
    CHROME: "text outside the main content nobody claimed (menus, teasers, widgets)",
}
#: Labels Sieve's cleaners claim.
CLAIMED: Mapping[str, str] = {
    "source": "where the article says it came from (source lines, datelines, credits)",
    "related": "links to other articles (related-links lists, more-stories boxes)",
    "boilerplate": "text every page of a site repeats (copyright, widgets, stamps)",
    "headline": "the page's own headline (and kicker) printed above the article: the record's title, not body",
}
LABELS: Mapping[str, str] = {**UNCLAIMED, **CLAIMED}


def check_labels(label: object, new_labels: Mapping[str, str], owner: str) -> None:
    """Raise ``ValueError`` unless ``label`` is claimable and every declared label is new and well formed."""
    for name in new_labels:
        if not isinstance(name, str) or not name.isidentifier() or name != name.lower():
            raise ValueError(f"{owner}: new label {name!r} must be a lower-case identifier")
        if name in LABELS:
            raise ValueError(f"{owner}: new label {name!r} is one of Sieve's own labels; use it without declaring it")
    if not isinstance(label, str) or not label:
        raise ValueError(f"{owner} has no label: set `label` to one of {', '.join(CLAIMED)} or a label it declares")
    if label in UNCLAIMED:
        raise ValueError(f"{owner}: label {label!r} is what nobody claimed; a cleaner cannot claim it")
    if label not in CLAIMED and label not in new_labels:
        known = ", ".join([*CLAIMED, *new_labels])
        raise ValueError(f"{owner}: unknown label {label!r} (known: {known}); declare it in `new_labels` if it is new")
