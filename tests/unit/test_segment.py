from pathlib import Path

from warday.transform import segment as segment_module
from warday.transform.segment import blocks, is_caption, is_heading, looks_like_digest, segment

DIGEST = """Lead sentence one. Lead sentence two.

Strike on Kharkiv kills three

Russian drones hit Kharkiv overnight. Three people died.

Second paragraph of the strike story.

Talks in Riyadh

Delegations met in Riyadh on Monday."""

THEMED = """Summary of the day.

Fighting

- Russian forces shelled Kherson. Two people were wounded.
- Ukraine struck an airfield in Crimea.

Diplomacy

- Zelensky met Macron in Paris."""


def test_headed_digest() -> None:
    parts = segment("Day 1,160: x", DIGEST, digest=True)
    assert [p.headline for p in parts] == [
        "Day 1,160: x",
        "Strike on Kharkiv kills three",
        "Talks in Riyadh",
    ]
    assert parts[0].section == "summary"
    assert parts[1].text.endswith("Second paragraph of the strike story.")
    assert [p.ordinal for p in parts] == [0, 1, 2]


def test_bullets_under_themes() -> None:
    parts = segment("Day 5: y", THEMED, digest=True)
    assert [(p.section, p.headline) for p in parts[1:]] == [
        ("Fighting", "Russian forces shelled Kherson."),
        ("Fighting", "Ukraine struck an airfield in Crimea."),
        ("Diplomacy", "Zelensky met Macron in Paris."),
    ]


def test_live_blog_timestamps() -> None:
    body = "Intro.\n\n09:15 Air raid alert in Kyiv. Sirens sounded.\n\n10:40 GMT - All clear given."
    parts = segment("Day 900: live", body, digest=True)
    assert [p.headline for p in parts[1:]] == ["Air raid alert in Kyiv.", "All clear given."]


def test_plain_article_is_one_entry() -> None:
    parts = segment("Title", DIGEST, digest=False)
    assert len(parts) == 1 and parts[0].headline == "Title" and parts[0].text == DIGEST


def test_heading_rules() -> None:
    assert is_heading("Talks in Riyadh")
    assert not is_heading("This ends with a full stop.")
    assert not is_heading("- a bullet")
    assert not is_heading("lower case start")


def test_heading_rules_are_conservative() -> None:
    assert is_heading("FIGHTING")
    assert is_heading("Fighting:")
    assert is_heading("Politics and diplomacy:")
    assert is_heading('Zelensky calls the truce offer "manipulation"')
    assert is_heading("**Weapons**")
    assert is_heading("1,000 days of war")
    assert not is_heading("Here is what we know about the attacks so far on Monday:")
    assert not is_heading('He called the strike "a crime against humanity."')
    assert not is_heading("Sybiha said Moscow could stop firing today if it wanted peace")
    assert not is_heading("By the Europe desk")
    assert not is_heading("Updated 21:40 Kyiv time")
    assert not is_heading("14:05 GMT Sirens in Kyiv")
    assert not is_heading("Two spans collapsed. Traffic stopped")


def test_one_line_sentences_do_not_split_a_digest() -> None:
    body = (
        "Russian troops kept attacking near Pokrovsk.\n\n"
        "Kyiv said the truce changed nothing\n\n"
        "The Kremlin repeated that it was open to talks."
    )
    parts = segment("Day 1,161: x", body, digest=True)
    assert len(parts) == 1 and parts[0].text == body


def test_caps_and_colon_themes_over_bullets() -> None:
    body = (
        "Lead.\n\nFIGHTING\n\n- Shelling hit Kherson.\n\n"
        "Sanctions:\n- The EU adopted a package.\n- Britain listed 100 targets."
    )
    parts = segment("Day 1,097: x", body, digest=True)
    assert [(p.section, p.headline) for p in parts] == [
        ("summary", "Day 1,097: x"),
        ("FIGHTING", "Shelling hit Kherson."),
        ("Sanctions", "The EU adopted a package."),
        ("Sanctions", "Britain listed 100 targets."),
    ]


def test_wrapped_bullet_stays_one_item() -> None:
    body = (
        "Lead.\n\nFighting\n\n"
        "\u2022 Russian forces shelled\n  Kherson overnight.\n\u2022 Drones hit Odesa."
    )
    parts = segment("Day 238: x", body, digest=True)
    assert [p.text for p in parts[1:]] == [
        "Russian forces shelled Kherson overnight.",
        "Drones hit Odesa.",
    ]


