"""User-given regular expressions, compiled in one place and matched in linear time.

Every pattern a login types (`| match`, `| except`, `| find`, `replace
pattern`, `wildcard delete`, login-class allow/deny expressions) runs on the
one Trio thread that serves every session of every device.  Python's `re`
backtracks, so `(a+)+$` against a long line would stall them all; RE2
(the `google-re2` package) runs in time linear in the input and never
backtracks.  The price is what RE2 does not have: backreferences and
lookaround, which a pattern then gets refused for with an error.

Junos patterns are POSIX extended expressions; RE2 accepts that syntax
(including `[[:alpha:]]` classes) plus Perl's `\\d`, `\\s`, `\\w`.
"""

from __future__ import annotations

import re

import re2

# RE2 builds its automaton in bounded memory; a pattern that needs more is
# refused rather than allowed to grow the process (8 MiB is RE2's default).
_MAX_MEM = 8 << 20


class BadPattern(ValueError):
    """A pattern that cannot be compiled; `message` says why, e.g. "missing ): (a".

    `unsupported` is true for a well-formed pattern that needs what a linear-time
    matcher cannot do (a backreference, lookaround): callers that read a
    malformed pattern as literal text must still refuse those.
    """

    def __init__(self, message: str, *, unsupported: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.unsupported = unsupported


class UserRegex:
    """A compiled user pattern: `search`, `fullmatch` and `sub` like `re.Pattern`, in linear time."""

    __slots__ = ("_rx", "pattern")

    def __init__(self, rx: re2._Regexp, pattern: str) -> None:
        self._rx = rx
        self.pattern = pattern

    def search(self, text: str) -> bool:
        return self._rx.search(text) is not None

    def fullmatch(self, text: str) -> bool:
        return self._rx.fullmatch(text) is not None

    def sub(self, replacement: str, text: str) -> str:
        """Replace every match; `\\1`..`\\9` and `\\g<name>` refer to groups, as in `re.sub`.
        A reference to a group the pattern lacks raises BadPattern."""
        try:
            return self._rx.sub(replacement, text)
        except (IndexError, KeyError, re2.error) as exc:
            raise BadPattern(f"invalid group reference in {replacement!r}: {exc}") from None

    def __repr__(self) -> str:
        return f"UserRegex({self.pattern!r})"


def compile_user_regex(text: str, *, ignore_case: bool = True, literal: bool = False) -> UserRegex:
    """Compile `text` with RE2 (`literal`: as plain text); raise BadPattern (never a Python
    traceback) when it cannot be."""
    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.literal = literal
    options.log_errors = False  # RE2 would otherwise print each refusal on stderr
    options.max_mem = _MAX_MEM
    try:
        return UserRegex(re2.compile(text, options), text)
    except re2.error as exc:
        raise BadPattern(_reason(exc), unsupported=_backtracking_only(text)) from None


def _backtracking_only(text: str) -> bool:
    """Whether Python's backtracking `re` accepts `text` (compiling it is cheap; matching is what is not)."""
    try:
        re.compile(text)
    except (re.error, RecursionError, OverflowError):
        return False
    return True


def _reason(exc: re2.error) -> str:
    """RE2's message as text (the binding hands it over as bytes)."""
    arg = exc.args[0] if exc.args else "invalid regular expression"
    return arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg)


__all__ = ["BadPattern", "UserRegex", "compile_user_regex"]
