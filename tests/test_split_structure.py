"""What the splitter finds around the story body: headline block, lead photo, teasers."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.split import SplitResult, split_text

ARTICLES = Path(__file__).resolve().parent / "data" / "articles"
PARAGRAPHS = (
    "The council voted on Tuesday to raise the sea wall along the northern harbour by a "
    "metre, after two storms in one month flooded the market square.",
    "Engineers told the meeting that the wall was designed in the 1960s for a storm that "
    "was expected once in fifty years. Such storms have now come three times in a decade.",
    "The work will cost about twelve million euros and should be finished before next "
    "autumn, the council said. Residents will be asked to move their cars.",
)
HEADLINE = "Harbour towns brace for a wetter winter"
# The story of the test pages that share the harbour text.
STORY_FILE_BODY = (
    "The council voted on Tuesday to raise the sea wall along the northern harbour by a "
    "metre, after two storms in one month flooded the market square and closed the ferry "
    "terminal for a week.",
    "Engineers told the meeting that the wall was designed in the 1960s for a storm that was "
    "expected once in fifty years. Such storms have now arrived three times in the past "
    "decade, and the water reached the top of the wall each time.",
    "The work will cost about twelve million euros and should be finished before next "
    "autumn, the council said. Residents along the quay will be asked to move their cars to "
    "the upper town whenever a storm warning is issued.",
)


def split_file(name: str, **hints: str) -> SplitResult:
    return split_text((ARTICLES / f"{name}.txt").read_text("utf-8"), **hints)


def page(*lines: str) -> str:
    return "\n\n".join(lines) + "\n"


def roles(result: SplitResult) -> dict[str, str]:
    """Map each line's text to its role (the test pages repeat no line)."""
    return {label.text: label.role for label in result.labels}


def reasons(result: SplitResult) -> dict[str, str]:
    return {b.text: b.reason for b in result.boilerplate}


def test_kicker_dek_and_section_surround_the_headline() -> None:
    result = split_file("kicker_dek_section_around_headline")
    story = result.story
    assert story.kicker == ("Climate", "Energy")
    assert story.title == HEADLINE
    assert story.dek is not None and story.dek.startswith("Engineers say the old sea walls")
    assert story.section == "Coastal Desk"
    assert len(story.body) == 4
    assert "Skip to main content" in reasons(result)


def test_a_run_of_short_lines_above_the_headline_is_a_menu() -> None:
    result = split_file("menu_above_headline")
    assert result.story.kicker == ()
    assert result.story.title == HEADLINE
    menu = reasons(result)
    assert [menu[item] for item in ("News", "Sport", "Business", "Culture", "Travel")] == [
        "menu above the headline"
    ] * 5


def test_bylines_are_boilerplate_not_standfirst() -> None:
    result = split_file("byline_under_headline")
    assert result.story.dek is None
    found = reasons(result)
    assert found["By Marta Rossi and Hiro Tanaka"] == "byline or dateline"
    assert found["Updated 10:42 am, March 3, 2024"] == "byline or dateline"


def test_photo_credit_line_after_the_story_belongs_to_the_lead_photo() -> None:
    result = split_file("credit_line_after_story")
    image = result.story.lead_image
    assert image is not None and image.caption is None and image.credit is None
    assert image.credit_line is not None and image.credit_line.startswith("Photo credit: Waves")
    assert len(result.story.body) == 3
    assert result.teasers == ()
    assert "Share this article" in reasons(result)


def test_more_from_opens_teasers_with_their_own_photos() -> None:
    result = split_file("more_from_source_teasers")
    image = result.story.lead_image
    assert image is not None
    assert image.caption == (
        "Waves break over the northern harbour wall during the second storm of the month."
    )
    assert image.credit == "AP Photo/Anna Weber"
    assert result.more_from == "The Coast Courier"
    first, second = result.teasers
    assert first.image is None and first.title is None
    assert first.summary[0].startswith("Fishermen say")
    assert second.image is not None and second.image.credit == "AP Photo/Lena Fischer"
    assert second.image.caption is not None and second.image.caption.startswith("Farmers")
    assert len(second.summary) == 1 and second.summary[0].startswith("Grape growers")
    assert (first.line, second.line) == (14, 16)


