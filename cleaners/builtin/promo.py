"""Promotion and page-widget lines: newsletter, follow/share, app and "click here" calls, comment widgets."""

from __future__ import annotations

import re

from cleaners.base import LineCleaner
from cleaners.page import Line, Page
from cleaners.text import word_stems

#: A call to action is a short line; a long one that mentions a newsletter is prose.
MAX_WORDS = 45

# A line that is nothing but a widget's label.
_WIDGET_RE = re.compile(
    r"(?:\d+\s)?comments?|comment|leave a (?:comment|reply)|add (?:a )?comment|view comments|show comments"
    r"|explore further|print(?: this)?(?: article| page| story)?|order reprints|reprints?(?: & permissions)?"
    r"|share(?: this)?(?: article| story| post| page)?|share on (?:facebook|twitter|linkedin|whatsapp)|tweet|email"
    r"|(?:share(?: this)?(?: article| story| post| page)?\s?[:：]?\s?)?(?:(?:facebook|twitter|x|whatsapp|telegram"
    r"|linkedin|reddit|pinterest|e-?mail|print|copy link)(?:\s?[|,·•/]\s?|\s)?){2,8}"
    r"|advertisement|advertising|sponsored(?: content)?|paid content|ad feedback"
    r"|thanks? (?:you )?for signing up!?|thank you|there was an error processing your subscription\.?"
    r"|an error has occurred,? please try again(?: later)?\.?|this article has been sent to"
    r"|tell us what you think\W*|skip (?:to content|ad)|continue reading(?: below)?"
    r"|story continues below(?: advertisement)?|scroll to continue(?: with content)?|read the full story"
    r"|keep an eye on your inbox\b.*|(?:opens in (?:a )?new (?:window|tab))"
    r"|subscribe(?: now)?|sign up(?: now)?|sign in|log in|newsletters?",
    re.I,
)
# A line that opens with a call to action and names a channel to act on.
_CTA_RE = re.compile(
    r"(?:[\W_]{0,3})(?:subscribe|sign(?:\s|-)?up|register|follow|share|click|tap|get|download|listen|watch|join"
    r"|read|see|check out|don[’']t forget|never miss|stay (?:up to date|informed|on top|connected|tuned)"
    r"|be the first|find us|connect with)\b",
    re.I,
)
# The channel is what the call acts on: "on Instagram", "to our newsletter", "the app" (not "Get this: Facebook ...").
_CHANNEL_RE = re.compile(
    r"\b(?:on|to|via|at|in|for|from|with|our|the|this|free|daily|weekly)\s+(?:[\w'’+.-]+\s+){0,3}?"
    r"(?:newsletters?|digest|briefing|inbox|e-?mail alerts?|twitter|facebook|instagram|youtube|linkedin|pinterest"
    r"|tiktok|whatsapp|telegram|podcasts?|apple podcasts|itunes|spotify|rss|app|subscription|subscribers?"
    r"|click(?:ing)? here|our channel)\b",
    re.I,
)
# Phrases that only ever appear in promotion, wherever they sit in a short line.
# "Listen: https://..." / "iTunes: https://..." lines under a podcast or video.
_CHANNEL_LINK_RE = re.compile(
    r"(?:listen|download|subscribe|watch|itunes|apple podcasts|spotify|stitcher|rss|youtube)\s?[:：]\s?https?://\S+",
    re.I,
)
# "Pick Six Newsletter": the title of a sign-up box.
_NEWSLETTER_TITLE_RE = re.compile(r"\bnewsletters?\W*$", re.I)
_PHRASE_RE = re.compile(
    r"delivered (?:right )?(?:to|in) your inbox|right in your inbox|sign up for (?:our|free)\b|subscribe to our"
    r"|(?:sign up|subscribe) (?:to|for) (?:the |our )?(?:\w+ ){0,4}newsletters?"
    r"|^(?:sign up|subscribe) (?:to|for) (?:the |our )?(?:[\w'’]+ ){0,4}(?:digest|briefing|bulletin)\b"
    r"|click here|tap here|non-commercial use only|(?:may|might|will) (?:get|earn|receive) a (?:small )?"
    r"(?:share|commission)|affiliate (?:links?|commission)|if you (?:buy|purchase) something"
    r"|share (?:it|this(?: story| article)?) with a friend|prices are subject to change|if you enjoyed this article"
    r"|get (?:the )?(?:\w+ )?app\b|download (?:the|our) (?:\w+ )?app"
    r"|^follow (?:\S+ )?(?:full |complete |all |latest )?coverage\b",
    re.I,
)


