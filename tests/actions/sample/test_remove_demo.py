"""``load_demo --remove``: after it, the data equals what a plain ``import_plan`` left."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from actions import services
from actions.demo import SHIPPED_PLAN
from actions.models import ActionPlan, ActionPoint, ActionUpdate, Status
from participants.models import Event, Forum, Membership, Organization, Participation, Person

JOURNAL = (
    "action_point__code", "kind", "status_before", "status_after", "note", "changes", "version",
    "author_name", "is_sample",
)  # fmt: skip


def data() -> dict:
    """Everything the plan consists of, without primary keys and the timestamps of writes."""
    items = ActionPoint.objects.order_by("code")
    return {
        "plans": list(ActionPlan.objects.values("key", "title", "description")),
        "items": [
            (
                i.code,
                i.title,
                i.status,
                i.due_date,
                i.version,
                i.completed_at,
                sorted(o.acronym for o in i.lead_organizations.all()),
                sorted(p.full_name for p in i.focal_points.all()),
            )
            for i in items.prefetch_related("lead_organizations", "focal_points")
        ],
        "journal": list(
            ActionUpdate.objects.order_by("action_point__code", "version").values_list(*JOURNAL)
        ),
        "people": sorted(
            Person.objects.values_list("first_name", "last_name", "organization__acronym")
        ),
        "users": sorted(User.objects.values_list("username", flat=True)),
        "organizations": sorted(Organization.objects.values_list("acronym", flat=True)),
        "forums": sorted(Forum.objects.values_list("acronym", flat=True)),
        "memberships": Membership.objects.count(),
        "events": Event.objects.count(),
        "participations": Participation.objects.count(),
    }


def test_load_demo_then_remove_leaves_the_data_of_a_plain_import(db, capsys):
    call_command("import_plan", str(SHIPPED_PLAN))
    plain = data()

    call_command("load_demo")
    loaded = data()
    assert loaded["users"] != plain["users"]
    assert any(row[-1] for row in loaded["journal"])  # sample rows are marked

    call_command("load_demo", "--remove")
    out = capsys.readouterr().out
    assert "Sample progress removed from: A-5, B-1, B-2, B-7, B-8, C-4, C-5, C-8.5." in out
    assert data() == plain


def test_remove_with_nothing_loaded_changes_nothing(db, capsys):
    call_command("import_plan", str(SHIPPED_PLAN))
    plain = data()
    call_command("load_demo", "--remove")
    assert data() == plain


def test_an_item_worked_on_after_its_sample_is_kept_and_named(db, capsys):
    call_command("load_demo")
    item = ActionPoint.objects.get(code="B-8")
    services.change_action_point(action_point=item, by=None, status=Status.DONE, note="Real.")
    call_command("load_demo", "--remove")
    out = capsys.readouterr().out
    assert "Left as they are, because someone worked on them after the sample: B-8." in out
    item.refresh_from_db()
    assert item.status == Status.DONE
    assert item.updates.filter(is_sample=True).count() == 1
    assert not ActionUpdate.objects.filter(is_sample=True).exclude(action_point=item).exists()


def test_the_journal_lets_only_sample_rows_be_deleted(db, capsys):
    from django.db import IntegrityError, connection, transaction

    call_command("load_demo")
    table = ActionUpdate._meta.db_table
    real = ActionUpdate.objects.filter(is_sample=False).first()
    with (
        pytest.raises(IntegrityError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [real.pk])  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE is_sample = %s", [True])  # noqa: S608
    assert not ActionUpdate.objects.filter(is_sample=True).exists()
    assert ActionUpdate.objects.filter(pk=real.pk).exists()
