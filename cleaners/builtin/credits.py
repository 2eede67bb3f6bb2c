"""Credit lines: contributors, reporter contact lines, photo credits and captions that end in one."""

from __future__ import annotations

import re

from cleaners.base import LineCleaner
from cleaners.builtin.agencies import CAPTION_CREDITS as _AGENCIES
from cleaners.builtin.agencies import PICTURE_AGENCIES as _PICTURE_AGENCIES
from cleaners.page import Line, Page
from cleaners.text import word_stems

MAX_WORDS = 40

# "Keith Bradsher contributed reporting from Hong Kong." / "X contributed to this report."
_CONTRIBUTED_RE = re.compile(
    r"\bcontributed (?:additional )?(?:reporting|research|to (?:this|the) (?:report|story|article)|to this)\b", re.I
)
_CREDIT_START_RE = re.compile(
    r"(?:contributing|contributors?|additional reporting|with (?:\w+ )?wires?|staff reports?|compiled by"
    r"|(?:write|email|e-mail|contact|reach) (?:to )?\S.{0,60}?\bat\s+(?:\S+@|https?://|@\w)|have a tip\?)",
    re.I,
)
# An author's bio line: "... is out now. Follow him on Twitter @michaeldwall."
_FOLLOW_AUTHOR_RE = re.compile(
    r"\bfollow (?:him|her|them|me) (?:on (?:twitter|facebook|instagram|linkedin|x)\b|@\w)", re.I
)
# Bounded parts: an unbounded \S+@\S+ backtracks quadratically on a long line with no "@".
_EMAIL_RE = re.compile(r"[^\s@]{1,64}@[^\s@]{1,255}\.\w+")
_CONTACT_WORDS_RE = re.compile(r"\b(?:follow|email|e-mail|write|reach|contact|reached|twitter)\b|(?<!\S)@\w+", re.I)
_HANDLE_LINE_RE = re.compile(r"(?:@\w{2,30}|(?:https?://)?(?:www\.)?(?:twitter|x|instagram|facebook)\.com/\S+)", re.I)

# Photo credits in several languages: "Photo: X", "Image by X", "[사진=X]", "(credit: NASA)".
_PHOTO_WORDS = (
    r"(?:photos?|photograph(?:y|s)?|images?|pictures?|pics?|credits?|illustrations?|video|foto(?:s|grafie)?|bild"
    r"|фото|사진|写真|صورة)"
)
_PHOTO_START_RE = re.compile(rf"[\[(]?\s?{_PHOTO_WORDS}\s?(?:[:：=]|by\b|courtesy\b)", re.I)
# A caption that ends in its credit: "(credit: NASA)", "Photo: AP", "... New York.Reuters", "/ Getty Images".
# Case matters here: "(EPA)" is a credit, "(ePA)" an abbreviation in a sentence.
_CREDIT_TAIL_RE = re.compile(
    rf"(?:(?i:\({_PHOTO_WORDS}\s?[:：]\s?[^()]{{1,60}}\)|\b{_PHOTO_WORDS}\s?[:：]\s?[^.:]{{1,60}})"
    rf"|(?<=[.!?)]){_AGENCIES}|[/|]\s?{_AGENCIES}|\(\s?{_PICTURE_AGENCIES}\s?\))\s?\.?$"
)
#: The longest text :data:`_CREDIT_TAIL_RE` can match (every part of it is bounded; a test checks the figure).
CREDIT_TAIL_MAX = 80


#: Every credit line carries one of these (each pattern above needs one): only those lines are looked at.
TRIGGER_RE = re.compile(
    r"@|\.com/|사진|写真|صورة|"
    + word_stems(
        r"contribut|reporting|wires?\b|staff|compiled|write|e-?mail|contact|reach|tip\?"
        r"|follow|photo|image|picture|pics?\b|credit|illustration|video|foto|bild|фото|getty|shutterstock|istock"
        r"|associated press|reuters|afp|epa|bloomberg|alamy|xinhua|anadolu|pa\b|nasa"
    )
)


def credit_reason(text: str) -> str | None:
    """The reason code for a whole line being a credit or contact line, or None."""
    words = len(text.split())
    if words > MAX_WORDS:
        return None
    if _CONTRIBUTED_RE.search(text):
        return "credit.contributor"
    if words > 1 and _CREDIT_START_RE.match(text):
        return "credit.contact"  # a lone "Contributors" is a section's label (a card's kicker), not a credit
    if _FOLLOW_AUTHOR_RE.search(text):
        return "credit.bio"
    if words <= 25 and _EMAIL_RE.search(text) and (words == 1 or _CONTACT_WORDS_RE.search(text)):
        return "credit.reporter-contact"
    if _HANDLE_LINE_RE.fullmatch(text):
        return "credit.handle"
    if words <= 25 and _PHOTO_START_RE.match(text):
        return "credit.photo"
    # The credit ends the line and is short: only its last characters need searching (one more for a final "\n").
    if _CREDIT_TAIL_RE.search(text, max(0, len(text) - CREDIT_TAIL_MAX - 1)) and not text.endswith(("”", '"')):
        return "credit.caption"
    return None


class CreditCleaner(LineCleaner):
    """Claims credit lines that are not article text, as ``source``.

    Contributor lines ("X contributed reporting from Y", "Contributing: X",
    "With Post wires"), reporter contact lines ("Write to X at x@example.com",
    a bare e-mail or social handle), photo credits ("Photo: X", "[사진=X]") and
    captions that end in a photo credit ("... in New York.Reuters", "...
    (credit: NASA)"). Whole short lines only; a body sentence that says
    "Reuters reported" does not end in a bare credit and stays body. Agency
    datelines and "Reporting by" lines belong to :class:`SourceCleaner`, which
    runs first.
    """

    label = "source"
    trigger = TRIGGER_RE

    def reason(self, line: Line, page: Page) -> tuple[str, dict[str, str]] | None:
        code = credit_reason(line.text)
        return (code, {"credits": line.text}) if code else None
