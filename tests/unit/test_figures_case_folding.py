"""Number words written with letters that case-fold oddly ("\u017f" is a long s)."""

from decimal import Decimal

import pytest

from warday.transform.figures import find_figures
from warday.transform.tagging import tag


@pytest.mark.parametrize(
    "sentence",
    [
        "\u017fix people were killed",
        "S\u0130X people were killed",
        "s\u0131x people were killed",
        "\u017feven people were killed",
    ],
)
def test_number_words_with_odd_case_letters_are_read(sentence: str) -> None:
    (figure,) = find_figures(sentence)
    assert figure.kind == "killed"
    assert figure.value in (Decimal(6), Decimal(7))


def test_odd_case_vague_amount_and_qualifier() -> None:
    (figure,) = find_figures("hundred\u017f of people were killed")
    assert figure.qualifier == "vague" and figure.low == Decimal(200) and figure.value is None
    (figure,) = find_figures("\u017fome 40 people were killed")
    assert figure.qualifier == "about"


def test_tagging_a_sentence_with_an_odd_case_number_word() -> None:
    tag("\u017fix people were killed in a strike on Kharkiv.")
