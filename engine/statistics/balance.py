"""平衡校验: a fixed report checks its own sums and names what does not add up.

Two rules, both over data the report already holds (nothing is read from the database here, so a
broken report can be checked as easily as a real one):

- **parts = total**: for every figure of a breakdown (by category, department, channel) the
  numerators of all groups — the "none" group (a case without a lead department …) included —
  add up to the headline figure's numerator, and so do the denominators. Kpi numerators and
  denominators add up by definition (docs/STATISTICS.md), so any difference is an error in the
  figures, not rounding. One allowed exception: 超期件数 by department counts a case overdue at
  two departments once in each, so there the parts may exceed the total but never fall short.
- **cohort**: of the cases registered in the period (受理量), those still open now, those closed
  and those merged (并单) into another case add up to the intake.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

# (code, dimension) whose parts may count one case in two groups: only a shortfall is an error.
OVERLAPPING = frozenset({("overdue_cases", "department")})
_TOLERANCE = 1e-6          # float numerators (seconds) are summed after rounding to milliseconds


@dataclass(frozen=True)
class Imbalance:
    """`found` (the parts, or open + closed + merged) is not `expected` (the total, or the intake).
    `part`: numerator, denominator, or count (the cohort)."""

    code: str
    dimension: str
    part: str
    expected: int | float
    found: int | float

    @property
    def difference(self) -> int | float:
        return self.found - self.expected


@dataclass(frozen=True)
class Cohort:
    """The cases registered in the period as they stand now: `intake` is compute()'s 受理量."""

    intake: int
    open: int
    closed: int
    merged: int


def part_sums(groups: Iterable, code: str) -> tuple[int | float, int | None]:
    """(Σ numerators, Σ denominators) of a code over groups (anything with `.kpis`); a group
    without the code adds nothing; the denominator stays None for a count."""
    numerator, denominator = 0, None
    for group in groups:
        kpi = group.kpis.get(code)
        if kpi is None:
            continue
        numerator += kpi.numerator
        if kpi.denominator is not None:
            denominator = (denominator or 0) + kpi.denominator
    return numerator, denominator


def _off(expected, found, overlapping: bool) -> bool:
    if overlapping:
        return found < expected - _TOLERANCE
    return abs(found - expected) > _TOLERANCE


def check_parts(total, dimension: str, groups: list) -> list[Imbalance]:
    """The imbalances of one figure (`total`, a Kpi) over one breakdown's groups."""
    numerator, denominator = part_sums(groups, total.code)
    overlapping = (total.code, dimension) in OVERLAPPING
    found = []
    if _off(total.numerator, numerator, overlapping):
        found.append(Imbalance(total.code, dimension, "numerator", total.numerator, numerator))
    if total.denominator is not None and _off(total.denominator, denominator or 0, overlapping):
        found.append(Imbalance(total.code, dimension, "denominator", total.denominator, denominator or 0))
    return found


def check(headline: Mapping, sections: Mapping[str, list], codes: Iterable[str],
          cohort: Cohort | None = None) -> list[Imbalance]:
    """Every imbalance of a report: `headline` {code: Kpi} holds the totals, `sections`
    {dimension: [groups]} the breakdowns of `codes`, `cohort` the intake's partition. An empty
    list: the report balances."""
    found: list[Imbalance] = []
    for dimension, groups in sections.items():
        for code in codes:
            if code in headline:
                found += check_parts(headline[code], dimension, groups)
    if cohort is not None:
        parts = cohort.open + cohort.closed + cohort.merged
        if parts != cohort.intake:
            found.append(Imbalance("intake", "cohort", "count", cohort.intake, parts))
    return found
