"""Send the weekly digests without a broker: for the embedded mode, and for cron.

Same rules as the Celery tasks (``actions.digests``): one delivery per person per week,
claimed before sending, so running it twice, or next to a worker, never sends twice.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from actions.digests import delivery, preview
from actions.digests.weeks import current_period, parse_week, week_label
from actions.models import DigestDelivery


class Command(BaseCommand):
    help = "Send this week's digests (or --week YYYY-Www's); --dry-run lists who would get what."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", help="ISO week, e.g. 2024-W07 (default: this week)")
        parser.add_argument(
            "--dry-run", action="store_true", help="list who would get what; send nothing"
        )

    def handle(self, *args, week: str | None, dry_run: bool, **options) -> None:
        period = self._period(week)
        span = f"{week_label(period)} (week of {period.day} {period:%b %Y})"
        if dry_run:
            self.stdout.write(f"Dry run for {span}: nothing is sent or recorded.")
            planned = preview.dry_run(period)
            width = max((len(p.action) for p in planned), default=0)
            for p in planned:
                self.stdout.write(f"  {p.action:<{width}}  {p.kind:<10} {self._who(p.person)}")
            return

        ids = delivery.prepare_week(period)
        rows = DigestDelivery.objects.filter(pk__in=ids).select_related("person__organization")
        people = {d.pk: d for d in rows}
        self.stdout.write(f"Digests for {span}: {len(ids)} to send.")
        results = delivery.deliver_batch(ids, period=period)
        for result in results:
            row = people[result.delivery_id]
            line = f"  {result.outcome:<12} {row.kind:<10} {self._who(row.person)}"
            self.stdout.write(line + (f"  ({result.detail})" if result.detail else ""))

        counts: dict[str, int] = {outcome: 0 for outcome in delivery.Outcome}
        for result in results:
            counts[result.outcome] += 1
        left = len(ids) - len(results)
        self.stdout.write(
            f"{counts['sent']} sent, {counts['skipped']} skipped, {counts['failed']} failed, "
            f"{counts['retry'] + left} to retry, {counts['not claimed']} taken elsewhere."
        )
        if counts["sent"] and settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            self.stdout.write(f"E-mails were written as files under {settings.EMAIL_FILE_PATH}.")
        if counts["retry"] or left:
            raise CommandError(
                f"{counts['retry'] + left} digest(s) could not be sent now; "
                "run the command again later to send them (nothing is sent twice)."
            )

    def _period(self, week: str | None) -> datetime.date:
        if not week:
            return current_period()
        try:
            period = parse_week(week)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if period > current_period(timezone.now()):
            raise CommandError(f"{week} has not started yet.")
        return period

    @staticmethod
    def _who(person) -> str:
        address = f" <{person.email}>" if person.email else ""
        return f"{person.full_name} ({person.organization.acronym}){address}"
