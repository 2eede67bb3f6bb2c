"""Extraction as evidence: the extractor's text aligned back onto the page's blocks."""

from __future__ import annotations

from cleaners.document.align import main_flags, without_navigation
from cleaners.document.linearise import linearise
from cleaners.document.parse import parse_html

PARAS = [
    "The council voted on Tuesday to extend the tram line to the eastern suburbs after three years of dispute.",
    "Engineers said construction would begin in the spring and take about two years to finish.",
    "Opponents argued that the extension would raise rents near the new stations along the river road.",
]


def page(html: str):
    return linearise(parse_html(html))


def main_text(text: str, blocks, flags) -> list[str]:
    return [text[b.start : b.end] for b, f in zip(blocks, flags, strict=True) if f]


def test_the_blocks_an_extractor_printed_in_its_own_layout_are_main_content():
    html = (
        "<body><nav><p>Home</p><p>News</p></nav><table><tr><td>" + PARAS[0] + "</td><td>" + PARAS[1] + "</td></tr>"
        "</table><ul><li>" + PARAS[2] + "</li></ul><footer><p>Contact us today</p></footer></body>"
    )
    text, blocks = page(html)
    # trafilatura prints table rows as "| a | b |" and list items as "- x", in upper case here and there.
    extracted = f"| {PARAS[0]} | {PARAS[1]} |\n- {PARAS[2]}"
    assert main_text(text, blocks, main_flags(text, blocks, extracted)) == PARAS


def test_a_whole_article_printed_as_one_line_is_found_piece_by_piece():
    quote = "“A pull quote the page shows first,” she said."
    html = "<body><blockquote>" + quote + "</blockquote>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</body>"
    text, blocks = page(html)
    extracted = " ".join(PARAS) + " " + quote  # one line, and the quote in another place than the page's
    assert set(main_text(text, blocks, main_flags(text, blocks, extracted))) == {quote, *PARAS}


def test_a_repeated_short_line_is_matched_after_the_previous_match():
    html = "<body><p>Share</p>" + "".join(f"<p>{p}</p>" for p in PARAS) + "<p>Share</p></body>"
    text, blocks = page(html)
    flags = main_flags(text, blocks, "\n".join([*PARAS, "Share"]))
    assert flags == [False, True, True, True, True]  # the second "Share", not the first


def test_menus_link_bars_and_kept_lists_of_linked_headlines_leave_the_main_content():
    html = (
        "<body><table><tr><td><a href='/'>Home</a></td></tr><tr><td><a href='/s'>Sports</a></td></tr>"
        f"<tr><td><p>{PARAS[0]}</p><p><a href='/f'>Full statement</a></p><p>{PARAS[1]}</p>"
        "<p><a href='/fb'>Facebook</a> | <a href='/tw'>Twitter</a> | <a href='/p'>Print</a></p>"
        "<p>Most read</p><p><a href='/1'>Council approves the new budget after a long debate</a></p>"
        "<p><a href='/2'>Ferry fares rise for the first time in a decade</a></p></td></tr></table></body>"
    )
    text, blocks = page(html)
    everything = [True] * len(blocks)
    kept = main_text(text, blocks, without_navigation(text, blocks, everything))
    # A single linked line inside the article stays; menus, the share bar and the titled list go.
    assert kept == [PARAS[0], "Full statement", PARAS[1]]
