"""Secrets (API tokens) known to this process, and their removal from any text shown or stored.

A token given to ``fetch`` is registered here once; every error message, log line and warning that
innercircle prints passes through :func:`redact`, so a server that echoes the Authorization header
back in an error body cannot make the token appear on screen, in a log or in the workspace.

>>> register("s3cr3t-token")
>>> redact("HTTP 401 invalid: Bearer s3cr3t-token")
'HTTP 401 invalid: Bearer [redacted]'
"""

from __future__ import annotations

import re

_SECRETS: set[str] = set()
#: Credentials that look like one even when nobody registered them (an echoed header).
_PATTERNS = re.compile(r"(?i)\b(bearer|token|access_token|authorization)([\s:=\"']+)([A-Za-z0-9._~+/=-]{8,})")
MASK = "[redacted]"


def register(secret: str | None) -> None:
    """Remember ``secret`` so that :func:`redact` removes it (short strings are ignored: too common)."""
    if secret and len(secret) >= 4:
        _SECRETS.add(secret)


def scrub(df):
    """``df`` (a DataFrame about to be stored) with every registered secret removed from its text."""
    if not _SECRETS:
        return df
    from pandas.api.types import is_object_dtype, is_string_dtype

    for col in df.columns:
        if is_object_dtype(df[col]) or is_string_dtype(df[col]):
            df[col] = df[col].map(lambda v: _known(v) if isinstance(v, str) else v)
    return df


def _known(text: str) -> str:
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def redact(text: str) -> str:
    """``text`` without any registered secret and without anything shaped like ``Bearer <token>``."""
    text = _known(text)
    return _PATTERNS.sub(lambda m: m.group(1) + m.group(2) + (m.group(3) if m.group(3) == MASK else MASK), text)
