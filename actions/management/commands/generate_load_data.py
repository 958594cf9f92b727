import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from actions.synthetic import generate_load_data, remove_load_data


class Command(BaseCommand):
    help = "Create a reproducible synthetic data set for benchmarks (clearly fictional)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--actions", type=int, required=True, help="Number of action points.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--replace", action="store_true", help="Remove an earlier synthetic data set first."
        )

    def handle(self, *args, actions: int, seed: int, replace: bool, **options) -> None:
        if actions < 1:
            raise CommandError("--actions must be a positive number.")
        started = time.monotonic()
        if replace:
            remove_load_data()
        try:
            result = generate_load_data(
                actions=actions, seed=seed, progress=lambda line: self.stdout.write(line)
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.action_points:,} action points, {result.journal_entries:,} "
                f"journal entries and {result.people} people in "
                f"{time.monotonic() - started:.1f} s."
            )
        )
