"""``python manage.py create_coordinator``: the first account of a new installation."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from participants.invitations import link_valid_days, set_password_link
from participants.models import Organization, Person
from participants.services import (
    AccessError,
    invitation_state,
    invite_person,
    resend_invitation,
)


class Command(BaseCommand):
    help = (
        "Create a coordinator (person, account and Coordinators membership) and print a "
        "one-time link to set the password, valid 3 days. Further people are invited on /people/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", required=True)
        parser.add_argument("--organization", required=True, metavar="ACRONYM", help="e.g. UNHCR")
        parser.add_argument(
            "--organization-name",
            default="",
            help="Create the organisation with this full name if the acronym is not known yet.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        acronym = options["organization"].strip()
        organization = Organization.objects.filter(acronym__iexact=acronym).first()
        if organization is None:
            if not options["organization_name"].strip():
                known = ", ".join(Organization.objects.values_list("acronym", flat=True)[:30])
                raise CommandError(
                    f"No organisation {acronym!r}. Known: {known or 'none yet'}. "
                    "To create it, add --organization-name 'Full name'."
                )
            organization = Organization.objects.create(
                acronym=acronym, name=options["organization_name"].strip()
            )
            self.stdout.write(f"Created the organisation {organization}.")
        pending = Person.objects.filter(email__iexact=options["email"].strip()).first()
        if pending is not None and invitation_state(pending) == "invited":
            # The link of a first run expired unused: the same command gives a new one.
            resend_invitation(by=None, person=pending, send_email=False)
            self.stdout.write(f"{pending} has not chosen a password yet.")
            self._print_link(pending)
            return
        try:
            person = invite_person(
                by=None,
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
                organization=organization,
                role="coordinator",
                send_email=False,
            )
        except AccessError as exc:
            raise CommandError(str(exc)) from exc
        if person.user is None:
            raise CommandError(f"{person} was created without an account.")
        self.stdout.write(f"Coordinator {person} created; username {person.user.username}.")
        self._print_link(person)

    def _print_link(self, person: Person) -> None:
        self.stdout.write(
            f"Open this link to choose the password (once, within {link_valid_days()} days):"
        )
        if person.user is None:
            raise CommandError(f"{person} has no account to choose a password for.")
        self.stdout.write(set_password_link(person.user))
