"""What a check is: a small function from the derived build to findings, with the codes it may
emit declared beside it.

``@rule("power", ups_kw_capacity=(protects, source))`` declares that the function emits
``power.ups_kw_capacity``; it registers nothing. The explicit, ordered list of checks is
``rules.checks.CHECKS``; a code's family is the module that holds it (``power.*`` lives in
``rules/checks/power/``, ``thermal.*`` in ``rules/checks/thermal/``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from rules.derive import Derived
from rules.model import Finding, Severity

__all__ = ["Check", "CheckFn", "RuleInfo", "finding", "rule"]

CheckFn = Callable[[Derived], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What one finding code protects, and where its limit comes from."""

    code: str
    family: str
    protects: str
    source: str


@dataclass(frozen=True, slots=True)
class Check:
    """A check and the codes it may emit; calling it judges one derived build."""

    name: str
    family: str
    fn: CheckFn
    rules: tuple[RuleInfo, ...]
    module: str

    def __call__(self, derived: Derived) -> Iterator[Finding]:
        """The findings of this check on ``derived``."""
        yield from self.fn(derived)


def rule(family: str, **codes: tuple[str, str]) -> Callable[[CheckFn], Check]:
    """Declare a check of ``family``; each keyword is a code suffix -> (protects, source)."""

    def declare(fn: CheckFn) -> Check:
        infos = tuple(
            RuleInfo(code=f"{family}.{suffix}", family=family, protects=p, source=s)
            for suffix, (p, s) in codes.items()
        )
        return Check(name=fn.__name__, family=family, fn=fn, rules=infos, module=fn.__module__)

    return declare


def finding(
    code: str,
    severity: Severity,
    message: str,
    *,
    subject: Iterable[str] = (),
    value: float | None = None,
    limit: float | None = None,
    unit: str = "",
) -> Finding:
    """One finding; values are reported unrounded, rounding is the renderer's job (C8)."""
    return Finding.trusted(
        code=code,
        severity=severity,
        message=message,
        subject=tuple(subject),
        value=value,
        limit=limit,
        unit=unit,
    )