def test_theme_over_headed_sub_stories() -> None:
    body = (
        "Lead.\n\nDIPLOMACY\n\nLeaders in Kyiv\n\nThey arrived by train.\n\n"
        "Vote at the UN\n\nThe assembly voted.\n\nSANCTIONS\n\n- The EU adopted a package."
    )
    parts = segment("Day 1,097: x", body, digest=True)
    assert [(p.section, p.headline) for p in parts[1:]] == [
        ("DIPLOMACY", "Leaders in Kyiv"),
        ("DIPLOMACY", "Vote at the UN"),
        ("SANCTIONS", "The EU adopted a package."),
    ]


def test_heading_after_a_bullet_theme_opens_a_plain_sub_story() -> None:
    body = "Lead.\n\nFighting\n\n- Shelling hit Kherson.\n\nTalks in Riyadh\n\nDelegations met."
    parts = segment("Day 1,100: x", body, digest=True)
    assert [(p.section, p.headline) for p in parts[1:]] == [
        ("Fighting", "Shelling hit Kherson."),
        (None, "Talks in Riyadh"),
    ]


def test_intro_line_with_colon_stays_in_the_summary() -> None:
    body = "Lead.\n\nHere's the latest:\n\nFighting\n\n- Shelling hit Kherson."
    parts = segment("Day 5: x", body, digest=True)
    assert parts[0].text == "Lead.\n\nHere's the latest:"
    assert [(p.section, p.headline) for p in parts[1:]] == [("Fighting", "Shelling hit Kherson.")]


def test_headings_repeating_the_lead() -> None:
    body = (
        "The dam was destroyed early on Tuesday. Water flooded towns downstream.\n\n"
        "The dam was destroyed early on Tuesday.\n\nIt held a huge reservoir.\n\n"
        "Water flooded towns downstream.\n\nKherson was among the worst hit."
    )
    parts = segment("Day 468: x", body, digest=True)
    assert [p.headline for p in parts] == [
        "Day 468: x",
        "The dam was destroyed early on Tuesday.",
        "Water flooded towns downstream.",
    ]
    assert parts[1].text == "It held a huge reservoir."


def test_bulleted_lead_repeated_by_headings_stays_the_summary() -> None:
    lead = "Key developments:\n- Kyiv backed the ceasefire plan.\n- Washington resumed aid to Kyiv."
    body = (
        f"{lead}\n\nKyiv backed the ceasefire plan.\n\nTalks lasted hours.\n\n"
        "Washington resumed aid to Kyiv.\n\nIt had paused aid."
    )
    parts = segment("Day 1,112: x", body, digest=True)
    assert parts[0].text == lead
    assert [p.headline for p in parts[1:]] == [
        "Kyiv backed the ceasefire plan.",
        "Washington resumed aid to Kyiv.",
    ]


def test_a_single_repeated_sentence_is_not_enough() -> None:
    body = (
        "Drones hit Kharkiv overnight again.\n\nDrones hit Kharkiv overnight again.\n\nMore text."
    )
    assert len(segment("Day 900: x", body, digest=True)) == 1


def test_live_blog_stamp_forms() -> None:
    body = (
        "Intro.\n\n05.30 BST\n\nFire on the bridge\n\nVideo showed a fireball.\n\n"
        "07.15 BST\nPart of the bridge collapsed\nTwo spans fell.\n\n"
        "10.40 BST - Putin orders an inquiry. A commission was set up.\n\n"
        "2.50 million people have left the region, officials estimate."
    )
    parts = segment("Day 227: live", body, digest=True)
    assert [(p.section, p.headline, p.text) for p in parts[1:]] == [
        ("live", "Fire on the bridge", "Video showed a fireball."),
        ("live", "Part of the bridge collapsed", "Two spans fell."),
        (
            "live",
            "Putin orders an inquiry.",
            "Putin orders an inquiry. A commission was set up.\n\n"
            "2.50 million people have left the region, officials estimate.",
        ),
    ]


def test_numbered_items_and_numbered_headings() -> None:
    items = segment("Day 366: x", "Lead.\n\n1. First thing. More.\n\n2) Second thing.", digest=True)
    assert [p.headline for p in items[1:]] == ["First thing.", "Second thing."]
    headed = segment(
        "Day 366: x",
        "Lead.\n\n1. Ceasefire talks\n\nThey stalled.\n\n2. Aid\n\nIt came.",
        digest=True,
    )
    assert [(p.headline, p.text) for p in headed[1:]] == [
        ("Ceasefire talks", "They stalled."),
        ("Aid", "It came."),
    ]


