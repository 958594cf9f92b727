"""One digest delivery per person per week, whatever the kind (was: per kind).

Someone both in the core group and a focal point gets the core-group digest only; the
database, not just the fan-out, makes sure a second kind can never be added that week.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0002_same_plan_triggers'),
        ('participants', '0002_role_groups'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='digestdelivery',
            name='digest_delivery_once_per_week',
        ),
        migrations.AddConstraint(
            model_name='digestdelivery',
            constraint=models.UniqueConstraint(fields=('person', 'period'), name='digest_delivery_once_per_week'),
        ),
    ]
