"""French organisation identifiers: RNA, SIREN, SIRET.

Each ``clean_*`` function accepts what people type (spaces, dots, lower case),
returns the compact form, or raises ``ValueError`` with a translated message.
An empty value is allowed: every identifier is optional.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.fr import siren, siret

RNA_RE = re.compile(r"^W\d{9}$")
#: Separators people copy from official documents.
_SEPARATORS = re.compile(r"[\s.\-]+")


def _compact(value: str | None) -> str:
    return _SEPARATORS.sub("", value or "").upper()


def clean_rna(value: str | None) -> str:
    number = _compact(value)
    if number and not RNA_RE.match(number):
        raise ValueError(_("An RNA number is the letter W followed by 9 digits, for instance W691234567."))
    return number


def _stdnum_message(exc: ValidationError, digits: int, what: str) -> str:
    if isinstance(exc, (InvalidFormat, InvalidLength)):
        return _("A %(what)s number has exactly %(digits)s digits.", what=what, digits=digits)
    if isinstance(exc, InvalidChecksum):
        return _("This %(what)s number is not valid: its check digit does not match. Please check it "
                 "on an official document.", what=what)
    return _("This %(what)s number is not valid.", what=what)


def clean_siren(value: str | None) -> str:
    number = _compact(value)
    if not number:
        return ""
    try:
        return siren.validate(number)
    except ValidationError as exc:
        raise ValueError(_stdnum_message(exc, 9, "SIREN")) from None


def clean_siret(value: str | None) -> str:
    number = _compact(value)
    if not number:
        return ""
    try:
        return siret.validate(number)
    except ValidationError as exc:
        raise ValueError(_stdnum_message(exc, 14, "SIRET")) from None


def siren_siret_mismatch(siren_number: str, siret_number: str) -> str | None:
    """A message when both are given and the SIRET is not an establishment of the SIREN."""
    if siren_number and siret_number and not siret_number.startswith(siren_number):
        return _("This SIRET does not belong to the SIREN above: a SIRET starts with its SIREN's 9 digits.")
    return None
