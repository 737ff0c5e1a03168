from transform.segment import is_heading, segment

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
