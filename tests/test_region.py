"""The story-region finder on small pages, one behaviour each."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from digest.split._lines import BOILER, PROSE
from digest.split.region import EMPTY, Region, find_region

STORY = [
    "The city council approved a new budget on Monday after a long debate about schools.",
    "Members said the plan would add forty teachers and repair three old buildings.",
    "The mayor thanked the residents who came to the meeting and answered their questions.",
]
NAV = ["Home", "News", "Sport", "Business", "Opinion", "Culture", "Travel", "Weather"]


def body(lines: list[str], region: Region) -> list[str]:
    """The story paragraphs as text, hard-wrapped lines joined with one space."""
    return [" ".join(lines[i].strip() for i in para) for para in region.paragraphs]


def spaced(*blocks: list[str]) -> list[str]:
    """Lay blocks out the way pasted page text looks: a blank line between paragraphs."""
    out: list[str] = []
    for block in blocks:
        for line in block:
            out += [line, ""]
    return out


def test_empty_input_finds_no_story() -> None:
    assert find_region([]) == EMPTY
    assert find_region(["", "   ", ""]) == EMPTY
    assert (EMPTY.start, EMPTY.end, EMPTY.paragraphs) == (-1, -1, ())


def test_navigation_before_the_story_is_left_out() -> None:
    lines = [*NAV, "", *spaced(STORY)]
    region = find_region(lines)
    assert body(lines, region) == STORY
    assert region.start == len(NAV) + 1
    assert region.end == lines.index(STORY[-1])


def test_comment_thread_after_the_story_is_left_out() -> None:
    comments = [
        "3 Comments",
        "jim_b says:",
        "November 19, 2019 at 9:47 am",
        "I think the council should have spent more of the money on the roads instead.",
        "anna says:",
        "November 19, 2019 at 10:01 am",
        "This is the best budget in years and the teachers really deserve the raise.",
    ]
    lines = spaced(STORY, comments)
    region = find_region(lines)
    assert body(lines, region) == STORY
    assert region.reasons[lines.index("3 Comments")].startswith("comments")


def test_comment_header_without_a_heading_still_ends_the_story() -> None:
    comment = [
        "Gary M on September 17, 2018 at 8:50 pm said:",
        "Have you written anything about the trade-off between giving now and later?",
        "It seems that research is still improving quickly, so we might give better later.",
    ]
    lines = spaced(STORY, comment)
    assert body(lines, find_region(lines)) == STORY
    assert find_region(lines).reasons[lines.index(comment[0])] == "comment header"


def test_cookie_notice_is_boilerplate_even_when_long() -> None:
    notice = (
        "This website uses cookies to improve your experience while you navigate through "
        "the website, and some of these cookies are stored in your browser because they are "
        "essential for the basic functions of the website to work as you would expect."
    )
    lines = spaced([notice], STORY, [notice])
    region = find_region(lines)
    assert body(lines, region) == STORY
    assert region.reasons[0] == "cookie notice"


def test_a_story_about_cookies_is_not_a_cookie_notice() -> None:
    recipe = [
        "Cookies are the easiest thing to bake with children on a rainy afternoon at home.",
        "Mix the butter and the sugar, then fold in the flour and the chocolate chips slowly.",
        "Bake the cookies for twelve minutes and let them cool before anyone takes a bite.",
    ]
    lines = spaced(NAV, recipe)
    assert body(lines, find_region(lines)) == recipe


def test_hard_wrapped_paragraphs_are_joined() -> None:
    lines = [
        *NAV,
        "",
        "The city council approved a new budget on Monday after a long",
        "debate about schools, roads and the harbour that lasted well into",
        "the night.",
        "",
        "Members said the plan would add forty teachers and repair three",
        "old buildings before the winter.",
    ]
    region = find_region(lines)
    assert region.paragraphs == ((9, 10, 11), (13, 14))
    assert body(lines, region)[1] == (
        "Members said the plan would add forty teachers and repair three "
        "old buildings before the winter."
    )


def test_fixed_width_text_is_joined_even_where_a_line_starts_in_upper_case() -> None:
    paragraphs = [
        "The harbour authority said on Tuesday that the old pier will close for repairs. "
        "Fishing boats will move to the north quay. Harbour master Anna Berg said the work "
        "should take six weeks. Traders asked for help with the cost of the move.",
        "Residents welcomed the plan but asked for a footpath along the water. The council "
        "will discuss the request in March. Officials expect the pier to reopen in the "
        "summer, in time for the regatta that draws thousands of visitors every year.",
    ]
    lines = [*NAV, ""]
    for para in paragraphs:
        lines += [*textwrap.wrap(para, 60), ""]
    assert body(lines, find_region(lines)) == paragraphs


def test_time_stamps_of_a_live_blog_stay_with_its_entries() -> None:
    lines = spaced(["10:42 a.m."], STORY[:1], ["10:15 a.m."], STORY[1:2], ["9:58 a.m."], STORY[2:])
    assert body(lines, find_region(lines)) == [
        STORY[0],
        "10:15 a.m.",
        STORY[1],
        "9:58 a.m.",
        STORY[2],
    ]


def test_dated_time_stamps_mark_a_comment_thread() -> None:
    comments = [
        "Woyzeck",
        "2 days ago at 07:52 am",
        "I think the council should have spent more of the money on the roads instead.",
        "Nick A",
        "2 days ago at 07:47 am",
        "This is the best budget in years and the teachers really deserve the raise.",
    ]
    lines = spaced(STORY, comments)
    region = find_region(lines)
    assert body(lines, region) == STORY
    assert region.reasons[lines.index(comments[1])] == "time stamp of a comment or teaser"


def test_list_after_a_colon_sentence_stays_in_the_story() -> None:
    items = ["Blue Origin, Kent, Washington", "Ceres Robotics, Palo Alto", "SpaceX, Hawthorne"]
    story = [STORY[0], "The newly selected companies are the following three:", *items, STORY[1]]
    lines = [*NAV, "", *story]
    assert body(lines, find_region(lines)) == story


def test_teasers_after_more_from_are_not_story() -> None:
    teasers = [
        "More from The Daily Example",
        "Voters in a dozen countries will head to the polls for elections next year.",
        "A crash on the highway late last night has left many people injured and stranded.",
    ]
    lines = spaced(STORY, teasers)
    region = find_region(lines)
    assert body(lines, region) == STORY
    assert region.reasons[lines.index(teasers[0])].startswith("end of story")


def test_story_resumes_after_a_related_links_box() -> None:
    box = ["Related", "Storm closes the harbour", "Teachers vote on new contract"]
    lines = spaced(STORY[:2], box, STORY[2:])
    assert body(lines, find_region(lines)) == STORY


def test_caption_and_credit_inside_the_story_are_left_out_with_reasons() -> None:
    caption = "Residents listen to the mayor at the town hall in Springfield, May 2, 2024."
    lines = spaced(STORY[:1], [caption, "REUTERS/Jane Doe"], STORY[1:])
    region = find_region(lines)
    assert body(lines, region) == STORY
    assert region.reasons[lines.index(caption)] == "photo caption"
    assert region.reasons[lines.index("REUTERS/Jane Doe")] == "photo credit"


def test_headline_anchor_skips_prose_above_the_title() -> None:
    promo = [
        "Subscribers get unlimited access to every story, podcast and newsletter we publish.",
        "Our reporters cover the city every day and your support keeps them on the street.",
    ]
    lines = spaced(promo, ["Council passes budget"], STORY)
    assert body(lines, find_region(lines, "Council passes budget")) == STORY


def test_title_that_only_matches_a_teaser_does_not_hide_the_story() -> None:
    lines = spaced(NAV, STORY, ["Most popular", "Council passes budget", "Storm closes harbour"])
    assert body(lines, find_region(lines, "Council passes budget")) == STORY


def test_non_english_page() -> None:
    story = [
        "Der Stadtrat hat am Montag nach einer langen Debatte einen neuen Haushalt beschlossen.",
        "Mit dem Geld sollen vierzig Lehrer eingestellt und drei alte Schulen saniert werden.",
        "Der Bürgermeister dankte allen Bürgern, die zur Sitzung gekommen waren.",
    ]
    lines = spaced(["Startseite", "Politik", "Wirtschaft"], story, ["Kommentare", "Super!"])
    assert body(lines, find_region(lines)) == story


def test_unspaced_cjk_text_counts_as_prose() -> None:
    story = [
        "先日、不正に改造したスマートフォンを販売したとして、商標法違反の疑いで男性が逮捕されました。",
        "報道によると、今回販売されたのは機能制限を解除した端末で、正規品とは異なるものでした。",
    ]
    lines = spaced(
        ["ホーム", "ブログ", "お問い合わせ"], story, ["関連記事", "商標のライセンスって？"]
    )
    assert body(lines, find_region(lines)) == story


def test_every_non_story_line_inside_the_region_has_a_reason() -> None:
    lines = spaced(STORY[:2], ["Advertisement"], STORY[2:])
    region = find_region(lines)
    inside = range(region.start, region.end + 1)
    in_story = {i for para in region.paragraphs for i in para}
    unexplained = [i for i in inside if lines[i].strip() and i not in in_story]
    assert all(i in region.reasons for i in unexplained)
    assert region.reasons[lines.index("Advertisement")] == "advertisement marker"


PIECES = [
    "",
    "Home",
    "Comments",
    "Related",
    "Advertisement",
    "REUTERS/Jane Doe",
    "Read more",
    "The newly selected companies are the following three:",
    "Blue Origin, Kent, Washington",
    "2 days ago at 07:52 am",
    "jim_b says:",
    *STORY,
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_every_line_is_story_or_explained(lines: list[str]) -> None:
    region = find_region(lines)
    in_story = [i for para in region.paragraphs for i in para]
    assert in_story == sorted(set(in_story))
    assert not set(in_story) & set(region.reasons)
    if region.paragraphs:
        assert (region.start, region.end) == (in_story[0], in_story[-1])
        inside = range(region.start, region.end + 1)
        assert all(i in region.reasons for i in inside if lines[i].strip() and i not in in_story)
    else:
        assert (region.start, region.end) == (-1, -1)


def test_read_more_heading_inside_the_story_keeps_the_paragraphs_above() -> None:
    lines = spaced(STORY[:2], ["Read More"], STORY[2:])
    region = find_region(lines)
    assert body(lines, region) == STORY
    assert region.reasons[lines.index("Read More")].startswith("box of links")


def test_every_line_carries_its_kind_and_word_count() -> None:
    lines = spaced(NAV[:1], STORY[:1], ["Share", "Facebook", "X"])
    region = find_region(lines)
    nonblank = [i for i, line in enumerate(lines) if line]
    assert list(region.kinds) == list(region.words) == nonblank
    assert region.words[lines.index(STORY[0])] == len(STORY[0].split())
    assert region.kinds[lines.index(STORY[0])] == PROSE
    # A one-letter network name is a share button beside the others.
    assert region.reasons[lines.index("X")] == "share buttons"
    assert region.kinds[lines.index("X")] == BOILER
