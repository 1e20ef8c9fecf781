"""The one exception family that the command line turns into a clean message and exit code."""

from __future__ import annotations


class NetzmdError(Exception):
    """An error a person can act on. ``str(error)`` is the whole message; no traceback is shown.

    An error in a file carries it as ``path`` and ``line`` (1-based; None when no line can be
    named): ``message`` is then ``path:line: error: detail``, the form compilers and editors
    jump to, and ``detail`` the bare text. The command line prints ``message`` as it is, and
    ``netzmd: error: detail`` for an error that is in no file."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        path: str | None = None,
        line: int | None = None,
    ) -> None:
        self.detail = message
        self.path = path
        self.line = line
        if path is not None:
            message = f"{path}:{line}: error: {message}" if line else f"{path}: error: {message}"
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class UsageError(NetzmdError):
    """Bad input on the command line or no vault to work on (exit 2)."""

    exit_code = 2


class VaultNotFound(UsageError):
    pass


class ConfigError(NetzmdError):
    """``netzmd.toml`` cannot be read."""


class NotFound(NetzmdError):
    """No contact matches a name."""


class Ambiguous(NetzmdError):
    """Several contacts match a name."""
