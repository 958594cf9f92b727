"""Tables derived from the action points, written by PostgreSQL's triggers only.

Django knows them so that it creates them everywhere and empties them with the rest
between tests; nothing in Python writes them. SQLite, which has no such triggers, leaves
them empty and computes what they hold on each page instead.

- ``SearchDocument``: an item's words for the text search (migration 0021, actions/search.py);
- ``ProgressStatusCount`` and ``ProgressOpenDueCount``: items per status, and open items
  per due date, for each area and each organisation leading items (migration 0022,
  actions/progress_counts.py). One of the two keys is 0: the row is the other's.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    # A plain key, not a foreign key: the item's deletion takes the row along by trigger.
    action_point_id = models.BigIntegerField(primary_key=True)
    document = SearchVectorField()

    class Meta:
        db_table = "actions_search_document"

    def __str__(self) -> str:
        return f"search document of item {self.action_point_id}"


class ProgressStatusCount(models.Model):
    pk = models.CompositePrimaryKey("area_id", "organization_id", "status")
    area_id = models.BigIntegerField()
    organization_id = models.BigIntegerField()
    status = models.CharField(max_length=20)
    n = models.IntegerField()

    class Meta:
        db_table = "actions_progress_status"

    def __str__(self) -> str:
        return f"{self.n} {self.status} (area {self.area_id}, org {self.organization_id})"


class ProgressOpenDueCount(models.Model):
    pk = models.CompositePrimaryKey("area_id", "organization_id", "due_date")
    area_id = models.BigIntegerField()
    organization_id = models.BigIntegerField()
    due_date = models.DateField()
    n = models.IntegerField()

    class Meta:
        db_table = "actions_progress_open_due"

    def __str__(self) -> str:
        return (
            f"{self.n} open, due {self.due_date} (area {self.area_id}, org {self.organization_id})"
        )
