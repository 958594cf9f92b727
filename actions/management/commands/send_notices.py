"""Send the instant notices that are waiting, without a broker: for the embedded mode, and
for cron. Same rules as the beat task: each notice in one e-mail, each e-mail claimed
before it is sent, so running it twice, or next to a worker, never sends twice."""

from django.core.management.base import BaseCommand, CommandError

from actions.notices.delivery import send_notices
from actions.notices.models import NoticeState


class Command(BaseCommand):
    help = "Send the waiting instant notices: one e-mail per person, at most every 15 minutes."

    def handle(self, *args, **options) -> None:
        results = send_notices()
        counts: dict[str, int] = {}
        for result in results:
            counts[result.outcome] = counts.get(result.outcome, 0) + 1
        self.stdout.write(
            f"Notices: {counts.get(NoticeState.SENT, 0)} e-mail(s) sent, "
            f"{counts.get(NoticeState.SKIPPED, 0)} skipped, "
            f"{counts.get(NoticeState.FAILED, 0)} failed, "
            f"{counts.get(NoticeState.PENDING, 0)} to retry."
        )
        if counts.get(NoticeState.PENDING):
            raise CommandError(
                "Some notices could not be sent now; run the command again later "
                "(nothing is sent twice)."
            )
