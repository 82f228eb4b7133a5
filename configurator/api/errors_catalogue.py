"""Every `code` the error envelope can carry, by HTTP status: the API's error vocabulary.

Codes are contract (STYLE.md): clients branch on them, so the OpenAPI document enumerates
them, on `Error.code` and per status on every operation (configurator.api.contract). A test
reads the services and views for `code="..."` and fails on one missing here.
"""

from __future__ import annotations

from http import HTTPStatus

__all__ = ["ERROR_CODES", "all_codes", "codes_for", "error_component_name"]

ERROR_CODES: dict[int, dict[str, str]] = {
    400: {
        "validation_error": "A field, filter or parameter is invalid; `details` names each.",
        "parse_error": "The body is not valid JSON.",
        "bad_request": "The request is malformed (refused before any view ran).",
    },
    401: {
        "not_authenticated": "No credentials were sent.",
        "authentication_failed": "The credentials are wrong.",
        "invalid_token": "The API token is unknown, revoked or malformed.",
    },
    403: {
        "permission_denied": "The caller's role does not allow this (or a CSRF token is missing).",
    },
    404: {"not_found": "Unknown, or outside the caller's organisations."},
    405: {"method_not_allowed": "The method is not allowed on this URL."},
    406: {"not_acceptable": "No representation matches the Accept header or `?format=`."},
    409: {
        "conflict": "The request clashes with the current state.",
        "read_only": "The build is approved or archived: clone it or set it back to draft.",
        "site_name_taken": "Another site of the organisation has this name.",
        "site_has_builds": "The site still has builds.",
        "line_in_use": "Another line refers to this one (a rack, feed or UPS).",
        "mixed_currencies": "The build's components are priced in several currencies.",
        "protected": "Other rows still refer to this one.",
        "empty_build": "The build has no lines to quote.",
        "build_deleted": "The quoted build no longer exists.",
        "quote_frozen": "An issued quote never changes: revise it instead.",
        "quote_not_draft": "Only a draft quote can be issued or edited.",
        "quote_not_revisable": "Only an issued (or answered) quote can be revised.",
        "quote_not_issued": "The quote is not issued (no PDF, no answer yet).",
        "quote_expired": "The quote's validity has passed.",
        "no_seller": "The organisation is served by no seller that could quote.",
        "quote_request_open": "A request for this build is already open.",
        "render_failed": "Rendering the PDF failed; POST to the same URL to try again.",
        "not_ready": "The job has not finished yet.",
        "build_not_approved": "Only an approved build is handed off to NetBox.",
        "push_in_progress": "A push of this build is still running.",
        "standard_name_taken": "Another standard of the organisation has this name.",
        "standard_in_use": "Sites still follow this standard.",
        "nothing_changed": "The new version would equal the current one.",
        "variant_name_taken": "Another variant of the standard has this name.",
        "variant_in_use": "Sites still follow this variant.",
    },
    412: {"precondition_failed": "If-Match names another revision (or a weak tag)."},
    413: {"payload_too_large": "The body is larger than the limit (`details.max_bytes`)."},
    414: {"uri_too_long": "The query string is too long (`details.max_length`)."},
    415: {"unsupported_media_type": "The body is not `application/json`."},
    422: {"blocked_by_rules": "The rules engine reports error findings (`details`)."},
    429: {"throttled": "Too many requests; `details.wait_seconds` says when to retry."},
    500: {"server_error": "A crash on our side; nothing to retry differently."},
    502: {
        "netbox_unavailable": "NetBox could not be used.",
        "netbox_unreachable": "NetBox does not answer.",
        "netbox_forbidden": "NetBox refuses the connection's token.",
        "netbox_refused": "NetBox refused the request.",
        "netbox_branch_failed": "NetBox Branching could not make or merge the branch.",
        "netbox_token_unreadable": "The stored token cannot be decrypted; enter it again.",
    },
    503: {
        "service_unavailable": "The database or the task queue cannot be reached; retry later.",
        "rendering_unavailable": "The PDF renderer cannot be reached; retry later.",
    },
}


def codes_for(status: int) -> list[str]:
    """The codes an error of this status may carry (every code, for an unknown status)."""
    return list(ERROR_CODES.get(status) or all_codes())


def all_codes() -> list[str]:
    """Every code, each once, in the order of their statuses."""
    return [code for codes in ERROR_CODES.values() for code in codes]


def error_component_name(status: int) -> str:
    """The OpenAPI component of the envelope for one status: `NotFoundError` for 404."""
    words = HTTPStatus(status).phrase.replace("-", " ").split()
    name = "".join(word[:1].upper() + word[1:] for word in words)
    return name if name.endswith("Error") else f"{name}Error"