def test_lead_phrase_bullets() -> None:
    body = (
        "Lead.\n\nStrikes\n\n"
        "- **Kyiv:** A missile hit a hospital. Patients moved.\n- Dnipro: Homes hit."
    )
    parts = segment("Day 866: x", body, digest=True)
    assert [(p.section, p.headline) for p in parts[1:]] == [
        ("Strikes", "Kyiv: A missile hit a hospital."),
        ("Strikes", "Dnipro: Homes hit."),
    ]


def test_one_paragraph_per_line_text() -> None:
    body = (
        "Day 1,136: x\nLead sentence.\nStrike on Kryvyi Rih\nA missile hit.\nMore detail.\n"
        "Zelensky responds\nHe spoke.\n- A bullet that\nwraps onto the next line."
    )
    parts = segment("Day 1,136: x", body, digest=True)  # the repeated title line is dropped
    assert [(p.headline, p.text) for p in parts] == [
        ("Day 1,136: x", "Lead sentence."),
        ("Strike on Kryvyi Rih", "A missile hit.\n\nMore detail."),
        ("Zelensky responds", "He spoke."),
        ("A bullet that wraps onto the next line.", "A bullet that wraps onto the next line."),
    ]


def test_blocks_split_on_blank_lines_or_lines() -> None:
    assert blocks("a\nb\n\nc") == ["a\nb", "c"]
    assert blocks("a\nb\nc") == ["a", "b", "c"]
    assert blocks("one paragraph") == ["one paragraph"]


def test_unchanged_sub_stories_keep_ordinal_and_headline_after_a_revision() -> None:
    revised = DIGEST.replace("Three people died.", "Four people died.")
    before = segment("Day 1,160: x", DIGEST, digest=True)
    after = segment("Day 1,160: x", revised, digest=True)
    assert [(p.ordinal, p.headline) for p in before] == [(p.ordinal, p.headline) for p in after]
    assert [p.text == q.text for p, q in zip(before, after, strict=True)] == [True, False, True]


def test_digests_recognised_by_structure_not_only_by_number() -> None:
    from warday.transform.segment import looks_like_digest

    assert looks_like_digest("World News in Brief: floods, talks", "Text.")
    assert looks_like_digest("Ukraine war briefing: Drones hit Lviv", "Text.")
    assert looks_like_digest("The Real Russia. Today.", "Text.")
    bold = "\n".join(f"**Lead {i} happened.** Body {i}." for i in range(3))
    assert looks_like_digest("Assorted notes", bold)
    stamps = "\n".join(f"{h}:15 p.m.: Item {h} happened." for h in (9, 8, 7))
    assert looks_like_digest("Assorted notes", stamps)
    takeaways = "Key takeaways:\n- One thing.\n- Another thing.\n- A third thing.\nBody."
    assert looks_like_digest("Assorted notes", takeaways)
    article = (
        "Kharkiv, Ukraine – The bell rings at 8:30.\nLessons in shifts\n"
        "Classes are held in two shifts.\n- a quoted list item\nA city built for war\nMore."
    )
    assert not looks_like_digest("In Kharkiv, schools move underground", article)


def test_long_headings_with_abbreviations_and_quotes() -> None:
    assert is_heading(
        "Russia's demands for a truce run counter to U.S.-proposed plan, Kremlin aide tells"
        ' "Rossiya" channel'
    )
    assert not is_heading("In fact, 21 migrants died every day in 2025, according to")
    assert not is_heading("Children queue for water in a camp near the city (file)")
    assert not is_heading("Troops at a position near Pokrovsk [File: Name/Agency]")
    assert not is_heading("February 27, 2026")
    assert not is_heading("REUTERS")


