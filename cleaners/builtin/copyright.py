"""Copyright and site-credit boilerplate: every copy, also when glued onto the previous line."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cleaners.base import Cleaner
from cleaners.page import Page, Span
from cleaners.text import YEAR_RE, table_cells, word_stems

# A boilerplate line is short; a long line that mentions copyright is prose.
MAX_LEN = 200
_QUOTES = '"“”«»„'

_COPY = "©ⓒⒸ"
# Where boilerplate may start inside a line: right after a lowercase letter,
# digit or closing punctuation with no space, which is what bad text extraction
# produces when it drops the block break ("...highwayMaintained and developed by").
# A footer printed as one long line of links ends with its notice after a stop or a bar ("... Site Map | This
# material may not be published ... ©2024 X, LLC. All rights reserved."): the notice may start there too.
_GLUED_RE = re.compile(
    r"(?<=[a-z0-9.!?)\]])"
    rf"(?=(?:Maintained|Designed|Developed|Powered|Hosted|All [Rr]ights [Rr]eserved|Copyright|[{_COPY}]))"
    rf"|(?<=[.!?|]\s)(?=(?:This material|All [Rr]ights [Rr]eserved|Copyright|[{_COPY}]))"
)
_CREDIT_RE = re.compile(
    r"(?:(?:Site|Website|Web site|This site|Theme)\s(?:is\s)?(?i:maintained|designed|developed|powered|hosted|built))"
    r"|(?:Proudly [Pp]owered|Maintained|Designed|Developed|Powered|Hosted|Built|Created|Managed)"
    r"(?: and (?:developed|designed|maintained|hosted|managed|powered))? by\s+\S",
)
# "All rights reserved" in the languages of the pages Sieve meets, and the notices that say the same.
_RIGHTS_RE = re.compile(
    r"\ball rights? reserved\b|كل الحقوق محفوظة|جميع الحقوق محفوظة|\btous droits réservés\b"
    r"|\btodos los derechos reservados\b|\btodos os direitos reservados\b|\balle rechte vorbehalten\b"
    r"|\btutti i diritti riservati\b|все права защищены|版权所有|版權所有|無断転載|무단\s?전재|재배포\s?금지"
    r"|\bhak cipta dilindungi|\balle rechten voorbehouden\b|\bwszelkie prawa zastrzeżone|\btüm hakları saklıdır"
    r"|\bvšechna práva vyhrazena|\bvšetky práva vyhradené|\balla rättigheter förbehållna|\balle rettigheder forbeholdes"
    r"|\balle rettigheter (?:reservert|forbeholdt)|\btoate drepturile rezervate|\bminden jog fenntartva"
    r"|\b(?:всі|усі) права захищені|כל הזכויות שמורות|सर्वाधिकार सुरक्षित|με επιφύλαξη παντός δικαιώματος"
    r"|\bbản quyền thuộc về|\bsva prava pridržana|\bvse pravice pridržane|\bvisos teisės saugomos",
    re.I,
)
_COPYRIGHT_START_RE = re.compile(
    rf"(?:[{_COPY}]|\([cс]\)\s*(?:19|20)\d\d|copyright\s*(?:[{_COPY}]|\([cс]\)|(?:19|20)\d\d)|저작권자)", re.I
)
# Notices that forbid copying the site's material, which footers print beside (or instead of) the © line.
_REPRODUCTION_RE = re.compile(
    r"\bmay not be (?:published|reproduced|copied|republished|used)\b[^.]{0,80}(?:redistributed|without|permission)"
    r"|\b(?:any |no )?(?:reproduction|republication|redistribution)\b[^.]{0,80}"
    r"(?:prohibited|forbidden|not permitted|without (?:the )?(?:prior |express )?(?:written )?(?:permission|consent))"
    r"|воспроизведение[^.]{0,80}(?:запрещ|воспрещ|без (?:письменного )?разрешения)|reproduction interdite"
    r"|(?:queda )?prohibida (?:su|la) reproducción|riproduzione riservata|(?:nachdruck|vervielfältigung)[^.]{0,60}"
    r"(?:nur mit|untersagt|verboten|nicht gestattet)|무단\s?(?:전재|복사)[^.]{0,40}금지",
    re.I,
)
#: Every line this cleaner claims carries one of these: the page is searched for them once, and only those lines
#: are looked at (a whole page has hundreds of lines that carry none).
#: Every alternative opens with a plain character (no class, no ``\b``), so ``re`` skips the positions where none
#: can start at C speed: well under half the time of ``[©ⓒⒸ]|\(c\)|\b(?:copyright|...)|...``, which matches the same.
TRIGGER_RE = re.compile(
    r"©|ⓒ|Ⓒ|\(c\)|"
    + word_stems(
        r"copyright|rights|reserved|maintained|designed|developed|powered|hosted|built|created"
        r"|managed|droits|derechos|direitos|rechte|diritti|права|hak cipta|reproduc|republica|redistribut|published"
        r"|rechten|prawa|hakları|práva|rättigheter|rettigheder|rettigheter|drepturile|jog|bản quyền|pravice|teisės"
        r"|με επιφύλαξη"
        r"|воспроизвед|nachdruck|vervielfältig|riproduzione|prohibida",
        boundary_after_first=True,
    )
    + r"|حقوق|版|無断|무단|재배포|저작권|הזכויות|सर्वाधिकार"
)
# "Developed by the courts, the rule is older than the internet." is a sentence:
# a credit line names someone and stops, it does not go on with a clause.
_CLAUSE_RE = re.compile(r",\s+(?:the|a|an|it|its|he|she|they|we|this|that|these|those|which|who|but|and then)\b", re.I)
# Words that may follow "Copyright 2021" in lower case in a notice ("Copyright 2021 by X").
_NOTICE_WORDS = frozenset({"by", "all", "and", "the"})
# Words that may follow "All rights reserved" in lower case in a notice ("All rights reserved to X").
_RIGHTS_TAIL_WORDS = frozenset({"to", "by", "for", "worldwide", "in", "and", "reserved"})


def boilerplate_reason(text: str) -> str | None:
    """The reason code for ``text`` (a whole line, or the tail of one) being boilerplate, or None."""
    if len(text) > MAX_LEN:
        return None
    words = text.split()
    m = _COPYRIGHT_START_RE.match(text)
    if m and not _is_prose(text[m.end() :], len(words)):
        return "copyright.notice"  # quotes may name the holder here («X Publishing»)
    if any(q in text for q in _QUOTES):
        return None
    if _CREDIT_RE.match(text) and len(words) <= 12 and not _CLAUSE_RE.search(text):
        return "copyright.credit"
    if len(words) <= 25:
        for m in _RIGHTS_RE.finditer(text):
            if _is_rights_notice(text[: m.start()], text[m.end() :]):
                return "copyright.rights"
    if any(c in text for c in _COPY) and YEAR_RE.search(text) and len(words) <= 20:
        return "copyright.notice"
    if len(words) <= 40:
        m = _REPRODUCTION_RE.search(text)
        if m and _opens_notice(text, m.start()):
            return "copyright.reproduction"
    return None


#: How a sentence forbidding reproduction opens when it is a notice ("This material may not be ...", "Any
#: reproduction ...", "Любое воспроизведение ..."); "He said any reproduction ..." is a sentence of the story.
_NOTICE_OPENERS = frozenset(
    "this these all any no material materials content contents reproduction republication redistribution "
    "любое воспроизведение полное частичное nachdruck vervielfältigung queda prohibida riproduzione".split()
)


def _opens_notice(text: str, at: int) -> bool:
    """Whether the sentence holding ``text[at]`` opens like a notice, at the line's start or after a stop or a bar."""
    head = text[:at]
    cut = max(head.rfind(". "), head.rfind("| "), head.rfind("! "))
    sentence = text[cut + 2 if cut >= 0 else 0 :].split()
    return bool(sentence) and (sentence[0].lower().strip('«"“(') in _NOTICE_OPENERS or cut + 2 >= at or at == 0)


