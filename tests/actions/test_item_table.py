"""The rows of the action point tables (a Jinja2 template inside actions/_item_table.html)."""

import datetime
import re

from django.utils import timezone

from actions.models import ActionPoint
from tests.actions.conftest import html_of
from tests.factories import ActionPointFactory, OrganizationFactory


def rows_of(response) -> str:
    """The page without the line breaks between tags, which a reader never sees."""
    return re.sub(r">\s*\n\s*<", "><", html_of(response))


def test_list_row_shows_what_the_item_is(coordinator, item):
    html = rows_of(coordinator.get("/actions/"))
    due = item.due_date.isoformat()
    assert (
        f'<tr class="sub-item"><td class="select"><input type="checkbox" name="ids" '
        f'value="{item.pk}" id="select-{item.pk}" aria-label="Select C-8.2">'
        f'<input type="hidden" name="version_{item.pk}" value="{item.version}"></td>'
        f'<td class="code"><a href="/actions/{item.pk}/">C-8.2</a></td>'
        '<td class="title"><bdi>Protection mainstreaming</bdi></td>'
        '<td class="state"><span class="status status-not_started">Not started</span></td>'
        f'<td class="due"><time datetime="{due}">{due}</time> <strong class="overdue">overdue'
        '</strong></td><td class="wide-only"><a href="/organizations/IOM/">IOM</a></td>'
    ) in html


def test_row_without_date_or_lead_says_so(viewer, plan):
    ActionPointFactory(area=plan.areas.get(code="A"), code="A-1")
    html = rows_of(viewer.get("/actions/"))
    assert '<td class="due"><span class="muted">no date</span></td>' in html
    assert '<td class="wide-only"><span class="muted">—</span></td>' in html
    assert 'name="ids"' not in html  # only coordinators select rows for the bulk form


def test_last_update_is_the_day_in_the_site_time_zone(settings, viewer, plan):
    settings.TIME_ZONE = "Africa/Tripoli"  # UTC+2, no summer time
    point = ActionPointFactory(area=plan.areas.get(code="A"), code="A-1")
    late_evening_utc = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    ActionPoint.objects.filter(pk=point.pk).update(updated_at=late_evening_utc)
    html = rows_of(viewer.get("/actions/"))
    assert '<time datetime="2026-03-02T01:30:00+02:00">2026-03-02</time>' in html


def test_user_text_in_rows_is_escaped_as_elsewhere(coordinator, plan):
    quoted = OrganizationFactory(acronym='M&E "Q"', name="Monitoring")
    ActionPointFactory(
        area=plan.areas.get(code="A"),
        code="A-'1'",
        title="<b>Bold</b> & 'quoted'",
        leads=[quoted],
        due_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    html = rows_of(coordinator.get("/actions/"))
    assert 'aria-label="Select A-&#x27;1&#x27;"' in html
    title = "&lt;b&gt;Bold&lt;/b&gt; &amp; &#x27;quoted&#x27;"
    assert f'<td class="title"><bdi>{title}</bdi></td>' in html
    assert '<a href="/organizations/M&amp;E%20%22Q%22/">M&amp;E &quot;Q&quot;</a>' in html
    assert 'class="overdue"' not in html
