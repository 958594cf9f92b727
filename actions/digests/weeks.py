"""ISO weeks: the period a weekly digest belongs to, and how it is written."""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _

_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def parse_week(text: str) -> datetime.date:
    """``2024-W11`` -> the Monday of that ISO week; ``ValueError`` for anything else."""
    match = _WEEK.fullmatch(text.strip())
    if not match:
        raise ValueError(_("Write the week as YYYY-Www, for example 2024-W07."))
    try:
        return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(_("%(week)s is not a week of that year.") % {"week": text}) from None


def week_label(period: datetime.date) -> str:
    year, week, _day = period.isocalendar()
    return f"{year}-W{week:02d}"


def current_period(now: datetime.datetime | None = None) -> datetime.date:
    """The Monday of the current ISO week, in site time."""
    today = timezone.localdate(now)
    return today - datetime.timedelta(days=today.weekday())
