"""Where each action point was agreed, meetings and their decisions, and resources.

- ``ActionPoint`` gains where and when it was agreed, the source's own words and whether
  its forum is inferred (0012 records it for the 2017 plan's items).
- ``Meeting``; ``ActionUpdate.meeting`` links a journal row to the meeting that decided it.
- ``Resource``: links of a plan, an item or a meeting.

SQLite rebuilds ``actions_actionpoint`` to add its NOT NULL columns, which drops the
triggers of 0002 and 0006: they are created again after it. The journal's update trigger
of 0009 compares every column but ``author_id``: it is created again with ``meeting_id``.
"""

import importlib


import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

SAME_PLAN = importlib.import_module("actions.migrations.0002_same_plan_triggers")
AREA_ORDER = importlib.import_module("actions.migrations.0006_action_point_area_order")
JOURNAL = importlib.import_module("actions.migrations.0009_journal_immutable")

# The journal's triggers as 0009 makes them, but the update trigger also compares the new
# ``meeting_id``; both read the item table, which SQLite rebuilds here.
JOURNAL_SQLITE_FORWARD = [
    JOURNAL.SQLITE_FORWARD[0].replace(
        JOURNAL.SQLITE_SAME_ROW, f"{JOURNAL.SQLITE_SAME_ROW} AND NEW.meeting_id IS OLD.meeting_id"
    ),
    JOURNAL.SQLITE_FORWARD[1],
]
ITEM_TRIGGERS = SAME_PLAN.SQLITE_BACKWARD + SAME_PLAN.SQLITE_FORWARD + AREA_ORDER.SQLITE_FORWARD
# Triggers that name the item table and would break its rebuild.
READERS_OF_ITEMS = AREA_ORDER.SQLITE_BACKWARD + JOURNAL.SQLITE_BACKWARD
def _sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0010_digest_delivery_maybe_sent"),
        ("participants", "0003_access_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Backward, this runs last: after the columns are removed and the tables rebuilt.
        migrations.RunPython(
            _sqlite(READERS_OF_ITEMS), _sqlite(ITEM_TRIGGERS + JOURNAL.SQLITE_FORWARD)
        ),
        migrations.AddField(
            model_name="actionpoint",
            name="agreed_event",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agreed_action_points",
                to="participants.event",
                verbose_name="agreed at",
            ),
        ),
        migrations.AddField(
            model_name="actionpoint",
            name="agreed_on",
            field=models.DateField(blank=True, null=True, verbose_name="agreed on"),
        ),
        migrations.AddField(
            model_name="actionpoint",
            name="agreed_text",
            field=models.TextField(
                db_default="",
                default="",
                blank=True,
                help_text="The source's own words, kept as agreed.",
                verbose_name="as agreed",
            ),
        ),
        migrations.AddField(
            model_name="actionpoint",
            name="forum_inferred",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="The source does not name the forum.",
                verbose_name="forum inferred",
            ),
        ),
        migrations.CreateModel(
            name="Meeting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(db_index=True, verbose_name="date")),
                (
                    "record",
                    models.TextField(
                        blank=True,
                        help_text="A short record: what was discussed and agreed.",
                        verbose_name="record",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="recorded"
                    ),
                ),
                (
                    "forum",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="meetings",
                        to="participants.forum",
                        verbose_name="forum",
                    ),
                ),
                (
                    "items",
                    models.ManyToManyField(
                        blank=True,
                        related_name="meetings",
                        to="actions.actionpoint",
                        verbose_name="action points discussed",
                    ),
                ),
                (
                    "organizations",
                    models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to="participants.organization",
                        verbose_name="organisations present",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "meeting",
                "verbose_name_plural": "meetings",
                "ordering": ["-date", "-id"],
            },
        ),
        migrations.AddField(
            model_name="actionpoint",
            name="agreed_meeting",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agreed_action_points",
                to="actions.meeting",
                verbose_name="agreed at meeting",
            ),
        ),
        migrations.RunPython(_sqlite(ITEM_TRIGGERS), _sqlite(AREA_ORDER.SQLITE_BACKWARD)),
        migrations.AddField(
            model_name="actionupdate",
            name="meeting",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="actions.meeting",
                verbose_name="meeting",
            ),
        ),
        migrations.RunPython(_sqlite(JOURNAL_SQLITE_FORWARD), _sqlite(JOURNAL.SQLITE_BACKWARD)),
        migrations.CreateModel(
            name="Resource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "url",
                    models.URLField(
                        blank=True,
                        max_length=500,
                        validators=[
                            django.core.validators.URLValidator(
                                message="Enter an http:// or https:// link.",
                                schemes=["http", "https"],
                            )
                        ],
                        verbose_name="link",
                    ),
                ),
                ("label", models.CharField(max_length=200, verbose_name="label")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("key", models.SlugField(blank=True, max_length=100, verbose_name="key")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "action_point",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="resources",
                        to="actions.actionpoint",
                        verbose_name="action point",
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="links",
                        to="actions.meeting",
                        verbose_name="meeting",
                    ),
                ),
                (
                    "organizations",
                    models.ManyToManyField(
                        blank=True,
                        related_name="resources",
                        to="participants.organization",
                        verbose_name="organisations",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="resources",
                        to="actions.actionplan",
                        verbose_name="plan",
                    ),
                ),
            ],
            options={
                "verbose_name": "resource",
                "verbose_name_plural": "resources",
                "ordering": ["order", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("action_point__isnull", True),
                                ("meeting__isnull", True),
                                ("plan__isnull", False),
                            ),
                            models.Q(
                                ("action_point__isnull", False),
                                ("meeting__isnull", True),
                                ("plan__isnull", True),
                            ),
                            models.Q(
                                ("action_point__isnull", True),
                                ("meeting__isnull", False),
                                ("plan__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="resource_has_one_owner",
                    )
                ],
            },
        ),
    ]
