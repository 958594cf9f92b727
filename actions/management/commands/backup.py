from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pimtracker.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup of the whole database to PATH (pg_dump custom format, or SQLite)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        try:
            backup(path)
        except (BackupError, OSError) as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        self.stdout.write(f"Backup written to {path} ({path.stat().st_size:,} bytes).")