def test_news_in_brief_crossheads_stay_in_their_story() -> None:
    body = (
        "Strikes on power plants were condemned by the UN on Thursday.\n"
        "Repair crews at risk\nEngineers were exposed to repeat strikes.\n"
        "Cholera cases surge in Sudan as rainy season begins early\n"
        "More than 4,000 cases were reported.\nVaccination drive\nTeams plan to reach villages.\n"
        "UN agency warns of locust swarms across the Sahel after heavy rains\n"
        "Swarms are forming in Niger."
    )
    parts = segment("World News in Brief: x", body, digest=True)
    assert [p.headline for p in parts] == [
        "World News in Brief: x",
        "Cholera cases surge in Sudan as rainy season begins early",
        "UN agency warns of locust swarms across the Sahel after heavy rains",
    ]
    assert "Vaccination drive" in parts[1].text


def test_lone_dash_bullets_and_item_headings() -> None:
    body = (
        "Where things stand\n-\nDrones hit Odesa overnight.\n-\nKyiv and Moscow swapped prisoners."
    )
    parts = segment("Day 1,200: x", body, digest=True)
    assert [(p.section, p.text) for p in parts] == [
        ("Where things stand", "Drones hit Odesa overnight."),
        ("Where things stand", "Kyiv and Moscow swapped prisoners."),
    ]
    items = segment(
        "The Real Russia. Today.",
        "The war\n\u2022 \U0001f6e2 Depot fire in Bryansk: A drone hit it.\n\u2022 Kyiv: Sirens.",
        digest=True,
    )
    # a named item keeps its name; a place before a colon is no headline
    assert [p.headline for p in items] == ["Depot fire in Bryansk", "Kyiv: Sirens."]


def test_a_title_joining_two_topics_without_matching_headings_stays_one_article() -> None:
    title = "Zelensky visits Washington and Trump meets Putin"
    body = (
        "Volodymyr Zelensky arrived in Washington on Monday for talks at the White House.\n"
        "Aid package\n"
        "Officials said a new package of air defence missiles would be announced this week.\n"
    )
    assert not looks_like_digest(title, body)


def test_a_stamp_and_author_line_never_becomes_a_headline() -> None:
    body = (
        "The day's summary opens the page with the main developments of the morning.\n"
        "Drones hit Odesa port overnight\n"
        "06:10 , Jane Holloway\n"
        "Russian drones struck port facilities in Odesa, the regional governor said.\n"
        "Kharkiv shelled again\n"
        "05:40 , Tom Barrow\n"
        "Shelling damaged houses in two districts of Kharkiv, officials said.\n"
    )
    segments = segment("Ukraine war - live: drones hit Odesa", body, digest=True)
    assert [s.headline for s in segments[1:]] == [
        "Drones hit Odesa port overnight",
        "Kharkiv shelled again",
    ]
    assert all("Holloway" not in s.text and "Barrow" not in s.text for s in segments)


def test_prose_after_a_summary_list_is_a_story_but_a_page_invitation_is_not() -> None:
    body = "\n".join(
        [
            "Here is a recap of the day:",
            "- Russian drones hit a power plant in the Kharkiv region overnight.",
            "- Ukraine's air force said it downed 52 of the 70 drones launched.",
            "- Kyiv and Washington agreed to meet again next week in Geneva.",
            "Separately, Finland announced another package of military aid for Ukraine.",
            "Follow our live coverage of the war for all the latest updates from our reporters.",
        ]
    )
    parts = segment("", body, digest=True)
    finland = [p for p in parts if p.text.startswith("Separately, Finland")]
    assert len(finland) == 1 and "Follow our live coverage" in finland[0].text
    assert not any(p.headline.startswith("Follow our") for p in parts)


CAPTIONS = [
    "Rescuers at the site in Kyiv (file)",
    "Soldiers near Bakhmut. Photograph: Name Surname/Reuters",
    "A damaged building [File: Name Surname/AFP]",
    "Firefighters work at the scene. Getty Images",
    "\u00a9 Agency 2025",
    "Zelensky in Berlin (AP Photo/Name Surname)",
]


def test_captions_are_told_by_their_cues_as_by_the_full_pattern() -> None:
    """is_caption skips the caption pattern for lines without a cue; it must answer as the
    pattern does, on captions and on every line of the project's own dispatches."""
    root = Path(__file__).resolve().parents[2]
    lines = [
        line
        for path in [*root.glob("seeds/*.txt"), *root.glob("tests/fixtures/**/*.txt")]
        for line in path.read_bytes().decode("utf-8", "replace").splitlines()
    ]
    assert len(lines) > 200
    assert all(is_caption(c) for c in CAPTIONS)
    for line in [*CAPTIONS, *lines]:
        assert is_caption(line) == (segment_module._CAPTION.search(line) is not None), line
