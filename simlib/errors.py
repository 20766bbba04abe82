"""Errors that carry a message meant for a person: which file or field, what is wrong, what is allowed.

Every error the library raises on bad input is a :class:`SimlibError`; the CLI prints its message on one
line and exits with code 2. Nothing else should reach a user as a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class SimlibError(Exception):
    """Base class: an error whose message is complete and meant for the user."""


class ParameterError(SimlibError):
    """A parameter file is invalid, or a parameter is missing for a year."""


class InputError(SimlibError):
    """A household, population or scenario given by the user is invalid."""


def did_you_mean(name: str, options: Iterable[str]) -> str:
    """A ' (did you mean ...?)' suffix naming the closest allowed options, or ''."""
    close = difflib.get_close_matches(name, list(options), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


def short_repr(value, limit: int = 60) -> str:
    """A value for a one-line message: its repr cut to ``limit`` characters (also for an integer of 5,000 digits,
    whose repr Python refuses)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"<a number of about {int(value.bit_length() * 0.30103):,} digits>"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - any value whose repr fails
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."
