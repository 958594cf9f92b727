from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pimtracker.backup import BackupError, is_empty, restore


class Command(BaseCommand):
    help = "Replace the whole database with a backup made by `manage.py backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even though the database holds data, which is then lost.",
        )

    def handle(self, *args, path: Path, force: bool, **options) -> None:
        if not force and not is_empty():
            raise CommandError(
                "The database is not empty: restoring would replace everything in it. "
                "Make a backup of it first, then run again with --force."
            )
        try:
            restore(path)
        except (BackupError, OSError) as exc:
            raise CommandError(f"Restore failed, nothing was changed: {exc}") from exc
        self.stdout.write(f"Restored from {path}.")