#: :data:`_PHRASE_RE` without ``re.I``, for the lowered line (its letters are all lower case).
_PHRASE_LOWER_RE = re.compile(_PHRASE_RE.pattern)
#: The characters ``re.I`` takes for an ASCII letter that ``str.lower`` does not lower to one (İ lowers to two
#: characters): without them, a lower-case pattern matches the lowered line where ``re.I`` matches the line.
CASE_FOLD_ODDITIES = ("\u0130", "\u0131", "\u017f", "\u212a")  # İ ı ſ and the Kelvin sign


def _has_phrase(text: str, low: str) -> bool:
    """``_PHRASE_RE.search(text)``, searched in the lowered line ``low`` where that is the same: three times faster.

    Case-insensitive matching compares every character through its case
    mappings; a long alternation pays for it at every position.
    """
    if any(c in text for c in CASE_FOLD_ODDITIES):
        return _PHRASE_RE.search(text) is not None
    return _PHRASE_LOWER_RE.search(low) is not None


#: Every promotion phrase contains one of these; most lines contain none, and a substring test is cheap.
_PHRASE_KEYS = (
    "inbox", "sign up", "subscribe", "here", "non-commercial", "commission", "affiliate", "something", "friend",
    "subject to change", "enjoyed", "app", "coverage", "newsletter", "share",
)  # fmt: skip


#: Every line this cleaner claims carries one of these words (a widget label, a channel, a promotion phrase):
#: the page is searched once for them and only those lines are looked at.
TRIGGER_RE = re.compile(
    word_stems(
        r"comment|explore|print|reprint|share|tweet|e-?mail|advert|sponsor|paid|thank|error|tell us|skip"
        r"|continue|scroll|read the full|inbox|opens in|subscri|sign|log in|newsletter|digest|briefing|bulletin"
        r"|facebook|twitter|x\b|whatsapp|telegram|linkedin|reddit|pinterest|instagram|youtube|tiktok|podcast|itunes"
        r"|spotify|stitcher|rss\b|app\b|click|tap here|here|commission|affiliate|something|friend|subject to change"
        r"|enjoyed|coverage|copy link|non-commercial|listen|download|watch|channel|alert|leave a|feedback|sent to"
    )
)


def promo_reason(text: str) -> str | None:
    """The reason code for a whole line being promotion or widget text, or None for anything that may be prose."""
    if _WIDGET_RE.fullmatch(text.strip(" .:|-–—•")):
        return "promo.widget"
    if len(text.split()) <= 5 and _NEWSLETTER_TITLE_RE.search(text):
        return "promo.newsletter-title"
    if len(text.split()) > MAX_WORDS:
        return None
    if _CHANNEL_LINK_RE.fullmatch(text):
        return "promo.channel-link"
    low = text.lower()
    if any(k in low for k in _PHRASE_KEYS) and _has_phrase(text, low):
        return "promo.phrase"
    if _CTA_RE.match(text) and _CHANNEL_RE.search(text):
        return "promo.call-to-action"
    return None


class PromoCleaner(LineCleaner):
    """Claims newsletter sign-ups, follow/share calls, app promotions and comment-widget labels.

    Whole lines only, and only short ones that either are a bare widget label
    ("Comments", "Explore further"), carry a phrase that is promotion wherever
    it appears ("delivered to your inbox", "click here"), or open with a call
    to action ("Subscribe", "Follow", "Sign up") and name where to act
    (newsletter, Twitter, podcast, app). A quoted or long sentence that merely
    mentions a newsletter stays body.
    """

    label = "boilerplate"
    trigger = TRIGGER_RE

    def reason(self, line: Line, page: Page) -> str | None:
        return promo_reason(line.text)
