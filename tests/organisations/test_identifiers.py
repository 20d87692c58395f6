"""RNA, SIREN and SIRET: what is accepted, normalised, and refused with which message."""

from __future__ import annotations

import pytest

from ptcc.organisations import identifiers


@pytest.fixture
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.mark.parametrize("typed,stored", [
    ("W691234567", "W691234567"),
    ("w691234567", "W691234567"),
    (" W 691 234 567 ", "W691234567"),
    ("", ""),
    (None, ""),
])
def test_valid_rna_is_normalised(english, typed, stored):
    assert identifiers.clean_rna(typed) == stored


@pytest.mark.parametrize("typed", ["691234567", "W69123456", "W6912345678", "X691234567", "W69123456A", "WW91234567"])
def test_invalid_rna_is_refused(english, typed):
    with pytest.raises(ValueError, match="W followed by 9 digits"):
        identifiers.clean_rna(typed)


@pytest.mark.parametrize("typed,stored", [
    ("732829320", "732829320"),
    ("732 829 320", "732829320"),
    ("732.829.320", "732829320"),
])
def test_valid_siren(english, typed, stored):
    assert identifiers.clean_siren(typed) == stored


@pytest.mark.parametrize("typed,message", [
    ("732829321", "check digit"),     # Luhn fails
    ("73282932", "exactly 9 digits"),
    ("7328293200", "exactly 9 digits"),
    ("73282932A", "exactly 9 digits"),
])
def test_invalid_siren(english, typed, message):
    with pytest.raises(ValueError, match=message):
        identifiers.clean_siren(typed)


@pytest.mark.parametrize("typed,stored", [
    ("73282932000074", "73282932000074"),
    ("732 829 320 00074", "73282932000074"),
])
def test_valid_siret(english, typed, stored):
    assert identifiers.clean_siret(typed) == stored


@pytest.mark.parametrize("typed,message", [
    ("73282932000075", "check digit"),
    ("7328293200007", "exactly 14 digits"),
    ("732829320000744", "exactly 14 digits"),
])
def test_invalid_siret(english, typed, message):
    with pytest.raises(ValueError, match=message):
        identifiers.clean_siret(typed)


def test_siret_must_belong_to_the_siren(english):
    assert identifiers.siren_siret_mismatch("732829320", "73282932000074") is None
    assert identifiers.siren_siret_mismatch("", "73282932000074") is None
    assert "does not belong" in identifiers.siren_siret_mismatch("552100554", "73282932000074")