def _is_rights_notice(before: str, after: str) -> bool:
    """ "All rights reserved" as a notice, not as words of a sentence.

    A notice opens the line or follows a full stop, a bar, a dash, a year or
    ©; "the landlord said all rights reserved under the lease ..." has a word
    of the sentence right before it, and "All rights reserved under the
    traders' leases would be honoured" goes on in lower case.
    """
    before = before.rstrip()
    if before and (before[-1].isalpha() or before[-1] == ","):
        return False
    first = after.strip(" .,:;-–—|").split(maxsplit=1)
    return not (first and first[0][:1].islower() and first[0] not in _RIGHTS_TAIL_WORDS)


def _is_prose(rest: str, n_words: int) -> bool:
    """After "Copyright 2021": a notice names the holder; a sentence goes on in lower case.

    "Copyright 2021 figures from the authority show ..." is body text that
    happens to start with the word.
    """
    first = rest.strip(" ,.:;-–—" + _COPY).split(maxsplit=1)  # "ⓒ" is a lower-case letter to str.islower
    if first and first[0][:1].islower() and first[0].lower() not in _NOTICE_WORDS and len(rest.split()) > 4:
        return True  # a sentence goes on; "© dpa-infocom, dpa:230428-99-..." is an agency's stamp
    return n_words > 15 and not _RIGHTS_RE.search(rest)


