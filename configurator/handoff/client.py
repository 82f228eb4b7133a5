"""NetBox over its REST API with pynetbox: reads, bulk writes, and errors a person can act on."""

from __future__ import annotations

import builtins
import json
import time
from typing import Any

import pynetbox
import requests

__all__ = ["NetBoxClient", "NetBoxError"]


class NetBoxError(Exception):
    """NetBox could not be reached or refused a request; the message says what to do."""

    def __init__(self, message: str, *, code: str = "netbox_error", status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class _TimeoutSession(requests.Session):
    """A session whose requests give up after `timeout` seconds (pynetbox sets none)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


def _error_text(body: Any) -> str:
    """NetBox's error body as one line: field errors joined, per object for bulk writes."""
    if isinstance(body, list):
        parts = [_error_text(b) for b in body if b]
        return "; ".join(p for p in parts if p)
    if isinstance(body, dict):
        if "detail" in body and len(body) == 1:
            return str(body["detail"])
        return "; ".join(
            f"{key}: {' '.join(map(str, v)) if isinstance(v, list) else _error_text(v)}"
            for key, v in body.items()
        )
    return str(body)


class NetBoxClient:
    """One NetBox: `url` without /api/, an API token (v1 `Token` or v2 `nbt_…`)."""

    def __init__(self, url: str, token: str, *, verify_tls: bool = True, timeout: float = 30):
        self.url = url.rstrip("/")
        self.api = pynetbox.api(self.url, token=token)
        session = _TimeoutSession(timeout)
        session.verify = verify_tls
        self.api.http_session = session
        self.session = session
        self.auth = f"Bearer {token}" if token.startswith("nbt_") else f"Token {token}"

    # ------------------------------------------------------------------ errors

    def _call(self, what: str, function: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except pynetbox.RequestError as exc:
            status = exc.req.status_code
            try:
                body = exc.req.json()
            except (ValueError, json.JSONDecodeError):
                body = exc.req.text[:500]
            detail = _error_text(body)
            if status in (401, 403):
                raise NetBoxError(
                    f"NetBox refused the API token ({status}: {detail}) while trying to {what}. "
                    "Check that the token is valid, enabled, not expired, allowed to write, and "
                    "that its user may change these objects.",
                    code="netbox_forbidden",
                    status=status,
                ) from exc
            raise NetBoxError(
                f"NetBox refused to {what} ({status}): {detail}",
                code="netbox_refused",
                status=status,
            ) from exc
        except requests.exceptions.SSLError as exc:
            raise NetBoxError(
                f"NetBox at {self.url}: TLS certificate not accepted ({exc}).",
                code="netbox_unreachable",
            ) from exc
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise NetBoxError(
                f"NetBox at {self.url} cannot be reached ({type(exc).__name__}): check the URL "
                "and that the server is up and reachable from the configurator.",
                code="netbox_unreachable",
            ) from exc
        except pynetbox.ContentError as exc:
            raise NetBoxError(
                f"{self.url} did not answer like a NetBox API (is the URL right?): {exc}",
                code="netbox_unreachable",
            ) from exc

    # ------------------------------------------------------------------ reads and writes

    def status(self) -> dict[str, Any]:
        """NetBox's /api/status/ (version, plugins); proves the URL and the token."""
        status = self._call("read its status", self.api.status)
        # /api/status/ answers anonymous callers on some setups: a read proves the token.
        self._call("read its sites", self.api.dcim.sites.count)
        return dict(status)

    def _endpoint(self, name: str) -> Any:
        app, endpoint = name.split(".")
        return getattr(getattr(self.api, app), endpoint)

    def list(self, endpoint: str, **filters: Any) -> list[dict[str, Any]]:
        """Every object of `endpoint` matching `filters` (lists are OR-ed), as plain dicts."""
        readable = endpoint.split(".")[1].replace("_", " ")
        records = self._call(
            f"list {readable}", lambda: list(self._endpoint(endpoint).filter(**filters))
        )
        return [dict(record) for record in records]

    # builtins.list: in this class body, `list` is the method above.
    def create(
        self, endpoint: str, payloads: builtins.list[dict[str, Any]]
    ) -> builtins.list[dict[str, Any]]:
        """Create objects in one request (NetBox applies a list in one transaction)."""
        readable = endpoint.split(".")[1].replace("_", " ")
        created = self._call(f"create {readable}", self._endpoint(endpoint).create, payloads)
        if not isinstance(created, list):
            created = [created]
        return [dict(record) for record in created]

    def update(
        self, endpoint: str, payloads: builtins.list[dict[str, Any]]
    ) -> builtins.list[dict[str, Any]]:
        """Change objects in one request; each payload carries its `id`."""
        readable = endpoint.split(".")[1].replace("_", " ")
        updated = self._call(f"update {readable}", self._endpoint(endpoint).update, payloads)
        return [dict(record) for record in updated]

    def delete(self, endpoint: str, ids: builtins.list[int]) -> None:
        """Delete objects by id in one request."""
        readable = endpoint.split(".")[1].replace("_", " ")
        self._call(f"delete {readable}", self._endpoint(endpoint).delete, ids)

    # ------------------------------------------------------------------ NetBox Branching

    BRANCHES = "/api/plugins/branching/branches/"
    BRANCH_HEADER = "X-NetBox-Branch"

    def _raw(self, what: str, method: str, path: str, body: Any = None) -> Any:
        def call() -> Any:
            response = self.session.request(
                method,
                f"{self.url}{path}",
                json=body,
                headers={"Authorization": self.auth, "Accept": "application/json"},
            )
            if response.status_code >= 400:
                raise pynetbox.RequestError(response)
            return response.json() if response.content else None

        return self._call(what, call)

    @staticmethod
    def has_branching(status: dict[str, Any]) -> bool:
        """Whether the NetBox Branching plugin is installed (from /api/status/)."""
        return "netbox_branching" in (status.get("plugins") or {})

    def branch_create(self, name: str, description: str = "") -> dict[str, Any]:
        """A new branch; NetBox provisions it in the background (status new/provisioning)."""
        created = self._raw(
            "create a branch", "POST", self.BRANCHES, {"name": name, "description": description}
        )
        return dict(created)

    def branch_get(self, branch_id: int) -> dict[str, Any]:
        return dict(self._raw("read a branch", "GET", f"{self.BRANCHES}{branch_id}/"))

    def branch_wait(self, branch_id: int, wanted: str, *, timeout: float) -> dict[str, Any]:
        """Poll the branch until its status is `wanted`; NetBoxError when it fails or times out."""
        deadline = time.monotonic() + timeout
        while True:
            branch = self.branch_get(branch_id)
            status = branch.get("status")
            status = status.get("value") if isinstance(status, dict) else status
            if status == wanted:
                return branch
            if status == "failed" or time.monotonic() > deadline:
                raise NetBoxError(
                    f"NetBox branch {branch.get('name')!r} is {status}, not {wanted} "
                    f"(after {timeout:.0f} s): check NetBox's background workers (rqworker) "
                    "and the branch's job log.",
                    code="netbox_branch_failed",
                )
            time.sleep(0.5)

    def branch_merge(self, branch_id: int) -> None:
        """Ask NetBox to merge the branch into main (a background job)."""
        self._raw(
            "merge the branch", "POST", f"{self.BRANCHES}{branch_id}/merge/", {"commit": True}
        )

    def use_branch(self, schema_id: str | None) -> None:
        """Send the following requests to a branch (or, with None, to main again)."""
        if schema_id is None:
            self.session.headers.pop(self.BRANCH_HEADER, None)
        else:
            self.session.headers[self.BRANCH_HEADER] = schema_id
