"""``python manage.py recount_progress``: rebuild the kept progress counts from the items.

Triggers keep them in step with every change (migration 0022); this is for a database
repaired by hand, or restored from a dump taken without them. SQLite keeps none.
"""

from django.core.management.base import BaseCommand

from actions import progress_counts


class Command(BaseCommand):
    help = "Rebuild the progress counts per area and organisation from the action points."

    def handle(self, *args, **options) -> None:
        if not progress_counts.stored():
            self.stdout.write("This database counts on each page: nothing to rebuild.")
            return
        progress_counts.recount()
        self.stdout.write("Progress counts rebuilt.")
