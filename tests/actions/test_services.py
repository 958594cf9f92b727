"""The single write path: every change journaled, versioned, atomic."""

import pytest
from django.core.exceptions import ValidationError

from actions import services
from actions.models import ActionPoint, ActionUpdate, Status
from tests.factories import ActionPointFactory, AreaFactory


@pytest.fixture
def item(plan, organizations):
    return ActionPointFactory(
        area=plan.areas.get(code="A"), code="A-1", leads=[organizations["IOM"]]
    )


def test_creating_an_item_writes_its_first_journal_entry(item, coordinator):
    entry = item.updates.get()
    assert entry.kind == ActionUpdate.Kind.CREATED
    assert entry.status_after == Status.NOT_STARTED
    assert item.version == 1


def test_status_change_is_journaled_and_bumps_version(item, coordinator):
    entry = services.change_action_point(
        action_point=item,
        by=coordinator.user,
        expected_version=1,
        status=Status.IN_PROGRESS,
        note="Started the mapping.",
    )
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert item.version == 2
    assert entry.kind == ActionUpdate.Kind.STATUS_CHANGE
    assert (entry.status_before, entry.status_after) == (Status.NOT_STARTED, Status.IN_PROGRESS)
    assert entry.author == coordinator.user
    assert entry.note == "Started the mapping."
    assert entry.version == 2


def test_done_sets_completed_at_and_reopening_clears_it(item):
    services.change_action_point(action_point=item, by=None, status=Status.DONE)
    item.refresh_from_db()
    assert item.completed_at is not None
    services.change_action_point(action_point=item, by=None, status=Status.IN_PROGRESS)
    item.refresh_from_db()
    assert item.completed_at is None


def test_stale_version_is_refused_and_changes_nothing(item):
    services.change_action_point(action_point=item, by=None, status=Status.IN_PROGRESS)
    with pytest.raises(services.StaleVersion) as refused:
        services.change_action_point(
            action_point=item, by=None, expected_version=1, status=Status.DONE, note="late"
        )
    assert refused.value.current.status == Status.IN_PROGRESS
    item.refresh_from_db()
    assert (item.status, item.version) == (Status.IN_PROGRESS, 2)
    assert not item.updates.filter(note="late").exists()


def test_a_note_alone_is_journaled_as_a_note(item):
    entry = services.change_action_point(action_point=item, by=None, note="Met IOM today.")
    assert entry.kind == ActionUpdate.Kind.NOTE
    item.refresh_from_db()
    assert item.version == 2


def test_nothing_to_change_writes_nothing(item):
    with pytest.raises(services.NothingToChange):
        services.change_action_point(action_point=item, by=None, status=Status.NOT_STARTED)
    assert item.updates.count() == 1
    item.refresh_from_db()
    assert item.version == 1


def test_reassignment_records_before_and_after(item, organizations):
    entry = services.change_action_point(
        action_point=item, by=None, lead_organizations=[organizations["ACTED"]]
    )
    assert entry.kind == ActionUpdate.Kind.REASSIGNMENT
    assert "ACTED" in entry.changes["lead_organizations"][1]
    assert list(item.lead_organizations.values_list("acronym", flat=True)) == ["ACTED"]


def test_invalid_status_is_refused_and_changes_nothing(item):
    with pytest.raises(ValidationError):
        services.change_action_point(action_point=item, by=None, status="finished")
    item.refresh_from_db()
    assert item.status == Status.NOT_STARTED
    assert item.updates.count() == 1


def test_parent_from_another_plan_is_refused(item, plan):
    other_area = AreaFactory(code="A")  # a new plan
    other = ActionPointFactory(area=other_area, code="A-1")
    with pytest.raises(ValidationError):
        services.change_action_point(action_point=other, by=None, parent=item)
    other.refresh_from_db()
    assert other.parent is None


def test_duplicate_code_in_a_plan_is_refused(item, plan):
    with pytest.raises(ValidationError):
        ActionPointFactory(area=plan.areas.get(code="B"), code="A-1")
    assert ActionPoint.objects.filter(code="A-1").count() == 1


def test_journal_entries_cannot_be_changed(item):
    entry = item.updates.get()
    entry.note = "rewritten history"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_a_bulk_status_change_journals_each_item_and_reports_the_rest(plan, coordinator):
    area = plan.areas.get(code="A")
    fresh = ActionPointFactory(area=area, code="A-1")
    done = ActionPointFactory(area=area, code="A-2", status=Status.DONE)
    moved = ActionPointFactory(area=area, code="A-3")
    services.change_action_point(action_point=moved, by=coordinator.user, note="Moved on.")

    result = services.change_status_of_many(
        ids=[fresh.pk, done.pk, moved.pk],
        by=coordinator.user,
        status=Status.DONE,
        versions={moved.pk: 1},
    )

    assert (result.changed, result.unchanged, result.stale) == (["A-1"], ["A-2"], ["A-3"])
    assert ActionPoint.objects.get(pk=fresh.pk).status == Status.DONE
    assert ActionPoint.objects.get(pk=moved.pk).status == Status.NOT_STARTED
    assert fresh.updates.count() == 2
    assert done.updates.count() == 1
