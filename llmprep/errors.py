"""The one error type that the CLI edge catches and prints as a single line."""


class LlmprepError(Exception):
    """An expected failure: bad input, a missing file, a corrupt store.

    The message names what went wrong and where; `fix` names the command or edit that fixes it.
    """

    exit_code = 1

    def __init__(self, message: str, fix: str | None = None):
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} (fix: {self.fix})" if self.fix else self.message


class UsageError(LlmprepError):
    """Bad usage: an unknown id, a missing file named on the command line."""

    exit_code = 2
