"""The rows of ``actions/_item_table.html``, rendered by Jinja2 (see ``pimtracker.jinja2``)."""

import functools

from django import template
from django.template import engines
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_noop

from actions.models import ActionPoint
from actions.progress import is_overdue, status_labels

register = template.Library()

# makemessages reads Python and Django templates, not Jinja2: the words of
# jinja2/actions/_item_rows.html are named here so that they reach the catalogue.
_ROW_WORDS = (gettext_noop("Select %(code)s"), gettext_noop("overdue"), gettext_noop("no date"))


@register.simple_tag
def item_rows(
    items: list[ActionPoint], selectable: bool = False, hide_updated: bool = False
) -> SafeString:
    """The ``<tr>`` of each item, which must come with its lead organisations prefetched (no
    query runs here). What is the same for every row (status labels, URLs; the same few
    organisations lead most rows) is worked out once per table."""
    rows = engines["jinja2"].get_template("actions/_item_rows.html")
    html = rows.render(
        {
            "items": items,
            "selectable": selectable,
            "hide_updated": hide_updated,
            "status_labels": status_labels(),
            "item_url": ActionPoint.url_for_id(),
            "organization_url": functools.partial(
                _organization_url, get_script_prefix(), get_urlconf()
            ),
            # Today once for the table, not once a row.
            "is_overdue": functools.partial(is_overdue, today=timezone.localdate()),
        }
    )
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value (autoescape is on)


@functools.lru_cache(maxsize=4096)
def _organization_url(prefix: str, urlconf: str | None, acronym: str) -> str:
    """An organisation's page, kept per process: a page of tables reverses the same few
    dozen acronyms over and over. The prefix and URLconf, which ``reverse`` reads, are
    part of the key."""
    return reverse("organization_detail", args=[acronym], urlconf=urlconf)
