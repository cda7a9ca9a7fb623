"""Identifiers that look real and pass the checks real registers use, for the demo data.

Norwegian organisation and bank account numbers (MOD11), IBANs (ISO 13616, MOD97),
GTIN-13s and KIDs (MOD10), phone numbers in Norwegian style, ASCII slugs for addresses.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from ledgerport.domain.demo_data import Place

__all__ = ["bank_account", "gtin", "iban", "kid", "landline", "mobile", "org_no", "slug"]

_ASCII = str.maketrans(
    {"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "ü": "u", "é": "e", "ß": "ss", "í": "i"}
)


def slug(text: str) -> str:
    """``Bjørkely Bygg`` → ``bjorkelybygg``: for e-mail addresses and domains."""
    return "".join(ch for ch in text.lower().translate(_ASCII) if ch.isascii() and ch.isalnum())


def landline(rng: random.Random, place: Place) -> str:
    digits = f"{rng.randint(0, 999999):06d}"
    return f"+47 {place.phone} {digits[:2]} {digits[2:4]} {digits[4:]}"


def mobile(rng: random.Random) -> str:
    return f"+47 {rng.choice('49')}{rng.randint(0, 99):02d} {rng.randint(0, 99):02d} " + (
        f"{rng.randint(0, 999):03d}"
    )


def _mod11(digits: str, weights: Sequence[int]) -> int | None:
    """The MOD11 check digit, or None when there is none (the number is not issued)."""
    rest = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    check = (11 - rest) % 11
    return None if check == 10 else check


def org_no(rng: random.Random) -> str:
    """A Norwegian organisation number (9 digits, MOD11 with weights 3 2 7 6 5 4 3 2)."""
    while True:
        body = f"9{rng.randint(0, 9999999):07d}"
        check = _mod11(body, (3, 2, 7, 6, 5, 4, 3, 2))
        if check is not None:
            return f"{body}{check}"


def bank_account(rng: random.Random) -> str:
    """A Norwegian bank account number (11 digits, MOD11 with weights 5 4 3 2 7 6 5 4 3 2)."""
    while True:
        body = f"{rng.choice(('1503', '1506', '3000', '9710', '6345'))}{rng.randint(0, 999999):06d}"
        check = _mod11(body, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
        if check is not None:
            return f"{body}{check}"


_BBAN_DIGITS = {"SE": 20, "DK": 14, "FI": 14, "DE": 18, "GB": 18, "US": 0}


def iban(rng: random.Random, country: str) -> str:
    """An IBAN with valid check digits (ISO 13616 MOD97); a plain account number in the US."""
    length = _BBAN_DIGITS.get(country, 16)
    if length == 0:
        return f"{rng.randint(10**9, 10**10 - 1)}"
    bban = "".join(str(rng.randint(0, 9)) for _ in range(length))
    if country == "GB":
        bban = "NWBK" + bban[4:]
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


def gtin(rng: random.Random) -> str:
    """A GTIN-13 with the Norwegian prefix 70 and its MOD10 check digit."""
    body = f"70{rng.randint(0, 10**10 - 1):010d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return f"{body}{(10 - total % 10) % 10}"


def kid(rng: random.Random) -> str:
    """A payment reference (KID) of 10 digits with a MOD10 (Luhn) check digit."""
    body = f"{rng.randint(0, 10**9 - 1):09d}"
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return f"{body}{(10 - total % 10) % 10}"