def test_read_more_links_close_teasers_and_comments_end_them() -> None:
    result = split_file("read_more_closes_teasers")
    ferry, schools = result.teasers
    assert ferry.title == "Ferry company cuts winter sailings"
    assert ferry.section == "Transport"
    assert len(ferry.summary) == 2  # both paragraphs up to the read-more link
    assert schools.title == "Schools reopen after the floods"
    assert schools.section == "Education"
    found = reasons(result)
    assert found["Related"] == "teaser list heading"
    assert found["Read more"] == "read-more link"
    comment = next(text for text in found if text.startswith("I have lived on the quay"))
    assert found[comment] == "after teasers"


def test_sponsored_teasers_by_label_or_call_to_action() -> None:
    result = split_file("sponsored_teaser")
    news, labelled, promo = result.teasers
    assert not news.sponsored
    assert labelled.sponsored  # under a "Sponsored" label
    assert promo.sponsored  # ends by telling the reader to "Learn more"
    found = reasons(result)
    assert found["Sponsored"] == "sponsor label"
    # The newsletter prompt ends the teaser list: the line after it is no teaser.
    assert found["Newsletter"] == "subscription prompt"
    assert found["Get the week's best stories from the coast in your inbox every Friday morning."]


def test_presented_by_marks_the_teaser_above_it() -> None:
    text = page(
        HEADLINE,
        *PARAGRAPHS,
        "Related",
        "Ferry company cuts winter sailings",
        "The island ferry will sail twice a day from November.",
        "Presented by Northwind Shipping",
    )
    (teaser,) = split_text(text).teasers
    assert teaser.sponsored


def test_teaser_headings_in_other_languages() -> None:
    result = split_file("german_teaser_heading")
    assert result.story.title == "Hafenstädte rüsten sich für einen nassen Winter"
    (teaser,) = result.teasers
    assert teaser.title == "Fährgesellschaft streicht Winterfahrten"
    found = reasons(result)
    assert found["Mehr zum Thema"] == "teaser list heading"
    assert found["Anzeige"] == "sponsor label"
    assert "Alle Rechte vorbehalten" in found


def test_a_page_without_story_keeps_every_line_as_boilerplate() -> None:
    result = split_file("no_story_only_menu")
    assert result.story.body == ()
    assert result.story.title is None
    assert [b.text for b in result.boilerplate] == ["Home", "News", "Sport", "Weather", "Sign in"]


def test_title_hint_wins_over_the_nearest_headline() -> None:
    hinted = "By the numbers: harbour repairs"
    text = page("Coast Courier", hinted, HEADLINE, *PARAGRAPHS)
    result = split_text(text, title=hinted, source="Coast Courier")
    assert result.story.title == hinted
    assert roles(result)["Coast Courier"] == "boilerplate"
    assert reasons(result)["Coast Courier"] == "site name"


def test_without_hint_the_headline_is_nearest_the_story() -> None:
    text = page("Got a news tip? Tell us", "Weather", HEADLINE, *PARAGRAPHS)
    assert split_text(text).story.title == HEADLINE


def test_a_longer_line_under_a_headline_ending_in_a_stop_is_its_standfirst() -> None:
    title = "Floods close the harbour."
    dek = "Engineers say the walls were never built for storms like these"
    story = split_text(page(title, dek, *PARAGRAPHS)).story
    assert (story.title, story.dek) == (title, dek)


def test_a_copy_of_the_section_label_ends_the_story() -> None:
    text = page(
        HEADLINE,
        "QiOSK",
        *PARAGRAPHS,
        "QiOSK",
        "The Pentagon spent $4 trillion over five years and contractors got more than half "
        "of it, a new research paper by two analysts found this week.",
    )
    result = split_text(text)
    assert result.story.section == "QiOSK"
    assert result.story.body == PARAGRAPHS
    assert [b.reason for b in result.boilerplate] == ["repeated section label", "after story"]


