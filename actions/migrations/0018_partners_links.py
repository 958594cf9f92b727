"""Three features of partners in the loop:
- update from an e-mail link: the journal says where an entry was made (``via``), and
  coordinators get a switch for the links (``EmailLinkSettings``);
- the calendar feed's secret address (``CalendarFeed``);
- saved views of the action point list (``SavedView``).

On SQLite adding the column rebuilds the journal's table, which drops the triggers that keep
it immutable (migration 0009): they are made again here, with the new column in the list.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MESSAGE = "journal entries are immutable"
COLUMNS = (
    "id", "action_point_id", "author_name", "created_at", "kind", "status_before",
    "status_after", "note", "changes", "version", "via",
)
DROP = [
    "DROP TRIGGER IF EXISTS actionupdate_immutable_update;",
    "DROP TRIGGER IF EXISTS actionupdate_immutable_delete;",
]


def _create(columns):
    same_row = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)
    return [
    f"""CREATE TRIGGER actionupdate_immutable_update BEFORE UPDATE ON actions_actionupdate
        WHEN NOT (OLD.author_id IS NOT NULL AND NEW.author_id IS NULL AND {same_row})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER actionupdate_immutable_delete BEFORE DELETE ON actions_actionupdate
        WHEN EXISTS (SELECT 1 FROM actions_actionpoint WHERE id = OLD.action_point_id)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    ]


CREATE = _create(COLUMNS)
CREATE_0009 = _create(COLUMNS[:-1])  # going back, without the column


def _on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0017_contacts_comments_and_notices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_on_sqlite(DROP), _on_sqlite(CREATE_0009)),
        migrations.AddField(
            model_name='actionupdate',
            name='via',
            field=models.CharField(blank=True, choices=[('', 'on the site'), ('email_link', 'from an e-mail link')], default='', max_length=12, verbose_name='made'),
        ),
        migrations.RunPython(_on_sqlite(CREATE), _on_sqlite(DROP)),
        migrations.CreateModel(
            name='EmailLinkSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('enabled', models.BooleanField(default=True, help_text='Each item in a digest links to a page where its lead or focal point can set its status and add a note without signing in.', verbose_name='updates from e-mail links')),
                ('changed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='changed')),
                ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='changed by')),
            ],
            options={
                'verbose_name': 'e-mail link settings',
                'verbose_name_plural': 'e-mail link settings',
                'constraints': [models.CheckConstraint(condition=models.Q(('pk', 1)), name='email_links_one_row')],
            },
        ),
        migrations.CreateModel(
            name='CalendarFeed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('secret', models.CharField(editable=False, max_length=64, unique=True, verbose_name='secret')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feed', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'calendar feed',
                'verbose_name_plural': 'calendar feeds',
            },
        ),
        migrations.CreateModel(
            name='SavedView',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=80, verbose_name='name')),
                ('query', models.CharField(blank=True, max_length=2000, verbose_name='filters')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='saved_views', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'saved view',
                'verbose_name_plural': 'saved views',
                'ordering': ['user', 'name'],
                'constraints': [models.UniqueConstraint(fields=('user', 'name'), name='saved_view_name_unique')],
            },
        ),
    ]
