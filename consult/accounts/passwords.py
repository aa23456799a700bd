"""Password rules: a minimum length, no common passwords or patterns, nothing personal."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from consult.core.lazytext import lazy_gettext as _l

MAX_LENGTH = 256  # argon2 copes with more, but nobody types it and it bounds the work
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890123456789",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)
COMMON_MESSAGE = _l(
    "This password is too easy to guess. Choose a longer phrase, for example three or four "
    "unrelated words."
)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _variants(password: str) -> set[str]:
    """The password as people disguise common words: case, l33t, digits/symbols at the ends."""
    lowered = password.lower()
    forms = {lowered, lowered.translate(_LEET), lowered.replace("1", "l").translate(_LEET)}
    stripped = set()
    for form in forms:
        core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", form)
        stripped.add(core)
        stripped.add(re.sub(r"[\W_]", "", form))
    return {form for form in forms | stripped if form}


def _is_sequence(text: str) -> bool:
    return any(text in sequence or text in sequence[::-1] for sequence in _SEQUENCES)


def password_problem(password: str, *, email: str = "", display_name: str = "") -> str | None:
    """Why this password is not acceptable, as a sentence for the form; None if it is fine."""
    minimum = int(current_app.config["PASSWORD_MIN_LENGTH"])
    if len(password) < minimum:
        return _("Your password must be at least %(n)s characters long.", n=minimum)
    if len(password) > MAX_LENGTH:
        return _("Your password must be %(n)s characters or fewer.", n=MAX_LENGTH)
    lowered = password.lower()
    compact = re.sub(r"\s+", "", lowered)
    local_part = email.strip().lower().partition("@")[0]
    if len(local_part) >= 3 and local_part in compact:
        return _("Your password must not contain your e-mail address.")
    name = re.sub(r"\s+", "", display_name.strip().lower())
    name_parts = [part for part in re.split(r"[\s.\-']+", display_name.lower()) if len(part) >= 4]
    if (len(name) >= 3 and name in compact) or any(part in compact for part in name_parts):
        return _("Your password must not contain your name.")
    if len(set(lowered)) < 5:
        return _("Your password uses too few different characters.")
    if re.fullmatch(r"(.+?)\1+", compact) or _is_sequence(compact):
        return _("Your password is a repeated or keyboard pattern, which is easy to guess.")
    common = common_passwords()
    for variant in _variants(password):
        repeated = re.fullmatch(r"(.+?)\1+", variant)
        if variant in common or (repeated is not None and repeated.group(1) in common):
            return COMMON_MESSAGE
    return None
