"""``python manage.py import_plan PATH``: load or update an action plan file, or action
points from a spreadsheet (.xlsx or .csv: the same preview as the import page, then
applied; ``--dry-run`` shows the preview only)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from actions.plan_files.importing import import_plan
from actions.plan_files.reading import PlanFileError
from actions.spreadsheets.apply import ImportConflict, ImportRefused, apply_preview
from actions.spreadsheets.preview import Preview, build_preview
from actions.spreadsheets.reading import EXTENSIONS, SpreadsheetError, read_spreadsheet
from actions.spreadsheets.rows import parse_sheet


class Command(BaseCommand):
    help = (
        "Load an action plan file (TOML, format 1; see actions/plans/README.md). "
        "Running it again updates what is there and never duplicates. A .xlsx or .csv "
        "file is read as a spreadsheet of action points: its preview is printed, then "
        "applied (not with --dry-run)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the plan file, e.g. actions/plans/libya-pim-2017.toml")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="spreadsheets only: print what would change, and change nothing",
        )

    def handle(self, *args, path: str, dry_run: bool = False, **options) -> None:
        if Path(path).suffix.lower() in EXTENSIONS:
            self._spreadsheet(path, dry_run)
            return
        if dry_run:
            raise CommandError("--dry-run is for spreadsheets (.xlsx, .csv) only.")
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

    def _spreadsheet(self, path: str, dry_run: bool) -> None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file: {exc.strerror}") from exc
        try:
            sheet = read_spreadsheet(data, path, max_bytes=None)
        except SpreadsheetError as exc:
            for error in exc.errors:
                self.stderr.write(f"{path}: {error}")
            raise CommandError(f"{path} cannot be read; nothing was changed.") from exc
        preview = build_preview(parse_sheet(sheet))
        for line in preview_lines(preview):
            self.stdout.write(line)
        if preview.errors:
            raise CommandError(f"{len(preview.errors)} problem(s) in {path}; nothing was changed.")
        if dry_run or not preview.can_apply:
            self.stdout.write("Nothing was changed." + (" (dry run)" if dry_run else ""))
            return
        try:
            result = apply_preview(preview, by=None)
        except ImportConflict as exc:
            raise CommandError(
                f"Changed by someone else meanwhile: {', '.join(exc.codes)}; nothing was "
                "changed. Run the command again."
            ) from exc
        except ImportRefused as exc:
            raise CommandError(f"{path}: {exc}; nothing was changed.") from exc
        self.stdout.write(
            f"{path}: {len(result.created)} created, {len(result.updated)} updated; "
            "each change is in the item's journal."
        )


def preview_lines(preview: Preview) -> list[str]:
    """The preview as the command prints it: counts, then one line per row."""
    lines = [
        f"{preview.source}: {len(preview.creates)} to create, {len(preview.updates)} to "
        f"update, {preview.unchanged} unchanged, {len(preview.errors)} error(s)"
    ]
    for planned in preview.creates:
        lines.append(
            f'  create row {planned.row}: {planned.plan.key} {planned.code} "{planned.title}"'
        )
    for planned in preview.updates:
        changes = "; ".join(
            f"{c.field}: {c.before or '-'} -> {c.after or '-'}" for c in planned.changes
        )
        lines.append(f"  update row {planned.row}: {planned.plan.key} {planned.code}: {changes}")
    for error in preview.errors:
        column = f", {error.column}" if error.column else ""
        lines.append(f"  error row {error.row}{column}: {error.message}")
    for org in preview.unknown_organizations:
        rows = ", ".join(str(r) for r in org.rows)
        lines.append(
            f"  unknown organisation {org.acronym} (rows {rows}): add it in the admin or a "
            "plan file, or correct the acronym"
        )
    return lines
