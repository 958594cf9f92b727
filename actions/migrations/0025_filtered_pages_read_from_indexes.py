"""The filtered list's pages read from indexes (actions/paginators.py, KeysFirstPaginator).

The area and status index holds the plan order too (PostgreSQL's INCLUDE; SQLite builds it
without), so that a narrowed page's keys come from the index alone; a new index of each
area's items in plan order serves the list filtered by an area, which walked the plan
order past every item of the areas before it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0024_counts_and_search_once_a_statement'),
        ('participants', '0006_organisation_contacts_and_notices'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='actionpoint',
            name='action_point_area_status',
        ),
        migrations.AddIndex(
            model_name='actionpoint',
            index=models.Index(fields=['area', 'status', 'due_date', 'id'], include=('plan', 'area_order', 'position', 'code'), name='action_point_area_status'),
        ),
        migrations.AddIndex(
            model_name='actionpoint',
            index=models.Index(fields=['area', 'plan', 'area_order', 'position', 'code', 'id'], name='action_point_area_plan_order'),
        ),
    ]
