"""What the site keeps of a person: confirming someone known only from an event's report
as current staff, and anonymising someone who left for good and asked to be forgotten.

Both are coordinators' access changes: one transaction each, recorded in the access log
(``AccessChange``) like every other; a refusal raises ``AccessError`` and writes nothing.
"""

import re

from django.contrib.auth.models import User as AuthUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AccessChange, Membership, Person
from .services import AccessError, User, _locked, _record, _refuse_self

# The journal keeps this, in English, in place of an anonymised author's name; the pages
# show it in the reader's language (``former_staff_label``).
FORMER_STAFF = "former staff of {acronym}"
FORMER_STAFF_PATTERN = re.compile(r"^former staff of (?P<acronym>.+)$")


def former_staff_label(stored: str) -> str:
    """An anonymised author's name as the journal keeps it, in the reader's language."""
    match = FORMER_STAFF_PATTERN.match(stored)
    if match is None:
        return stored
    return _("former staff of %(organization)s") % {"organization": match["acronym"]}


def confirm_person(*, by: User, person: Person) -> None:
    """Confirm someone known only from an event's list of participants as current staff of
    their organisation: they are then listed as staff and may be made focal point."""
    with transaction.atomic():
        person = _locked(person)
        if person.is_confirmed:
            raise AccessError(
                _("%(person)s is already confirmed as current staff.")
                % {"person": person.full_name}
            )
        person.is_confirmed = True
        person.save(update_fields=["is_confirmed"])
        _record(by, person, AccessChange.Kind.CONFIRMED)


def anonymise_person(*, by: User, person: Person) -> None:
    """Erase a person who left for good, at their request: name, e-mail and job title
    go; their account is deleted; the journal, the access log and their digest deliveries
    stay, naming them "former staff of" their organisation (the journal's triggers allow
    exactly this change, migration actions 0013). Refused while they are focal point of an
    open item (hand it over first) and for oneself."""
    from actions.models import ActionPoint, ActionUpdate, DigestDelivery

    with transaction.atomic():
        person = _locked(person)
        if person.anonymised_at is not None:
            raise AccessError(_("This person was anonymised already."))
        _refuse_self(by, person, _("anonymise"))
        open_items = ActionPoint.objects.open().filter(focal_points=person)
        codes = sorted(open_items.values_list("code", flat=True)[:10])
        if codes:
            raise AccessError(
                _(
                    "%(person)s is still focal point of %(codes)s: record that they left and "
                    "hand their items over first."
                )
                % {"person": person.full_name, "codes": ", ".join(codes)}
            )
        acronym = person.organization.acronym
        label = FORMER_STAFF.format(acronym=acronym)
        names = {person.full_name, str(person)}
        email, account = person.email, person.user

        written = Q(author_name=person.full_name, author__isnull=True)
        if account is not None:
            written |= Q(author=account)
        ActionUpdate.objects.filter(written, author_anonymised=False).update(
            author_name=label, author=None, author_anonymised=True
        )
        AccessChange.objects.filter(person=person).update(person_name=label)
        if account is not None:
            AccessChange.objects.filter(by=account).update(by_name=label)
        AccessChange.objects.filter(by__isnull=True, by_name__in=names).update(by_name=label)
        if email:
            # Deliveries stay, for the counts; an SMTP error may quote the address.
            for delivery in DigestDelivery.objects.filter(person=person, error__icontains=email):
                delivery.error = re.sub(re.escape(email), "…", delivery.error, flags=re.I)
                delivery.save(update_fields=["error"])
        Membership.objects.filter(person=person, end_date__isnull=True).update(
            end_date=timezone.localdate()
        )

        now = timezone.now()
        person.first_name, person.last_name = "former staff", f"of {acronym}"
        person.email = person.job_title = ""
        person.user = None
        person.is_active = False
        person.left_on = person.left_on or timezone.localdate()
        person.digest_enabled = False
        person.anonymised_at = now
        person.save()
        if account is not None:
            AuthUser.objects.filter(pk=account.pk).delete()
        _record(by, person, AccessChange.Kind.ANONYMISED)
