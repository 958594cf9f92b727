"""The list's plan order reads each item's copy of its area's order (``area_order``), which
the database keeps right whatever writes the item or the area: the service, the admin's
``save()``, ``QuerySet.update``, ``bulk_create`` and raw SQL. Keeping it is not a change
anyone made: it bumps no ``version`` and writes no journal entry."""

import re

import pytest
from django.db import connection

from actions import services
from actions.models import ActionPoint, ActionUpdate
from tests.factories import ActionPointFactory, AreaFactory


@pytest.fixture
def items(plan):
    """One item in each area, A to D, listed in that order."""
    return {
        code: ActionPointFactory(area=plan.areas.get(code=code), code=f"{code}-1", position=1)
        for code in "ABCD"
    }


def listed_codes(client) -> list[str]:
    return re.findall(r">([A-D]-[\d.]+)</a>", client.get("/actions/").content.decode())


def stored_area_orders() -> dict[str, int]:
    return dict(ActionPoint.objects.values_list("code", "area_order"))


def versions_and_journal() -> tuple[dict[str, int], int]:
    return dict(ActionPoint.objects.values_list("code", "version")), ActionUpdate.objects.count()


def test_items_take_their_areas_order_when_created(items):
    assert stored_area_orders() == {"A-1": 0, "B-1": 1, "C-1": 2, "D-1": 3}


def test_moving_an_area_first_moves_its_items_first_in_the_list(viewer, plan, items):
    assert listed_codes(viewer) == ["A-1", "B-1", "C-1", "D-1"]
    before = versions_and_journal()

    area = plan.areas.get(code="D")
    area.order = 0
    area.save()  # as the admin does
    plan.areas.filter(code__in="ABC").update(order=5)

    assert listed_codes(viewer) == ["D-1", "A-1", "B-1", "C-1"]
    assert stored_area_orders() == {"A-1": 5, "B-1": 5, "C-1": 5, "D-1": 0}
    assert versions_and_journal() == before


def test_an_areas_new_order_reaches_every_item_of_that_area_only(plan, items):
    area = plan.areas.get(code="B")
    ActionPointFactory(area=area, code="B-2", position=2)
    ActionPointFactory(
        area=area, code="B-2.1", position=3, parent=ActionPoint.objects.get(code="B-2")
    )

    plan.areas.filter(code="B").update(order=7)

    assert stored_area_orders() == {"A-1": 0, "B-1": 7, "B-2": 7, "B-2.1": 7, "C-1": 2, "D-1": 3}


def test_an_item_moved_to_another_area_takes_that_areas_order(coordinator, viewer, plan, items):
    services.change_action_point(
        action_point=items["A"], by=coordinator.user, area=plan.areas.get(code="D"), position=5
    )
    assert stored_area_orders()["A-1"] == 3
    assert listed_codes(viewer) == ["B-1", "C-1", "D-1", "A-1"]

    before = versions_and_journal()
    ActionPoint.objects.filter(code="A-1").update(area=plan.areas.get(code="B"))
    assert stored_area_orders()["A-1"] == 1
    assert listed_codes(viewer) == ["B-1", "A-1", "C-1", "D-1"]
    assert versions_and_journal() == before


def test_a_written_area_order_is_replaced_by_the_areas(items):
    ActionPoint.objects.filter(code="C-1").update(area_order=0)
    item = items["C"]
    item.area_order = 9
    item.save()
    assert stored_area_orders()["C-1"] == 2


def test_bulk_created_items_take_their_areas_order(viewer, plan, items):
    before_journal = ActionUpdate.objects.count()
    area = plan.areas.get(code="C")
    ActionPoint.objects.bulk_create(
        [ActionPoint(plan=plan, area=area, code=f"C-{n}", title="Bulk", position=n) for n in (2, 3)]
    )

    assert stored_area_orders() == {"A-1": 0, "B-1": 1, "C-1": 2, "C-2": 2, "C-3": 2, "D-1": 3}
    assert set(ActionPoint.objects.filter(code__in=["C-2", "C-3"]).values_list("version")) == {(1,)}
    assert ActionUpdate.objects.count() == before_journal
    assert listed_codes(viewer) == ["A-1", "B-1", "C-1", "C-2", "C-3", "D-1"]


def test_items_inserted_in_raw_sql_take_their_areas_order(plan, items):
    area = plan.areas.get(code="D")
    table = ActionPoint._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (plan_id, area_id, code, position, title, description, "  # noqa: S608
            "status, created_at, updated_at, version) "
            "VALUES (%s, %s, 'D-9', 9, 'raw', '', 'not_started', %s, %s, 1)",
            [plan.pk, area.pk, items["D"].created_at, items["D"].created_at],
        )
    assert stored_area_orders()["D-9"] == 3


def test_each_plan_keeps_its_own_area_order(plan, items):
    other = AreaFactory(code="A", order=9)
    ActionPointFactory(area=other, code="A-1")
    assert ActionPoint.objects.filter(plan=other.plan).get().area_order == 9
    assert ActionPoint.objects.filter(plan=plan, code="A-1").get().area_order == 0
