"""The 2017 plan's action points were agreed at the PIM training, on its last day
(15 December 2017): installs that imported the plan before 0011 get that recorded, each
item with a journal row and a new version, as a change made in the site would.

Apart from 0011: PostgreSQL refuses the schema's deferred work in a transaction that has
written rows.
"""

import django.utils.timezone
from django.db import migrations

PLAN_KEY, EVENT_KEY = "libya-pim-2017", "libya-pim-training-2017"


def record_where_the_2017_items_were_agreed(apps, schema_editor):
    ActionPoint = apps.get_model("actions", "ActionPoint")
    ActionUpdate = apps.get_model("actions", "ActionUpdate")
    Event = apps.get_model("participants", "Event")
    event = Event.objects.filter(key=EVENT_KEY).first()
    if event is None:
        return
    agreed_on = event.end_date  # the last training day, when the action points were agreed
    now = django.utils.timezone.now()
    items = ActionPoint.objects.filter(plan__key=PLAN_KEY, agreed_event=None, agreed_on=None)
    for item in items:
        version = item.version + 1
        ActionPoint.objects.filter(pk=item.pk).update(
            agreed_event=event, agreed_on=agreed_on, version=version, updated_at=now
        )
        ActionUpdate.objects.create(
            action_point_id=item.pk,
            created_at=now,
            kind="edit",
            note="Where it was agreed, from the training report.",
            changes={"agreed_event": ["", event.title], "agreed_on": ["", agreed_on.isoformat()]},
            version=version,
        )


class Migration(migrations.Migration):
    dependencies = [("actions", "0011_provenance_meetings_resources")]

    operations = [
        migrations.RunPython(record_where_the_2017_items_were_agreed, migrations.RunPython.noop),
    ]
