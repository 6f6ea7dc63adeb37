"""The exceptions innercircle raises; only the CLI and the web app turn them into words for people.

    InnercircleError            anything innercircle refuses or cannot do
    ├── InputError              bad input: a file, row or field that cannot be read (exit status 2)
    │   └── UsageError          a command used wrongly: a missing owner, conflicting options (exit 2)
    └── FetchError              an API fetch that failed after its retries (exit 1)
"""

from __future__ import annotations

import re

#: Control characters (line breaks included) and bidirectional overrides: a message is one line and
#: shows the text as stored, whatever a hostile file name or value holds.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` as one printable line: control and bidi characters become ``?``, runs of spaces one."""
    from .redact import redact

    return " ".join(redact(_UNPRINTABLE.sub("?", str(text).replace("\n", " "))).split())


class InnercircleError(Exception):
    """Root of every error innercircle raises on purpose. Its text is one line with secrets redacted."""

    exit_code = 1

    def __str__(self) -> str:
        return one_line(super().__str__())


class InputError(InnercircleError):
    """Bad input. The message is one line naming the file, row and field and what to do."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 field: str | None = None, hint: str | None = None):
        self.file, self.row, self.field, self.hint = file, row, field, hint
        where = ", ".join(p for p in (
            str(file) if file else None,
            f"row {row}" if row is not None else None,
            f"field '{field}'" if field else None,
        ) if p)
        text = f"{where}: {message}" if where else message
        if hint:
            text = f"{text} — {hint}"
        super().__init__(text)


class UsageError(InputError):
    """A command used in a way that cannot work (no owner known, options that contradict)."""


class FetchError(InnercircleError):
    """An API fetch that failed for good (after retries and rate-limit waits)."""
