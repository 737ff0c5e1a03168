from warday.pipeline import entry_key, match_keys
from warday.transform.segment import Segment


def seg(ordinal: int, headline: str) -> Segment:
    return Segment(ordinal, headline, f"text of {headline}")


def previous(doc: str, headlines: list[str]) -> list[dict]:
    return [
        {"ordinal": i, "headline": h, "entry_key": entry_key(doc, i, h)}
        for i, h in enumerate(headlines)
    ]


def test_unchanged_digest_keeps_keys() -> None:
    old = previous("d", ["Lead", "A", "B"])
    assert match_keys("d", [seg(0, "Lead"), seg(1, "A"), seg(2, "B")], old) == [
        p["entry_key"] for p in old
    ]


def test_inserted_sub_story_moves_no_other_key() -> None:
    old = previous("d", ["Lead", "A", "B"])
    keys = match_keys("d", [seg(0, "Lead"), seg(1, "New"), seg(2, "A"), seg(3, "B")], old)
    assert keys[0] == old[0]["entry_key"]
    assert keys[2:] == [old[1]["entry_key"], old[2]["entry_key"]]
    assert keys[1] not in {p["entry_key"] for p in old}


def test_edited_headline_keeps_its_position_key() -> None:
    old = previous("d", ["Lead", "Fighting near Sudzha", "B"])
    keys = match_keys("d", [seg(0, "Lead"), seg(1, "Fighting around Sudzha"), seg(2, "B")], old)
    assert keys == [p["entry_key"] for p in old]


def test_repeated_headline_gets_distinct_keys() -> None:
    old = previous("d", ["Lead", "Update", "Update"])
    keys = match_keys("d", [seg(0, "Lead"), seg(1, "Update"), seg(2, "Update")], old)
    assert len(set(keys)) == 3


def test_new_document_keys_are_deterministic() -> None:
    segments = [seg(0, "Lead"), seg(1, "A")]
    assert match_keys("d", segments, []) == match_keys("d", segments, [])
    assert match_keys("d", segments, []) != match_keys("e", segments, [])


def test_new_key_never_collides_with_an_old_one() -> None:
    old = previous("d", ["X", "H"])
    keys = match_keys("d", [seg(0, "H"), seg(1, "H")], old)
    assert len(set(keys)) == 2 and keys[0] == old[1]["entry_key"]
