"""Which notices a change writes, to whom, in the change's own transaction."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from actions import comments, services
from actions.models import Notice, Status
from actions.notices.outbox import collect_due_soon
from tests.factories import ActionPointFactory, PersonFactory

pytestmark = pytest.mark.django_db


def kinds(person) -> list[str]:
    return list(Notice.objects.filter(person=person).values_list("kind", flat=True))


def test_a_comment_is_told_to_the_lead_organisations_contact_not_its_author(
    partner_iom, partner_acted, acted_contact, acted_item
):
    comments.add_comment(action_point=acted_item, by=partner_iom.user, text="IOM can help.")
    assert kinds(acted_contact) == ["comment"]
    assert kinds(partner_iom.person) == []
    # ACTED's other staff are not the contact: nothing for them.
    assert kinds(partner_acted.person) == []
    comments.add_comment(action_point=acted_item, by=acted_contact.user, text="Thanks.")
    assert kinds(acted_contact) == ["comment"]  # not told of their own comment


def test_a_status_or_due_date_change_by_someone_else_is_told(
    coordinator, acted_contact, acted_item
):
    services.change_action_point(
        action_point=acted_item, by=coordinator.user, status=Status.BLOCKED
    )
    services.change_action_point(
        action_point=acted_item,
        by=coordinator.user,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    # A change of title alone is not news for a notice.
    services.change_action_point(action_point=acted_item, by=coordinator.user, title="Renamed")
    assert kinds(acted_contact) == ["changed", "changed"]


def test_an_item_becoming_someones_and_stopping_being_theirs(
    coordinator, organizations, acted_contact, plan
):
    item = ActionPointFactory(area=plan.areas.get(code="A"), code="A-9")
    focal = PersonFactory(organization=organizations["IOM"])
    services.change_action_point(
        action_point=item,
        by=coordinator.user,
        lead_organizations=[organizations["ACTED"]],
        focal_points=[focal],
    )
    assert kinds(acted_contact) == ["became_yours"]
    assert kinds(focal) == ["became_yours"]
    services.change_action_point(action_point=item, by=coordinator.user, lead_organizations=[])
    assert kinds(acted_contact) == ["became_yours", "no_longer_yours"]
    assert kinds(focal) == ["became_yours"]


def test_a_new_item_is_told_to_its_leads_contact_and_focal_points(
    coordinator, organizations, acted_contact, plan
):
    focal = PersonFactory(organization=organizations["IOM"])
    ActionPointFactory(
        area=plan.areas.get(code="A"), code="A-10", leads=[organizations["ACTED"]], focal=[focal]
    )
    assert kinds(acted_contact) == ["became_yours"]
    assert kinds(focal) == ["became_yours"]


def test_opting_out_of_a_kind_means_it_is_never_written(
    partner_iom, coordinator, acted_contact, acted_item
):
    acted_contact.notify_comment = False
    acted_contact.save()
    comments.add_comment(action_point=acted_item, by=partner_iom.user, text="IOM can help.")
    services.change_action_point(action_point=acted_item, by=coordinator.user, status=Status.DONE)
    assert kinds(acted_contact) == ["changed"]


def test_a_change_that_rolls_back_leaves_no_notice(coordinator, acted_contact, acted_item):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.change_action_point(
            action_point=acted_item, by=coordinator.user, status=Status.BLOCKED
        )
        raise RuntimeError("the request failed after the change")
    assert kinds(acted_contact) == []


def test_falling_due_in_three_days_is_told_once(acted_contact, acted_item, coordinator):
    today = timezone.localdate()
    services.change_action_point(
        action_point=acted_item,
        by=acted_contact.user,
        due_date=today + datetime.timedelta(days=3),
    )
    collect_due_soon(today)
    collect_due_soon(today)  # the next run, 15 minutes later
    collect_due_soon(today + datetime.timedelta(days=1))  # not due in 3 days any more
    assert kinds(acted_contact) == ["due_soon"]
    notice = Notice.objects.get(person=acted_contact)
    assert notice.due_date == today + datetime.timedelta(days=3)
    # Done items are not chased.
    services.change_action_point(action_point=acted_item, by=coordinator.user, status=Status.DONE)
    Notice.objects.filter(kind="due_soon").delete()
    collect_due_soon(today)
    assert "due_soon" not in kinds(acted_contact)