#: A footer line of short parts joined by bars ("All site contents © Copyright 2023 X, LLC | 3600 Y Avenue |
#: 202-636-3000"): each part is a label, an address or the notice, none a sentence.
_BAR_RE = re.compile(r"\s\|\s")
MAX_PART_WORDS = 12


def _piped_notice(text: str) -> str | None:
    """The notice's reason when ``text`` is a bar-joined footer line one of whose parts is a notice."""
    if len(text) > 2 * MAX_LEN or not _BAR_RE.search(text):
        return None
    parts = [p.split() for p in _BAR_RE.split(text)]
    if any(len(words) > MAX_PART_WORDS or _sentence_like(words) for words in parts):
        return None
    return next((r for r in (boilerplate_reason(" ".join(words)) for words in parts) if r), None)


def _sentence_like(words: list[str]) -> bool:
    """Words that run on in lower case ("showed that the company had been ...") are a sentence, not a label."""
    lower = sum(w[:1].islower() for w in words)
    return len(words) >= 4 and 2 * lower > len(words)


class CopyrightCleaner(Cleaner):
    """Claims copyright, "all rights reserved" and "developed by" lines, every copy, wherever they stand.

    Only whole lines (or a line's tail glued on by extraction) are claimed, and
    never a line carrying quotation marks, so a body sentence quoting "all
    rights reserved" stays body; nor a line where the phrase is words of a
    sentence ("... said all rights reserved under the lease would be honoured").
    Reason codes: ``copyright.credit``, ``copyright.notice``, ``copyright.rights``,
    ``copyright.table-row``, ``copyright.piped`` (a bar-joined footer line holding a notice) and
    ``copyright.glued`` (the kind in the span's data for the last three).
    """

    label = "boilerplate"

    def find(self, page: Page) -> Iterator[Span]:
        for line in page.lines(containing=TRIGGER_RE):
            cells = table_cells(line.text)
            if cells is not None:
                # A table row as trafilatura prints it ("| © 2009 X. All rights reserved. | Designed by Y |"):
                # the row is boilerplate when every cell is.
                reasons = [boilerplate_reason(cell) for cell in cells]
                if cells and all(reasons):
                    yield self.span(line.start, line.end, "copyright.table-row", kind=reasons[0])
                continue
            reason = boilerplate_reason(line.text)
            if reason:
                yield self.span(line.start, line.end, reason)
                continue
            # Only a tail short enough to be boilerplate is worth looking at.
            for m in _GLUED_RE.finditer(line.text, max(0, len(line.text) - MAX_LEN)):
                tail = line.text[m.start() :]
                reason = boilerplate_reason(tail)
                if reason:
                    yield self.span(line.start + m.start(), line.end, "copyright.glued", kind=reason)
                    break
            else:
                kind = _piped_notice(line.text)
                if kind:
                    yield self.span(line.start, line.end, "copyright.piped", kind=kind)
