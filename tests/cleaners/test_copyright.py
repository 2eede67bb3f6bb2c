"""CopyrightCleaner: every copy of a copyright or credit line, glued or not; prose that mentions copyright stays."""

from __future__ import annotations

import pytest

from cleaners.builtin.copyright import CopyrightCleaner, boilerplate_reason
from cleaners.page import Page


def claimed(text: str) -> list[str]:
    return [text[s.start : s.end] for s in CopyrightCleaner().find(Page(text))]


@pytest.mark.parametrize(
    "line",
    [
        "Maintained and developed by Arabs Today Group SAL.",
        "All rights reserved to Arab Today Media Group 2023 ©",
        "© 2021 Harbor Times. All rights reserved.",
        "Copyright © 2022 Valley Legal News. All Rights Reserved.",
        "Copyright 2021 by The Associated Press",
        "Copyright (c) 2019 Example Media Ltd",
        "Powered by WordPress | Theme: Astra by Brainstorm Force",
        "Designed by Pixel & Ink Studio",
        "جميع الحقوق محفوظة لمجموعة العرب اليوم الإعلامية 2023 ©",
        "Copyright 2021 The Associated Press. All rights reserved. This material may not be published.",
    ],
)
def test_boilerplate_lines_are_claimed(line):
    assert boilerplate_reason(line)
    assert claimed(f"The body sentence stays here.\n{line}\n") == [line]


@pytest.mark.parametrize(
    "line",
    [
        "Copyright 2021 figures from the authority show ridership is still 30 percent below where it was before.",
        "Copyright does not depend on a notice, Judge Alan Brooks wrote in a 14-page opinion.",
        "Developed by judges, the fair-use doctrine is older than the internet.",
        "Developed by a committee of economists from several ministries, the reform plan commits Lebanon to cuts.",
        "“The old one said ‘all rights reserved’ on every door,” library director Maria Okafor said.",
        'He wrote "all rights reserved" under the picture.',
        "Powered by cheap gas, the economy grew by 4 percent in 2019 and by 3 percent in 2020, the bank said.",
        "A source close to the talks said the deal was near.",
    ],
)
def test_prose_that_mentions_copyright_or_credits_stays_body(line):
    assert boilerplate_reason(line) is None
    assert claimed(line) == []


def test_every_copy_is_claimed_in_order_including_one_glued_to_a_headline():
    text = (
        "Syrian army controls entire Damascus-Deir Ezzor highwayMaintained and developed by Arabs Today Group SAL.\n"
        "All rights reserved to Arab Today Media Group 2023 ©\n"
        "Maintained and developed by Arabs Today Group SAL.\n"
        "All rights reserved to Arab Today Media Group 2023 ©"
    )
    spans = list(CopyrightCleaner().find(Page(text)))
    assert [text[s.start : s.end] for s in spans] == [
        "Maintained and developed by Arabs Today Group SAL.",
        "All rights reserved to Arab Today Media Group 2023 ©",
    ] * 2
    assert "glued" in spans[0].reason and "glued" not in spans[2].reason
    assert text[: spans[0].start].endswith("highway")  # the headline is left for the related cleaner


def test_a_capitalised_word_inside_a_sentence_is_not_glue():
    text = "The site was Developed by hand.\nThe firm said its Copyright claims were strong."
    assert claimed(text) == []


def test_a_very_long_line_is_never_boilerplate():
    line = "© 2021 Example. All rights reserved. " + "word " * 60
    assert claimed(line) == []


@pytest.mark.parametrize(
    "line",
    [
        "Copyright (с) ООО «Хёрст Шкулёв Паблишинг», 2019.",  # a Cyrillic с, and the holder in quotes
        "Любое воспроизведение материалов сайта без разрешения редакции воспрещается.",
        "This material may not be published, broadcast, rewritten, or redistributed.",
        "© dpa-infocom, dpa:230428-99-123456/2",  # an agency's stamp
        "© Spiegel Alle Rechte vorbehalten",
        "© 2024 De Krant BV. Alle rechten voorbehouden.",
        "Wszelkie prawa zastrzeżone.",
        "Tüm hakları saklıdır.",
        "Усі права захищені",
        "כל הזכויות שמורות",
        "सर्वाधिकार सुरक्षित",
        "Minden jog fenntartva.",
        "Copyright © 2024, The Daily Example | Terms of Service | Privacy Policy",
        "저작권자 ⓒ '대중문화컨텐츠 전문가그룹' 엔터미디어(www.example.co.kr), 무단전재 및 재배포금지",
        "엔터미디어의 모든 기사는 저작권법의 보호를 받으며, 무단 전재 복사 배포 등을 금지합니다 "
        "Copyright (C) Example. All right reserved.",
    ],
)
def test_notices_in_other_forms_and_languages_are_claimed(line):
    assert claimed(f"The article body says something.\n{line}") == [line]


@pytest.mark.parametrize(
    "line",
    [
        "He said any reproduction of the song without permission was theft, and the court agreed with him.",
        "The landlord said reproduction without permission of the lease was fine by him and his lawyers.",
    ],
)
def test_sentences_about_reproduction_stay_body(line):
    assert claimed(line) == []


def test_a_notice_that_ends_a_long_footer_line_of_links_is_claimed_from_where_it_starts():
    links = " | ".join(f"Service link number {n}" for n in range(12))
    line = f"{links} | This material may not be published, broadcast, rewritten, or redistributed. ©2024 X, LLC."
    assert len(line) > 200
    notice = "This material may not be published, broadcast, rewritten, or redistributed. ©2024 X, LLC."
    assert claimed(line) == [notice]


def test_a_bar_joined_footer_line_holding_a_notice_is_claimed_whole():
    line = (
        "All site contents © Copyright 2023 The Example Times, LLC | 3600 Some Avenue NE | Springfield, DC 20002"
        " | 202-636-3000 | Terms of Service"
    )
    assert boilerplate_reason(line) is None  # too many words for a notice line on its own
    assert claimed(f"The article body says something.\n{line}") == [line]
    # Bars inside prose, or a part that is a sentence, are not a footer.
    prose = (
        "Shares rose sharply on Monday | analysts said the © 2023 filings | showed it had hidden losses for years"
        " | the regulator said"
    )
    assert boilerplate_reason(prose) is None
    assert claimed(prose) == []
