"""Norwegian identifiers: pure functions, no database (domain.md, "Identifiers").

Each `is_valid_*` answers yes/no; each `validate_*` raises a Django ValidationError with a
Norwegian message that says what to do, for forms and services.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORG_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
NIN_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
NIN_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _digits(value: str) -> list[int] | None:
    value = value.strip()
    # isdecimal() also accepts non-ASCII digits; identifiers are ASCII only.
    if not value.isascii() or not value.isdigit():
        return None
    return [int(c) for c in value]


def mod11_check_digit(digits: list[int], weights: tuple[int, ...]) -> int | None:
    """The mod-11 check digit for `digits`, or None where the remainder gives 10 (unusable)."""
    k = 11 - sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    if k == 11:
        return 0
    return None if k == 10 else k


# --- Organisasjonsnummer (Enhetsregisteret) ------------------------------------------


def is_valid_org_number(value: str) -> bool:
    digits = _digits(value)
    if digits is None or len(digits) != 9:
        return False
    return mod11_check_digit(digits[:8], ORG_NUMBER_WEIGHTS) == digits[8]


def validate_org_number(value: str) -> None:
    if not is_valid_org_number(value):
        raise ValidationError(
            _(
                "The organisation number must be 9 digits with a valid check digit. "
                "Check the number in the Central Coordinating Register (Brønnøysundregistrene)."
            ),
            code="invalid_org_number",
        )


# --- HPR-nummer (Helsepersonellregisteret) -------------------------------------------
# The register issues plain serial numbers; no check digit is published, so we check the
# shape only (up to 9 digits, leading zeros not used).


def is_valid_hpr_number(value: str) -> bool:
    digits = _digits(value)
    return digits is not None and 4 <= len(digits) <= 9 and digits[0] != 0


def validate_hpr_number(value: str) -> None:
    if not is_valid_hpr_number(value):
        raise ValidationError(
            _(
                "The HPR number must be 4 to 9 digits and cannot start with 0. "
                "Look it up in the Health Personnel Register, or leave the field empty."
            ),
            code="invalid_hpr_number",
        )


# --- Fødselsnummer, D-nummer, hjelpenummer -------------------------------------------


class NationalIdKind(StrEnum):
    BIRTH_NUMBER = "fnr"  # fødselsnummer
    D_NUMBER = "dnr"  # first digit + 4
    H_NUMBER = "hnr"  # month + 40 (hjelpenummer inside one organisation)
    COMMON_HELP_NUMBER = "fhn"  # felles hjelpenummer: first digit 8 or 9, no date in it
    SYNTHETIC = "synthetic"  # Skatteetaten's test population: month + 80


# FHIR identifier systems (domain.md). Synthetic numbers are test data and have none.
FHIR_SYSTEMS = {
    NationalIdKind.BIRTH_NUMBER: "urn:oid:2.16.578.1.12.4.1.4.1",
    NationalIdKind.D_NUMBER: "urn:oid:2.16.578.1.12.4.1.4.2",
    NationalIdKind.COMMON_HELP_NUMBER: "urn:oid:2.16.578.1.12.4.1.4.3",
}


def _check_digits_ok(d: list[int]) -> tuple[bool, bool]:
    """(valid, valid by the pre-2032 rule).

    Before 2032 the first check digit makes the weighted sum over digits 1-10 (weights
    3 7 6 1 8 9 4 5 2 1) divisible by 11. Numbers issued from 1 Jan 2032 may leave a
    remainder of 0, 1, 2 or 3. The second check digit is the same in both rules.
    """
    k1_sum = sum(x * w for x, w in zip(d[:9], NIN_K1_WEIGHTS, strict=True)) + d[9]
    k2_ok = mod11_check_digit(d[:10], NIN_K2_WEIGHTS) == d[10]
    remainder = k1_sum % 11
    return k2_ok and remainder in (0, 1, 2, 3), k2_ok and remainder == 0


def national_id_kind(value: str) -> NationalIdKind | None:
    """The kind of a valid national id number, or None if it is not valid.

    Numbers valid by the pre-2032 rule must carry a real date (after the D-, H- or test
    offsets). Numbers valid only by the 2032 rule need not: from 2032 the date part is no
    longer guaranteed to be the birth date.
    """
    d = _digits(value)
    if d is None or len(d) != 11:
        return None
    valid, old_rule = _check_digits_ok(d)
    if not valid:
        return None
    if d[0] in (8, 9):
        return NationalIdKind.COMMON_HELP_NUMBER
    day, month, year2 = d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]
    kind = NationalIdKind.BIRTH_NUMBER
    if day > 40:
        day -= 40
        kind = NationalIdKind.D_NUMBER
    if month > 80:
        month -= 80
        kind = NationalIdKind.SYNTHETIC
    elif month > 40:
        month -= 40
        kind = NationalIdKind.H_NUMBER
    if old_rule and not _is_date(day, month, 2000 + year2):
        # 29 February needs a leap year; the century is unknown here, 2000 is one.
        return None
    return kind


def _is_date(day: int, month: int, year: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def is_valid_national_id(value: str) -> bool:
    return national_id_kind(value) is not None


def validate_national_id(value: str) -> None:
    if not is_valid_national_id(value):
        raise ValidationError(
            _(
                "This is not a valid national identity number (fødselsnummer, D-number or "
                "help number). Check that all 11 digits are typed correctly."
            ),
            code="invalid_national_id",
        )


def mask_national_id(value: str) -> str:
    """Show only the date part: a name and birth date are nearly always enough."""
    return value[:6] + "*****" if len(value) == 11 else "***********"
