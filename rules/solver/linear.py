"""Linear constraints with float coefficients on integer variables, rounded the safe way.

CP-SAT is integer-only. A constraint ``sum(c_i * x_i) <= b`` over non-negative integer
variables is scaled by a power of ten ``S`` and rounded so that it can only get stricter:
every scaled coefficient rounds up (``ceil``), the bound rounds down (``floor``). A figure that
is a whole number once scaled (``0.8 * 16 A * 230 V * 0.95 = 2796.8 W`` at ``S = 1000``) is kept
exact, so limits met exactly in the engine's floats are met exactly here too. ``S`` is picked
per constraint so that the smallest coefficient keeps six significant digits, at most 1e9 and
as large as a safe share of the 64-bit range (2^50 of activity) allows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model_helper import Literal

__all__ = ["Lin", "scaled_down", "scaled_up", "strict_rounding", "upper_bound"]

_SIG = 1e6  # the smallest coefficient keeps this many units once scaled
# CP-SAT presolve adds and scales constraints; activities near 2^62 overflowed there and gave
# a wrong OPTIMAL, so every constraint is kept far below it.
_MAX_ACTIVITY = 2**50
_MAX_SCALE = 1e9
_EXACT = 1e-7  # relative distance to a whole number under which a scaled figure is exact
# Strict rounding: no figure is taken as exact; every coefficient rounds up, every bound down, as
# the floats are (see ``strict_rounding``).
_STRICT: ContextVar[bool] = ContextVar("strict_rounding", default=False)


@contextmanager
def strict_rounding() -> Iterator[None]:
    """Build constraints that round every float the strict way, whole or not.

    The default rounding keeps a figure that is whole once scaled exact, so a build exactly at
    a limit is accepted, as exact arithmetic says; the engine compares floats, where such a tie
    can fall either way (560 W against u x 0.7 kW = 559.9999999999999 W, which strict rounding
    keeps below 560). ``rules.solver.solve`` solves again under this when the engine rejects a
    proposal on ties alone.
    """
    token = _STRICT.set(True)
    try:
        yield
    finally:
        _STRICT.reset(token)


def upper_bound(var: cp_model.IntVar) -> int:
    """The largest value in a variable's domain. (OR-Tools 9.15's repeated proto fields do not
    take negative indices: ``domain[-1]`` reads 0, so the last element is read by position.)"""
    domain = var.proto.domain
    return int(domain[len(domain) - 1])


def scaled_up(value: float, scale: float) -> int:
    """``value * scale`` rounded up, or kept when it is a whole number within float noise."""
    v = value * scale
    r = round(v)
    if not _STRICT.get() and abs(v - r) <= _EXACT * max(1.0, abs(v)):
        return int(r)
    return math.ceil(v)


def scaled_down(value: float, scale: float) -> int:
    """``value * scale`` rounded down, or kept when it is a whole number within float noise."""
    return -scaled_up(-value, scale)


@dataclass(slots=True)
class Lin:
    """A linear expression sum(c_i * x_i) + constant with float coefficients."""

    terms: list[tuple[float, cp_model.IntVar]] = field(default_factory=list)
    constant: float = 0.0

    def add(self, coef: float, var: cp_model.IntVar) -> Lin:
        """Add ``coef * var`` (zero coefficients are dropped)."""
        if coef:
            self.terms.append((coef, var))
        return self

    def extend(self, pairs: Iterable[tuple[float, cp_model.IntVar]], factor: float = 1.0) -> Lin:
        """Add every ``(coef, var)``, each coefficient times ``factor``."""
        for coef, var in pairs:
            self.add(coef * factor, var)
        return self

    def plus(self, other: Lin, factor: float = 1.0) -> Lin:
        """Add ``factor * other``."""
        self.extend(other.terms, factor)
        self.constant += other.constant * factor
        return self

    def _scale(self, rhs: float) -> float:
        coefs = [abs(c) for c, _ in self.terms if c]
        if not coefs:
            return 1.0
        scale = 10.0 ** math.ceil(math.log10(_SIG / min(coefs)))
        scale = min(max(scale, 1.0), _MAX_SCALE)
        while scale > 1.0:
            activity = sum(abs(c) * scale * max(1, abs(upper_bound(v))) for c, v in self.terms)
            if activity + abs(rhs) * scale < _MAX_ACTIVITY:
                break
            scale /= 10.0
        return scale

    def le(
        self,
        model: cp_model.CpModel,
        rhs: float,
        enforce: Iterable[Literal] = (),
        name: str = "",
    ) -> None:
        """Add ``self <= rhs`` (stricter by rounding, never looser), optionally enforced."""
        bound = rhs - self.constant
        scale = self._scale(bound)
        expr = sum(scaled_up(c, scale) * v for c, v in self.terms)
        limit = scaled_down(bound, scale)
        enforced = list(enforce)
        if not self.terms:
            if limit < 0:
                model.add_bool_or([v.Not() for v in enforced] or [model.new_constant(0)])
            return
        ct = model.add(expr <= limit)
        if enforced:
            ct.only_enforce_if(enforced)
        if name:
            ct.with_name(name)

    def ge(
        self,
        model: cp_model.CpModel,
        rhs: float,
        enforce: Iterable[Literal] = (),
        name: str = "",
    ) -> None:
        """Add ``self >= rhs``, stricter by rounding, never looser."""
        negated = Lin([(-c, v) for c, v in self.terms], -self.constant)
        negated.le(model, -rhs, enforce, name)
