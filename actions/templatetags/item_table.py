"""The rows of ``actions/_item_table.html``, rendered by Jinja2 (see ``pimtracker.jinja2``)."""

import functools
from typing import NamedTuple

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from actions.models import ActionPoint
from actions.progress import is_overdue, status_labels
from pimtracker import jinja2

register = template.Library()


class _Row(NamedTuple):
    """What a row shows beyond the item's own fields, worked out in Python: in the template
    each call (a URL, a translation, a date turned into text) cost more than the row's HTML."""

    item: ActionPoint
    url: str
    due: str  # the due date as ISO text, or ""
    overdue: bool
    leads: list[tuple[str, str, str]]  # (", " but before the first, page, acronym) a lead
    updated: str  # the last change, ISO in the current time zone; "" when not shown
    select_label: str


@register.simple_tag
def item_rows(
    items: list[ActionPoint], selectable: bool = False, hide_updated: bool = False
) -> SafeString:
    """The ``<tr>`` of each item, which must come with its lead organisations prefetched (no
    query runs here). What is the same for every row (status labels, words, URLs; the same
    few organisations lead most rows) is worked out once per table."""
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    item_url = ActionPoint.url_for_id()
    lead_url = functools.partial(organization_url, get_script_prefix(), get_urlconf())
    select = _("Select %(code)s") if selectable else ""
    rows = [
        _Row(
            item,
            item_url(item.pk),
            item.due_date.isoformat() if item.due_date else "",
            is_overdue(item.status, item.due_date, today),
            [
                (", " if n else "", lead_url(org.acronym), org.acronym)
                for n, org in enumerate(item.leads)
            ],
            "" if hide_updated else timezone.localtime(item.updated_at, zone).isoformat(),
            select % {"code": item.code} if selectable else "",
        )
        for item in items
    ]
    return jinja2.render(
        "actions/_item_rows.html",
        {
            "rows": rows,
            "selectable": selectable,
            "hide_updated": hide_updated,
            "status_labels": status_labels(),
            "words": _row_words(),
        },
    )


def _row_words() -> dict[str, str]:
    return {"sample": _("Sample"), "overdue": _("overdue"), "no_date": _("no date")}


@functools.lru_cache(maxsize=4096)
def organization_url(prefix: str, urlconf: str | None, acronym: str) -> str:
    """An organisation's page, kept per process: a page of tables reverses the same few
    dozen acronyms over and over. The prefix and URLconf, which ``reverse`` reads, are
    part of the key."""
    return reverse("organization_detail", args=[acronym], urlconf=urlconf)
