"""The two role groups of DESIGN.md §2; everyone else signed in with a Person is a partner."""

from django.db import migrations

# Names as in participants.roles; a migration must not import app code that may change.
ROLE_GROUPS = ("Coordinators", "Viewers")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
