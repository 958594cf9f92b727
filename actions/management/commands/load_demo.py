"""``python manage.py load_demo``: the 2017 plan, demo accounts and sample progress;
``--remove`` takes the sample out again."""

from django.core.management.base import BaseCommand, CommandError

from actions.demo import ACCOUNTS, DEMO_DONOR, SAMPLE_MARK, SHIPPED_PLAN, load_demo
from actions.plan_files.reading import PlanFileError
from actions.sample_data import remove_sample_data


class Command(BaseCommand):
    help = (
        "Load the 2017 Libya plan, one fictional demo account per role and sample progress "
        "marked as sample. Idempotent; prints new passwords and how to sign in."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--remove",
            action="store_true",
            help="Take the sample data out: the plan is left as a plain import_plan leaves it.",
        )

    def handle(self, *args, **options) -> None:
        if options["remove"]:
            self._remove()
            return
        try:
            result = load_demo()
        except PlanFileError as exc:
            for error in exc.errors:
                self.stderr.write(f"{SHIPPED_PLAN}: {error}")
            raise CommandError(
                "The shipped plan could not be imported; nothing was changed."
            ) from exc

        verdict = "imported" if result.imported.changed else "already up to date"
        self.stdout.write(f"2017 Libya plan {verdict}:")
        for line in result.imported.summary():
            self.stdout.write(f"  {line}")
        if result.sample_applied:
            codes = ", ".join(result.sample_applied)
            self.stdout.write(f'Sample progress, marked "{SAMPLE_MARK}", added to {codes}.')
        else:
            self.stdout.write("Sample progress: already there (or the items have real progress).")

        self.stdout.write("")
        self.stdout.write("Demo accounts (fictional people; new passwords at every run):")
        width = max(len(account.username) for account, _ in result.accounts)
        for account, password in result.accounts:
            self.stdout.write(
                f"  {account.role:<12} {account.username:<{width}}  {password}"
                f"  ({account.organization})"
            )
        self.stdout.write(f"Sign in at {result.login_url}")
        self.stdout.write(
            "The coordinator then sets up two-step sign-in: scan the QR code with an "
            "authenticator app (FreeOTP, Aegis, Google or Microsoft Authenticator)."
        )

    def _remove(self) -> None:
        result = remove_sample_data(
            demo_usernames=[account.username for account in ACCOUNTS],
            demo_organization=DEMO_DONOR["acronym"],
        )
        restored = ", ".join(result.restored) or "none"
        self.stdout.write(f"Sample progress removed from: {restored}.")
        self.stdout.write(
            f"Demo accounts removed: {result.accounts}; sample people: {result.people}."
        )
        if result.kept:
            self.stdout.write(
                "Left as they are, because someone worked on them after the sample: "
                f"{', '.join(result.kept)}."
            )
