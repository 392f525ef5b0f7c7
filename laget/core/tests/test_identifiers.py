"""Identifier rules from domain.md, on hand-made examples and generated ones."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from laget.core.identifiers import (
    NIN_K1_WEIGHTS,
    NIN_K2_WEIGHTS,
    ORG_NUMBER_WEIGHTS,
    NationalIdKind,
    is_valid_hpr_number,
    is_valid_org_number,
    mask_national_id,
    mod11_check_digit,
    national_id_kind,
    validate_org_number,
)


def make_org_number(first8: list[int]) -> str | None:
    check = mod11_check_digit(first8, ORG_NUMBER_WEIGHTS)
    return None if check is None else "".join(map(str, [*first8, check]))


def make_nin(first9: list[int], k1_remainder: int = 0) -> str | None:
    """A national id with check digits; `k1_remainder` > 0 builds a 2032-rule number."""
    k1_sum = sum(d * w for d, w in zip(first9, NIN_K1_WEIGHTS, strict=True))
    k1 = (k1_remainder - k1_sum) % 11
    if k1 == 10:
        return None
    k2 = mod11_check_digit([*first9, k1], NIN_K2_WEIGHTS)
    if k2 is None:
        return None
    return "".join(map(str, [*first9, k1, k2]))


def nin(date6: str, k1_remainder: int = 0) -> str:
    """The first number with this date part whose check digits work out."""
    for individual in range(123, 1000):
        digits = [int(c) for c in f"{date6}{individual:03d}"]
        if number := make_nin(digits, k1_remainder):
            return number
    raise AssertionError("no valid number")


class TestOrgNumber:
    def test_known_valid_numbers(self):
        # Brønnøysundregistrene's own organisation number, and the demo network's.
        assert is_valid_org_number("974760673")
        assert is_valid_org_number("952601814")

    @pytest.mark.parametrize(
        "value", ["974760674", "97476067", "9747606731", "97476067a", "", "９７４７６０６７３"]
    )
    def test_invalid(self, value):
        assert not is_valid_org_number(value)

    def test_message_is_norwegian_and_says_what_to_do(self):
        with pytest.raises(ValidationError) as exc:
            validate_org_number("123456789")
        assert "Brønnøysundregistrene" in str(exc.value.messages[0])

    @given(
        st.lists(st.integers(0, 9), min_size=8, max_size=8), st.integers(0, 8), st.integers(1, 9)
    )
    def test_every_single_digit_error_is_caught(self, first8, position, delta):
        number = make_org_number(first8)
        if number is None:
            return
        assert is_valid_org_number(number)
        digits = list(number)
        digits[position] = str((int(digits[position]) + delta) % 10)
        assert not is_valid_org_number("".join(digits))


class TestNationalId:
    def test_birth_number_d_number_and_help_numbers(self):
        assert national_id_kind(nin("010190")) == NationalIdKind.BIRTH_NUMBER
        assert national_id_kind(nin("410190")) == NationalIdKind.D_NUMBER  # day + 40
        assert national_id_kind(nin("014190")) == NationalIdKind.H_NUMBER  # month + 40
        assert national_id_kind(nin("018190")) == NationalIdKind.SYNTHETIC  # month + 80
        assert national_id_kind(nin("853210")) == NationalIdKind.COMMON_HELP_NUMBER

    def test_impossible_date_is_refused_under_the_old_rule(self):
        assert national_id_kind(nin("320190")) is None  # 32 January
        assert national_id_kind(nin("011390")) is None  # month 13
        assert national_id_kind(nin("290200")) is not None  # 29 February 2000

    @pytest.mark.parametrize("remainder", [1, 2, 3])
    def test_2032_rule_accepts_remainders_1_to_3(self, remainder):
        assert national_id_kind(nin("150332", remainder)) == NationalIdKind.BIRTH_NUMBER
        # From 2032 the date part need not be a date at all.
        assert national_id_kind(nin("311399", remainder)) == NationalIdKind.BIRTH_NUMBER

    def test_2032_rule_does_not_accept_remainder_4(self):
        assert national_id_kind(nin("150332", 4)) is None

    @given(
        st.lists(st.integers(0, 9), min_size=9, max_size=9), st.integers(0, 10), st.integers(1, 9)
    )
    def test_single_digit_error_in_a_valid_number_is_caught_by_k2(self, first9, position, delta):
        number = make_nin(first9)
        if number is None or national_id_kind(number) is None:
            return
        digits = list(number)
        digits[position] = str((int(digits[position]) + delta) % 10)
        changed = "".join(digits)
        # The second check digit covers all ten digits before it with weights coprime to 11.
        assert national_id_kind(changed) is None

    def test_mask_shows_the_date_part_only(self):
        assert mask_national_id("01019012345") == "010190*****"


class TestHpr:
    @pytest.mark.parametrize("value", ["1234", "990000101", "1234567"])
    def test_valid(self, value):
        assert is_valid_hpr_number(value)

    @pytest.mark.parametrize("value", ["", "123", "0123456", "1234567890", "12a4567", "12 34567"])
    def test_invalid(self, value):
        assert not is_valid_hpr_number(value)
