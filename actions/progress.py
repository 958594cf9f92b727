"""What progress means: the statuses, which of them are open, what is overdue and due
soon, "% done", and the counts and bars built on them.

Every page, export, API response and digest takes these rules from here:

- **open**: not started, in progress or blocked; done and dropped are closed.
- **overdue**: open, with a due date before today (in the site's time zone).
- **due soon**: open, due today or within the next ``DUE_SOON_DAYS`` days.
- **% done**: done items as a share of the items that still count, which are all but the
  dropped ones: dropping an item neither helps nor hurts progress.

The models' query vocabulary (``ActionPoint.objects.open()``, ``.overdue(today)``,
``.due_soon(today)``) and properties (``is_open``, ``is_overdue``) are built from the
``*_q`` and ``is_*`` functions below, so SQL and Python cannot drift apart.
"""

import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import ActionPoint

DUE_SOON_DAYS = 14


class Status(models.TextChoices):
    """The life of an action point, in the order the pages list them."""

    NOT_STARTED = "not_started", gettext_lazy("Not started")
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    BLOCKED = "blocked", gettext_lazy("Blocked")
    DONE = "done", gettext_lazy("Done")
    DROPPED = "dropped", gettext_lazy("Dropped")


def status_labels() -> Mapping[str, str]:
    """Each status's label in the active language. A label is a lazy translation, looked up
    again each time it is shown: the dashboard's bars and columns looked up some 800."""
    return _status_labels_in(get_language())


@functools.cache
def _status_labels_in(language: str | None) -> Mapping[str, str]:
    return {status.value: str(status.label) for status in Status}


CLOSED_STATUSES = (Status.DONE, Status.DROPPED)
OPEN_STATUSES = tuple(s for s in Status if s not in CLOSED_STATUSES)


def due_soon_until(today: datetime.date) -> datetime.date:
    """The last day that is still "due soon"."""
    return today + datetime.timedelta(days=DUE_SOON_DAYS)


def open_q(through: str = "") -> Q:
    """Open items; ``through`` names the relation when counting from another model
    (``"action_points__"``)."""
    return Q(**{f"{through}status__in": OPEN_STATUSES})


def overdue_q(today: datetime.date, through: str = "") -> Q:
    return open_q(through) & Q(**{f"{through}due_date__lt": today})


def due_soon_q(today: datetime.date, through: str = "") -> Q:
    return open_q(through) & Q(
        **{f"{through}due_date__gte": today, f"{through}due_date__lte": due_soon_until(today)}
    )


def is_open(status: str) -> bool:
    return status not in CLOSED_STATUSES


def is_overdue(status: str, due_date: datetime.date | None, today: datetime.date) -> bool:
    return is_open(status) and due_date is not None and due_date < today


def is_due_soon(status: str, due_date: datetime.date | None, today: datetime.date) -> bool:
    return is_open(status) and due_date is not None and today <= due_date <= due_soon_until(today)


def percent_done(*, done: int, total: int, dropped: int) -> int:
    """Done as a whole percentage of the items that still count, rounded half up (5 of 8 is
    63 %, as a person rounds 62.5); 0 when nothing counts."""
    counted = total - dropped
    if not counted:
        return 0
    share = Decimal(100 * done) / Decimal(counted)
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


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
    def dropped(self) -> int:
        return self.by_status.get(Status.DROPPED, 0)

    @property
    def not_started(self) -> int:
        return self.by_status.get(Status.NOT_STARTED, 0)

    @property
    def in_progress(self) -> int:
        return self.by_status.get(Status.IN_PROGRESS, 0)

    @property
    def blocked(self) -> int:
        return self.by_status.get(Status.BLOCKED, 0)

    @property
    def counted(self) -> int:
        """Items that count towards progress: all but the dropped ones."""
        return self.total - self.dropped

    @property
    def percent_done(self) -> int:
        return percent_done(done=self.done, total=self.total, dropped=self.dropped)

    @property
    def done_caption(self) -> str:
        """ "5 of 8 done (63%)": the one way every page writes progress in words."""
        return _("%(done)s of %(counted)s done (%(percent)s%%)") % {
            "done": self.done,
            "counted": self.counted,
            "percent": self.percent_done,
        }

    def columns(self) -> list[tuple[str, str, int]]:
        """(status, label, count) for every status in order, for tables of numbers."""
        labels = status_labels()
        return [(s.value, labels[s.value], self.by_status.get(s, 0)) for s in Status]

    def segments(self) -> list[Segment]:
        """A stacked bar, one segment per non-empty status, in status order."""
        total = self.total
        labels = status_labels()
        result, x = [], 0.0
        for status in Status:
            count = self.by_status.get(status, 0)
            if not count:
                continue
            width = 100 * count / total
            result.append(
                Segment(
                    status.value, labels[status.value], count, _svg_number(x), _svg_number(width)
                )
            )
            x += width
        return result

    @property
    def overdue_width(self) -> str:
        return _svg_number(100 * self.overdue / self.total if self.total else 0.0)

    @property
    def summary(self) -> str:
        """The counts in words: "Not started: 3; Done: 5; Overdue: 1"."""
        parts = [f"{label}: {count}" for _, label, count in self.columns() if count]
        parts.append(f"{_('Overdue')}: {self.overdue}")
        return "; ".join(parts)

    @property
    def description(self) -> str:
        """The bar in words, for screen readers and the tooltip; a bar names it twice, and
        the dashboard draws dozens of bars, so it is worked out once per bar."""
        return f"{self.done_caption}; {self.summary}"


def status_count_annotations(relation: str, today: datetime.date) -> dict[str, Count]:
    """Annotations (``n_<status>``, ``n_overdue``) counting the ``relation`` action points
    per status, and overdue apart: one GROUP BY for a whole table of bars."""
    counts = {
        f"n_{status}": Count(relation, filter=Q(**{f"{relation}__status": status}))
        for status in Status.values
    }
    counts["n_overdue"] = Count(relation, filter=overdue_q(today, through=f"{relation}__"))
    return counts


def counts_of_row(row) -> StatusCounts:
    return StatusCounts(
        by_status={s: getattr(row, f"n_{s}") for s in Status.values}, overdue=row.n_overdue
    )


def counts_of_items(items: Iterable["ActionPoint"], today: datetime.date) -> StatusCounts:
    """The same counts for items already loaded (organisation and "My items" pages)."""
    by_status = {s: 0 for s in Status.values}
    overdue = 0
    for item in items:
        by_status[item.status] += 1
        overdue += is_overdue(item.status, item.due_date, today)
    return StatusCounts(by_status=by_status, overdue=overdue)
