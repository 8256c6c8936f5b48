"""Domain errors: what a request asked that cannot be met, and why, in words for the user.

Plain exceptions that know no HTTP; webmap/errors.py is the one place that turns them into
responses (JSON, or Open311's error list), and the command line into exit codes.
"""


class DomainError(Exception):
    """Base class; the message is shown to the user."""


class BadInput(DomainError):
    """The input is malformed: an unreadable file, a missing column, a wrong type."""


class Unprocessable(DomainError):
    """Well-formed but cannot be met: a point outside the district, an unknown category."""


class NotFound(DomainError):
    """The thing asked for does not exist."""


class Conflict(DomainError):
    """The thing's state forbids it: a lifecycle move not allowed, a file imported already."""


class Overtaken(DomainError):
    """A step made against a version of the thing that someone else's step has since changed
    (a phone's move queued while offline): never applied blindly."""


class NotAuthenticated(DomainError):
    """No credentials where they are required."""


class Forbidden(DomainError):
    """Credentials that do not allow this."""


class Rebuilding(DomainError):
    """A derived table is stale and being rebuilt; ask again shortly."""

    def __init__(self, message: str, retry_after_s: int = 5) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class TooManyAttempts(DomainError):
    """Too many failed sign-ins for the account or from the address; wait and try again."""

    def __init__(self, message: str, retry_after_s: int = 900) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
