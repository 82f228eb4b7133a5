"""Registry of checks: small functions, registered by family, each declaring the codes it emits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rules.context import Context

CheckFn = Callable[["Context"], None]


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What one finding code protects, and where its limit comes from."""

    code: str
    family: str
    protects: str
    source: str


@dataclass(frozen=True, slots=True)
class Check:
    """A registered check function and the codes it may emit."""

    name: str
    family: str
    fn: CheckFn
    rules: tuple[RuleInfo, ...]


CHECKS: list[Check] = []
RULES: dict[str, RuleInfo] = {}


def check(family: str, **codes: tuple[str, str]) -> Callable[[CheckFn], CheckFn]:
    """Register a check of ``family``; each keyword is a code suffix -> (protects, source).

    ``@check("power", ups_kw_capacity=("UPS real power rating", "WP15; C4"))`` registers the
    code ``power.ups_kw_capacity``. A check may only emit the codes it declares.
    """

    def register(fn: CheckFn) -> CheckFn:
        infos = tuple(
            RuleInfo(code=f"{family}.{suffix}", family=family, protects=p, source=s)
            for suffix, (p, s) in codes.items()
        )
        for info in infos:
            if info.code in RULES:
                raise ValueError(f"rule code {info.code} registered twice")
            RULES[info.code] = info
        CHECKS.append(Check(name=fn.__name__, family=family, fn=fn, rules=infos))
        return fn

    return register
