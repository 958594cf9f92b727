"""The pages of this feature cost the same number of queries whatever their size."""

import pytest

from participants.models import Event, Participation
from tests.actions.test_query_counts import SESSION_AND_USER
from tests.factories import PersonFactory


def test_data_we_hold_page(viewer, django_assert_num_queries):
    with django_assert_num_queries(SESSION_AND_USER):
        response = viewer.get("/data-we-hold/")
    assert response.status_code == 200


@pytest.mark.parametrize("attendees", [3, 60])
def test_the_plan_page_lists_its_events_people_in_one_query(
    plan, organizations, coordinator, attendees, django_assert_num_queries
):
    event = Event.objects.create(
        key="training", title="PIM training", start_date="2017-12-11", end_date="2017-12-15"
    )
    plan.source_event = event
    plan.save()
    for _ in range(attendees):
        person = PersonFactory(organization=organizations["IOM"], is_confirmed=False)
        Participation.objects.create(person=person, event=event, role="participant")
    expected = (
        SESSION_AND_USER
        + 1  # the plan, with its forum and source event joined
        + 1  # its areas with their counts (one GROUP BY)
        + 1  # the areas' learning outcomes (prefetch)
        + 1  # the first 100 items of each area (none here)
        + 1  # the plan's resources (their organisations: none here, so no query)
        + 1  # the event's participations with their people and organisations
    )
    with django_assert_num_queries(expected):
        response = coordinator.get(f"/plans/{plan.pk}/")
    assert response.content.decode().count("<li>") >= attendees
