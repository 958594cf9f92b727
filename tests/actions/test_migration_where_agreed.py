"""An install that imported the 2017 plan before items recorded where they were agreed:
the migration records the training and 15 December 2017, through a journal row each."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("actions", "0010_digest_delivery_maybe_sent"), ("participants", "0003_access_log")]
AFTER = [("actions", "0012_the_2017_items_were_agreed_at_the_training")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_2017_items_get_the_training_and_its_last_day():
    old = migrate(BEFORE)
    event = old.get_model("participants", "Event").objects.create(
        key="libya-pim-training-2017",
        title="2017 PIM training",
        start_date=datetime.date(2017, 12, 11),
        end_date=datetime.date(2017, 12, 15),
    )
    forum = old.get_model("participants", "Forum").objects.create(
        acronym="PC", name="Libya Protection Cluster", kind="cluster"
    )
    plans = old.get_model("actions", "ActionPlan").objects
    plan = plans.create(key="libya-pim-2017", title="2017 plan", forum=forum)
    other = plans.create(key="another-plan", title="Another plan", forum=forum)
    for owner, code in ((plan, "B-8"), (other, "X-1")):
        area = old.get_model("actions", "Area").objects.create(plan=owner, code=code[0], name="A")
        old.get_model("actions", "ActionPoint").objects.create(
            plan=owner, area=area, code=code, title=code
        )
    try:
        new = migrate(AFTER)
        items = new.get_model("actions", "ActionPoint").objects
        b8 = items.get(code="B-8")
        assert (b8.agreed_event_id, b8.agreed_on) == (event.pk, datetime.date(2017, 12, 15))
        assert b8.version == 2
        entry = new.get_model("actions", "ActionUpdate").objects.get(action_point=b8)
        assert entry.changes["agreed_on"] == ["", "2017-12-15"]
        x1 = items.get(code="X-1")
        assert (x1.agreed_event_id, x1.agreed_on, x1.version) == (None, None, 1)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
