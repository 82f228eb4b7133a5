"""Domain errors that services raise; the API maps each to one status and stable code.

They carry no HTTP machinery so services, tasks and commands can raise them freely;
`configurator.api.exceptions.exception_handler` turns them into the error envelope.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status_code: ClassVar[int] = 400
    default_code: ClassVar[str] = "domain_error"
    default_message: ClassVar[str] = "The request cannot be carried out."

    def __init__(
        self, message: str | None = None, *, code: str | None = None, details: Any = None
    ) -> None:
        self.message = message or self.default_message
        self.code = code or self.default_code
        self.details = details
        super().__init__(self.message)


class NotFound(DomainError):
    """The object does not exist or is outside the caller's organisations."""

    status_code = 404
    default_code = "not_found"
    default_message = "Not found."


class Conflict(DomainError):
    """The request clashes with the current state (duplicate, already issued, ...)."""

    status_code = 409
    default_code = "conflict"
    default_message = "The request conflicts with the current state of the resource."


class PreconditionFailed(DomainError):
    """The client's view of the resource is stale (If-Match / version mismatch)."""

    status_code = 412
    default_code = "precondition_failed"
    default_message = "The resource changed since it was read."


class BlockedByRules(DomainError):
    """A command is refused because the engineering rules report blocking findings."""

    status_code = 422
    default_code = "blocked_by_rules"
    default_message = "The build does not pass the engineering rules."


class ServiceUnavailable(DomainError):
    """A service the request needs (the task queue, the database) cannot be reached now."""

    status_code = 503
    default_code = "service_unavailable"
    default_message = "The service is temporarily unavailable; try again in a minute."
