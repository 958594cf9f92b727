"""People as data: sample people, people known only from an event, anonymised people.

People already recorded only as participants of an event (the 2017 training's attendees,
with no account) are marked unconfirmed: they are not current staff until a coordinator
says so.
"""

from django.db import migrations, models


def mark_event_participants_unconfirmed(apps, schema_editor):
    Person = apps.get_model("participants", "Person")
    Person.objects.filter(participations__isnull=False, user__isnull=True).update(
        is_confirmed=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0003_access_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="anonymised"),
        ),
        migrations.AddField(
            model_name="person",
            name="is_confirmed",
            field=models.BooleanField(
                default=True,
                help_text="People known only from an event's list of participants are not, until a coordinator confirms them.",
                verbose_name="confirmed as current staff",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="is_sample",
            field=models.BooleanField(default=False, verbose_name="sample data"),
        ),
        migrations.RemoveConstraint(
            model_name='accesschange',
            name='access_change_kind_valid',
        ),
        migrations.AlterField(
            model_name='accesschange',
            name='kind',
            field=models.CharField(choices=[('invited', 'Invited'), ('invitation_resent', 'Invitation sent again'), ('invitation_cancelled', 'Invitation cancelled'), ('role_changed', 'Role changed'), ('deactivated', 'Deactivated'), ('reactivated', 'Reactivated'), ('left', 'Left; items handed over'), ('confirmed', 'Confirmed as current staff'), ('anonymised', 'Anonymised on their request')], max_length=30, verbose_name='change'),
        ),
        migrations.AddConstraint(
            model_name='accesschange',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['invited', 'invitation_resent', 'invitation_cancelled', 'role_changed', 'deactivated', 'reactivated', 'left', 'confirmed', 'anonymised'])), name='access_change_kind_valid'),
        ),
            migrations.RunPython(mark_event_participants_unconfirmed, migrations.RunPython.noop),
    ]
