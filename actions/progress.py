"""Progress: action points counted per status, overdue apart, and the bars drawn from them.

The dashboard, plan and organisation pages all show the same counts the same way; the
bars are SVG drawn by the server (no script, no style attribute: the CSP forbids both).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from .models import OPEN_STATUSES, ActionPoint, Status


@dataclass(frozen=True)
class Segment:
    """One status's part of a bar. ``x`` and ``width`` are SVG attribute values on a
    0..100 axis, already text so that no locale's decimal comma can reach the SVG."""

    status: str
    label: str
    count: int
    x: str
    width: str


def _svg_number(value: float) -> str:
    return f"{value:.2f}"


@dataclass
class StatusCounts:
    """Items per status, plus overdue (open items past their due date) counted apart."""

    by_status: dict[str, int]
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def done(self) -> int:
        return self.by_status.get(Status.DONE, 0)

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def columns(self) -> list[tuple[str, str, int]]:
        """(status, label, count) for every status in order, for tables of numbers."""
        return [(s.value, str(s.label), self.by_status.get(s, 0)) for s in Status]

    def segments(self) -> list[Segment]:
        """A stacked bar, one segment per non-empty status, in status order."""
        total = self.total
        result, x = [], 0.0
        for status in Status:
            count = self.by_status.get(status, 0)
            if not count:
                continue
            width = 100 * count / total
            result.append(
                Segment(status.value, str(status.label), count, _svg_number(x), _svg_number(width))
            )
            x += width
        return result

    @property
    def overdue_width(self) -> str:
        return _svg_number(100 * self.overdue / self.total if self.total else 0.0)

    @property
    def summary(self) -> str:
        """The bar in words, for screen readers and the tooltip."""
        parts = [f"{label}: {count}" for _, label, count in self.columns() if count]
        parts.append(f"{_('Overdue')}: {self.overdue}")
        return "; ".join(parts)


def status_count_annotations(relation: str, today: datetime.date) -> dict[str, Count]:
    """Annotations (``n_<status>``, ``n_overdue``) counting the ``relation`` action points
    per status, and overdue apart: one GROUP BY for a whole table of bars."""
    counts = {
        f"n_{status}": Count(relation, filter=Q(**{f"{relation}__status": status}))
        for status in Status.values
    }
    counts["n_overdue"] = Count(
        relation,
        filter=Q(**{f"{relation}__status__in": OPEN_STATUSES, f"{relation}__due_date__lt": today}),
    )
    return counts


def counts_of_row(row) -> StatusCounts:
    return StatusCounts(
        by_status={s: getattr(row, f"n_{s}") for s in Status.values}, overdue=row.n_overdue
    )


def counts_of_items(items: list[ActionPoint], today: datetime.date) -> StatusCounts:
    """The same counts for items already loaded (organisation and "My items" pages)."""
    by_status = {s: 0 for s in Status.values}
    overdue = 0
    for item in items:
        by_status[item.status] += 1
        if item.status in OPEN_STATUSES and item.due_date and item.due_date < today:
            overdue += 1
    return StatusCounts(by_status=by_status, overdue=overdue)
