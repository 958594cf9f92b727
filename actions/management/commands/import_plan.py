"""``python manage.py import_plan PATH``: load or update an action plan file."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from actions.plan_file import PlanFileError
from actions.plan_import import import_plan


class Command(BaseCommand):
    help = (
        "Load an action plan file (TOML, format 1; see actions/plans/README.md). "
        "Running it again updates what is there and never duplicates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the plan file, e.g. actions/plans/libya-pim-2017.toml")

    def handle(self, *args, path: str, **options) -> None:
        try:
            result = import_plan(path)
        except PlanFileError as exc:
            for error in exc.errors:
                self.stderr.write(f"{path}: {error}")
            raise CommandError(
                f"{len(exc.errors)} problem(s) in {path}; nothing was changed."
            ) from exc
        verdict = "imported" if result.changed else "already up to date"
        self.stdout.write(f"{path}: plan {result.plan.key!r} {verdict}.")
        for line in result.summary():
            self.stdout.write(f"  {line}")
