"""The database itself refuses what would break the model's rules, whatever the write path:
QuerySet.update, bulk_create and raw SQL all bypass the service and its checks."""

import contextlib
import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from actions import services
from actions.models import ActionPoint, ActionUpdate, DigestDelivery
from participants.models import Person
from tests.factories import ActionPointFactory, AreaFactory, OrganizationFactory, PersonFactory

MONDAY = datetime.date(2018, 1, 8)


@pytest.fixture
def item(plan):
    return ActionPointFactory(area=plan.areas.get(code="C"), code="C-8")


@pytest.fixture
def other_plan_item(db):
    return ActionPointFactory(area=AreaFactory(code="C"), code="C-1")


SAME_PLAN = "parent and area must belong to the same plan"  # the triggers' message


@contextlib.contextmanager
def refused(because: str):
    """Expect the database to refuse the write for the reason named (a regex: SQLite names
    the columns of a unique index where PostgreSQL names the constraint). The savepoint
    keeps the test's transaction usable afterwards."""
    with pytest.raises(IntegrityError, match=because), transaction.atomic():
        yield


def test_code_is_unique_within_a_plan(item):
    with refused(r"action_point_code_unique|actionpoint.plan_id, actions_actionpoint.code"):
        ActionPoint.objects.bulk_create(
            [ActionPoint(plan=item.plan, area=item.area, code="C-8", title="Copy")]
        )
    assert ActionPoint.objects.filter(code="C-8").count() == 1


def test_the_same_code_is_allowed_in_another_plan(item, other_plan_item):
    ActionPoint.objects.filter(pk=other_plan_item.pk).update(code="C-8")
    assert ActionPoint.objects.filter(code="C-8").count() == 2


def test_status_outside_its_set_is_refused(item):
    with refused("action_point_status_valid"):
        ActionPoint.objects.filter(pk=item.pk).update(status="finished")
    item.refresh_from_db()
    assert item.status == "not_started"


def test_sub_item_with_a_parent_in_another_plan_is_refused(item, other_plan_item):
    with refused(SAME_PLAN):
        ActionPoint.objects.filter(pk=item.pk).update(parent=other_plan_item)
    item.refresh_from_db()
    assert item.parent is None


def test_new_sub_item_with_a_parent_in_another_plan_is_refused(item, other_plan_item):
    with refused(SAME_PLAN):
        ActionPoint.objects.bulk_create(
            [
                ActionPoint(
                    plan=item.plan, area=item.area, parent=other_plan_item, code="C-8.1", title="x"
                )
            ]
        )
    assert not ActionPoint.objects.filter(code="C-8.1").exists()


def test_moving_a_parent_to_another_plan_away_from_its_sub_items_is_refused(item, other_plan_item):
    ActionPointFactory(area=item.area, code="C-8.1", parent=item)
    with refused(SAME_PLAN):
        ActionPoint.objects.filter(pk=item.pk).update(
            plan=other_plan_item.plan, area=other_plan_item.area
        )
    item.refresh_from_db()
    assert item.plan_id != other_plan_item.plan_id


def test_area_of_another_plan_is_refused(item, other_plan_item):
    with refused(SAME_PLAN):
        ActionPoint.objects.filter(pk=item.pk).update(area=other_plan_item.area)
    item.refresh_from_db()
    assert item.area.plan_id == item.plan_id


def test_area_of_another_plan_is_refused_in_raw_sql(item, other_plan_item):
    table = ActionPoint._meta.db_table
    with refused(SAME_PLAN), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (plan_id, area_id, code, position, title, description, "  # noqa: S608
            "status, created_at, updated_at, version) "
            "VALUES (%s, %s, 'C-99', 0, 'raw', '', 'not_started', %s, %s, 1)",
            [item.plan_id, other_plan_item.area_id, item.created_at, item.created_at],
        )
    assert not ActionPoint.objects.filter(code="C-99").exists()


def test_one_digest_per_person_kind_and_week(db):
    person = PersonFactory()
    DigestDelivery.objects.create(person=person, kind="core_group", period=MONDAY)
    with refused(r"digest_delivery_once_per_week|digestdelivery.person_id"):
        DigestDelivery.objects.bulk_create(
            [DigestDelivery(person=person, kind="core_group", period=MONDAY)]
        )
    DigestDelivery.objects.create(
        person=person, kind="core_group", period=MONDAY + datetime.timedelta(days=7)
    )
    assert DigestDelivery.objects.filter(person=person).count() == 2


def test_person_email_is_unique_ignoring_case(db):
    org = OrganizationFactory()
    Person.objects.create(first_name="A", last_name="One", organization=org, email="a@example.org")
    with refused("person_email_unique_when_set"):
        Person.objects.bulk_create(
            [Person(first_name="A", last_name="Two", organization=org, email="A@Example.org")]
        )
    assert Person.objects.filter(email__iexact="a@example.org").count() == 1


def test_many_people_may_have_no_email(db):
    org = OrganizationFactory()
    Person.objects.bulk_create(
        [Person(first_name="P", last_name=str(n), organization=org, email="") for n in range(3)]
    )
    assert Person.objects.filter(email="").count() == 3


IMMUTABLE = "journal entries are immutable"  # the journal triggers' message


def test_raw_sql_cannot_change_a_journal_entry(item, coordinator):
    services.change_action_point(action_point=item, by=coordinator.user, note="Met IOM.")
    entry = ActionUpdate.objects.get(action_point=item, note="Met IOM.")
    table = ActionUpdate._meta.db_table
    with refused(IMMUTABLE), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET note = %s WHERE id = %s", ["Forged.", entry.pk])  # noqa: S608
    with refused(IMMUTABLE):
        ActionUpdate.objects.filter(pk=entry.pk).update(author=None, note="")
    entry.refresh_from_db()
    assert (entry.note, entry.author) == ("Met IOM.", coordinator.user)


def test_raw_sql_cannot_delete_a_journal_entry(item):
    table = ActionUpdate._meta.db_table
    with refused(IMMUTABLE), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE action_point_id = %s", [item.pk])  # noqa: S608
    with refused(IMMUTABLE):
        ActionUpdate.objects.filter(action_point=item)._raw_delete(connection.alias)
    assert ActionUpdate.objects.filter(action_point=item).count() == 1


def test_deleting_an_author_keeps_their_name_on_the_journal(item, partner_iom, coordinator):
    services.change_action_point(action_point=item, by=partner_iom.user, note="Under way.")
    partner_iom.person.user = None
    partner_iom.person.save()
    partner_iom.user.delete()
    entry = ActionUpdate.objects.get(action_point=item, note="Under way.")
    assert entry.author is None
    assert entry.author_name == "Iom_partner Demo"
    page = coordinator.get(item.get_absolute_url()).content.decode()
    assert "Iom_partner Demo" in page