def test_crlf_text_splits_like_lf_text() -> None:
    text = (ARTICLES / "read_more_closes_teasers.txt").read_text("utf-8")
    lf, crlf = split_text(text), split_text(text.replace("\n", "\r\n"))
    assert lf == crlf


def test_a_share_button_letter_is_no_section_label() -> None:
    result = split_file("share_button_letter_above_story")
    assert result.story.section is None
    found = reasons(result)
    assert [found[button] for button in ("Facebook", "Email", "X")] == ["share buttons"] * 3
    assert result.story.body == STORY_FILE_BODY


def test_a_date_above_the_story_is_a_dateline_not_a_section() -> None:
    result = split_file("dateline_right_above_story")
    assert result.story.section is None
    assert result.story.title == HEADLINE
    assert reasons(result)["15 November 2024"] == "byline or dateline"


@pytest.mark.parametrize(
    "dateline",
    [
        "Published Nov. 12, 2024, 5:52 p.m.",
        "Updated 12 November 2024",
        "Veröffentlicht am 12.11.2024, 17:52 Uhr",
        "Veröffentlicht am 12.11.2024",
        "Aktualisiert: 12.11.2024",
        "Publié le 12 novembre 2024 à 17h52",
        "Publicado el 12 de noviembre de 2024",
        "Pubblicato il 12/11/2024",
        "Опубликовано 12.11.2024",
        "Gepubliceerd op 12 november 2024",
        "Nov. 12, 2024, 5:52 p.m.",
        "Tuesday, 12 November 2024",
        "12.11.2024 17:52",
        "12 November",
    ],
)
def test_a_dateline_is_never_headline_standfirst_section_or_body(dateline: str) -> None:
    result = split_text(page(HEADLINE, "By Colin Maitland", dateline, *PARAGRAPHS))
    story = result.story
    assert (story.title, story.dek, story.section) == (HEADLINE, None, None)
    assert story.body == PARAGRAPHS
    assert reasons(result)[dateline] == "byline or dateline"


def test_without_a_title_hint_the_headline_is_not_the_dateline() -> None:
    result = split_file("published_dateline_without_title_hint")
    assert result.story.title == HEADLINE
    assert result.story.kicker == ("Waterfront",)
    assert result.story.dek is None
    assert reasons(result)["Published Nov. 12, 2024, 5:52 p.m."] == "byline or dateline"
    assert result.story.body == STORY_FILE_BODY
    # The same text gives the same labels on every run.
    assert split_file("published_dateline_without_title_hint") == result


def test_footer_links_and_copyright_are_boilerplate_not_a_sponsored_teaser() -> None:
    result = split_file("footer_legal_links_after_teasers")
    assert [t.title for t in result.teasers] == [
        "Ferry company cuts winter sailings",
        "Schools reopen after the floods",
    ]
    assert not any(t.sponsored for t in result.teasers)
    found = reasons(result)
    assert found["Cookies | Privacy | Terms and conditions"] == "legal links"
    assert found["© 2024 Coast Courier Ltd"] == "copyright line"


def test_tags_under_a_topics_heading_are_a_topic_list() -> None:
    result = split_file("topic_list_after_teasers")
    (teaser,) = result.teasers
    assert teaser.title == "Ferry company cuts winter sailings"
    found = reasons(result)
    tags = ("Topics", "Floods", "Ferries", "Harbour works")
    assert [found[tag] for tag in tags] == ["topic list"] * 4
    # "Coast" is also the kicker: among the tags it is a tag all the same.
    coast = [label.reason for label in result.labels if label.text == "Coast"]
    assert coast == ["short label above the headline", "topic list"]
    assert found["© Coast Courier Media 2024"] == "copyright line"


def test_copyright_lines_after_a_teaser_photo_are_no_photo_credits() -> None:
    result = split_file("copyright_lines_after_teaser_photo")
    (teaser,) = result.teasers
    assert teaser.image is not None and teaser.image.credit == "Photo: Anna Weber/Coast Courier"
    found = reasons(result)
    assert found["© 2024 Coast Courier Verlag GmbH"] == "copyright line"
    assert found["© Coast Courier Media 2024"] == "copyright line"
