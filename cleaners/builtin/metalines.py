"""Page metadata left in the text: date/byline stamps, reading time, bare URLs, "Filed under" and tag lines."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from cleaners.base import LineCleaner
from cleaners.page import Line, Page
from cleaners.text import YEAR_RE, tokens
from cleaners.timestamps import MONTHS, WEEKDAYS, find_timestamps

MAX_WORDS = 16

_URL_LINE_RE = re.compile(r"(?:https?://|www\.)\S+")
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif")
_DATE_RE = re.compile(r"\b(?:\d{4}-\d\d-\d\d(?:T[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?|\d{1,2}[./]\d{1,2}[./]\d{2,4})")
_TIME_RE = re.compile(r"\b\d{1,2}:\d\d(?:\s?[ap]\.?m\.?)?", re.I)
_STAMP_LABEL_RE = re.compile(r"\b(?:updated|published|posted|modified|atualizado|publicado|aktualisiert)\b", re.I)
_READING_TIME_RE = re.compile(
    r"(?:(?:estimated )?reading time|read time|tempo de leitura|tiempo de lectura|temps de lecture|lesezeit"
    r"|tempo di lettura|время чтения)\s?[:：]?\s?\d+\s?\w*"
    r"|\d+\s?(?:min(?:ute)?s?|minutos?)\s?(?:read|de leitura|lesezeit)",
    re.I,
)
_LABEL_LINE_RE = re.compile(
    r"(?:filed under|posted in|tags?|tagged(?: with)?|categor(?:y|ies)|topics?|keywords?|schlagwörter|etiquetas|temas)"
    r"\s?[:：]",
    re.I,
)
# Words that may stand beside a date in a stamp line, in a few languages.
_STAMP_WORDS = {
    "updated", "update", "published", "posted", "modified", "last", "on", "at", "by", "am", "pm", "a", "m", "p",
    "gmt", "utc", "est", "edt", "pst", "pdt", "cst", "cdt", "et", "bst", "cet", "cest", "ist",
    "de", "às", "as", "publicado", "atualizado", "em", "por", "le", "à", "mis", "jour", "um", "uhr",
    "veröffentlicht", "aktualisiert", "stand", "опубликовано", "обновлено", "в", "기사입력", "입력", "수정",
}  # fmt: skip
_WEEKDAY_WORDS = {
    "segunda", "terça", "quarta", "quinta", "sexta", "feira", "sábado", "domingo", "montag", "dienstag", "mittwoch",
    "donnerstag", "freitag", "samstag", "sonntag", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
    "dimanche", "tue", "tues", "thu", "thur", "thurs",
}  # fmt: skip
_MONTH_WORDS = {
    "janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro",
    "dezembro", "januar", "februar", "märz", "mai", "juni", "juli", "oktober", "dezember", "janvier", "février",
    "mars", "avril", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre",
}  # fmt: skip
#: A byline inside a stamp line ("5:45 AM PST 11/19/2019 by Patrick Shanley"): up to four capitalised words.
_BYLINE_RE = re.compile(r"\b(?i:by|por|von|par|di)\s+(?:[A-ZÀ-ÖØ-Þ][\w.'’-]*,?\s*){1,4}")


#: Stamps, reading times and dates need a digit, label lines a colon, bare URLs "http" or "www.": the lines where
#: ``[\d:：]|www\.|http`` matches. Written to open with one character class, so ``re`` skips at C speed to the next
#: digit, colon, "w" or "h" instead of trying three alternatives at every position of the page.
TRIGGER_RE = re.compile(r"[\d:：wh](?:(?<=[\d:：])|(?<=w)ww\.|(?<=h)ttp)")


def is_stamp_line(text: str) -> bool:
    """A short line that is a date or time, perhaps with "Updated"/"Published" and a short byline.

    Apart from a byline ("by Patrick Shanley"), every word must belong to the date,
    the time or a stamp label such as "Updated". A sentence ending in a full stop
    is prose, unless the stop belongs to "a.m."/"p.m.".
    """
    words = text.split()
    if not words or len(words) > MAX_WORDS:
        return False
    if text.endswith(".") and not re.search(r"[ap]\.m\.$", text, re.I):
        return False
    if "@" in text:
        return False  # "— Name (@handle) November 18, 2019" closes an embedded post, which is quoted content
    toks = [t.lower() for t in tokens(_TIME_RE.sub(" ", _DATE_RE.sub(" ", _BYLINE_RE.sub(" ", text))))]
    # Every other word must belong to a date, a time or a stamp label: "Nov. 19, 2019: Lakers 112, OKC 107"
    # is an entry of a timeline, not a stamp. Tested first: it rejects most lines, and costs less than the date.
    if not all(map(_is_stamp_word, toks)):
        return False
    has_date = bool(
        _DATE_RE.search(text)
        or (YEAR_RE.search(text) is not None and next(find_timestamps(text), None) is not None)
        or (any(YEAR_RE.fullmatch(t) for t in toks) and any(t in MONTHS or t in _MONTH_WORDS for t in toks))
    )
    # Without a date, a time needs a stamp label: a bare "4:14 p.m." heads an entry of a live timeline.
    return has_date or (_TIME_RE.search(text) is not None and _STAMP_LABEL_RE.search(text) is not None)


def _is_stamp_word(low: str) -> bool:
    """A lower-case word that may stand in a stamp line beside its date and time (a number, a label, a name)."""
    return (
        low.isdigit()
        or low in _STAMP_WORDS
        or low in MONTHS
        or low in WEEKDAYS
        or low in _WEEKDAY_WORDS
        or low in _MONTH_WORDS
        or low.rstrip("s") in WEEKDAYS
    )


def _is_image_url(url: str) -> bool:
    """By the path's suffix; no regex, so a long adversarial "URL" costs one pass."""
    try:
        path = urlsplit(url if "://" in url else "http://" + url).path
    except ValueError:
        return False
    return path.lower().endswith(_IMAGE_SUFFIXES)


def meta_reason(text: str, page_url: str | None = None) -> str | None:
    """The reason code for a whole line being page metadata, or None.

    A bare URL counts only when it is the page's own address or an image file:
    a list of links in the article is content.
    """
    if _URL_LINE_RE.fullmatch(text) and (
        _is_image_url(text) or (page_url and text.rstrip("/") == page_url.rstrip("/"))
    ):
        return "meta.url"
    if _READING_TIME_RE.fullmatch(text.strip(" .")):
        return "meta.reading-time"
    if len(text.split()) <= 30 and _LABEL_LINE_RE.match(text):
        return "meta.tags"
    if is_stamp_line(text):
        return "meta.stamp"
    return None


class MetaLineCleaner(LineCleaner):
    """Claims lines that are page metadata rather than article text.

    Date and time stamps ("Updated: Tue., Nov. 19, 2019", "2019-11-19T08:57:40+01:00",
    "sexta-feira, 22 de outubro de 2010 às 20:13"), reading-time notes, bare
    URLs of the page or of an image, and "Filed under:"/"Tags:" lines. A stamp
    line may carry a byline but no other words, so a timeline entry ("Nov. 19,
    2019: Lakers 112, OKC 107") or a sentence ("The vote is on 5 November
    2019.") is never a stamp.
    """

    label = "boilerplate"
    trigger = TRIGGER_RE

    def reason(self, line: Line, page: Page) -> str | tuple[str, dict[str, str]] | None:
        code = meta_reason(line.text, page.url)
        if code == "meta.stamp":
            stamp = next(find_timestamps(line.text), None)
            if stamp is not None and stamp.published:
                return code, {"published": stamp.published}
        return code
