"""Progress drawn by Jinja2 (see ``pimtracker.jinja2``): ``{% status_bar counts %}``, a bar,
and the rows of the dashboard's progress tables, a bar and the counts of each area or
organisation.

The dashboard draws a bar for every area and every organisation, and a Django ``include``
each cost more than the bar itself: in Jinja2 the dashboard at 100k went from 152 to 142
M instructions (``python -m bench.instructions``)."""

from typing import NamedTuple
from urllib.parse import quote

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString

from actions.models import ActionPlan
from actions.progress import StatusCounts
from actions.selectors import AreaProgress, OrganizationProgress
from actions.templatetags.item_table import organization_url
from pimtracker import jinja2

register = template.Library()


@register.simple_tag
def status_bar(counts: StatusCounts) -> SafeString:
    return jinja2.render("actions/_bar.html", {"counts": counts})


class _ProgressRow(NamedTuple):
    label: str
    url: str
    counts: StatusCounts
    overdue_url: str  # where the overdue count links to; "" for none


@register.simple_tag
def area_progress_rows(areas: list[AreaProgress], plan: ActionPlan) -> SafeString:
    """The ``<tr>`` of each of ``plan``'s areas, linked to the list of its items."""
    list_url = reverse("action_list")
    rows = []
    for row in areas:
        if row.area.plan_id != plan.pk:
            continue
        url = f"{list_url}?plan={plan.pk}&area={quote(row.area.code, safe='/')}"
        rows.append(_ProgressRow(str(row.area), url, row.counts, f"{url}&overdue=1"))
    return _render(rows)


@register.simple_tag
def organization_progress_rows(organizations: list[OrganizationProgress]) -> SafeString:
    """The ``<tr>`` of each organisation, linked to its page."""
    prefix, urlconf = get_script_prefix(), get_urlconf()
    return _render(
        [
            _ProgressRow(
                row.organization.acronym,
                organization_url(prefix, urlconf, row.organization.acronym),
                row.counts,
                "",
            )
            for row in organizations
        ]
    )


def _render(rows: list[_ProgressRow]) -> SafeString:
    return jinja2.render("actions/_progress_rows.html", {"rows": rows})
