"""The digest as an e-mail: templates, Message-ID, the one-click unsubscribe link."""

import datetime
from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actions.emails import greeting, render_email
from actions.emails import mail_domain as _mail_domain
from actions.models import DigestKind
from participants.models import Person

from . import sentences
from .content import Digest, _absolute, build_digest
from .snapshot import Snapshot
from .weeks import week_label

UNSUBSCRIBE_SALT = "actions.digests.unsubscribe"
UNSUBSCRIBE_MAX_AGE = datetime.timedelta(days=60)


def unsubscribe_token(person: Person) -> str:
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign(str(person.pk))


def person_for_unsubscribe(token: str) -> Person:
    """The person a one-click link was made for. Raises ``signing.SignatureExpired`` or
    ``signing.BadSignature`` for an old or tampered link, ``Person.DoesNotExist``."""
    signer = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT)
    pk = signer.unsign(token, max_age=UNSUBSCRIBE_MAX_AGE)
    return Person.objects.get(pk=int(pk))


def message_id(person_id: int, period: datetime.date) -> str:
    """Stable for a delivery, so a message sent twice (the one window) is one to mail clients."""
    tag = salted_hmac("actions.digests.message-id", f"{person_id}:{period}").hexdigest()[:12]
    return f"<digest.{week_label(period)}.{person_id}.{tag}@{_mail_domain()}>"


@dataclass
class Composed:
    digest: Digest
    subject: str
    text: str
    html: str
    headers: dict[str, str]

    def message(self) -> EmailMultiAlternatives:
        person = self.digest.person
        message = EmailMultiAlternatives(
            self.subject,
            self.text,
            to=[formataddr((person.full_name, person.email))],
            headers=self.headers,
        )
        message.attach_alternative(self.html, "text/html")
        return message


def compose(*, person: Person, kind: str, period: datetime.date, snapshot: Snapshot) -> Composed:
    """The e-mail for one person and week, in their language and in site time."""
    with translation.override(person.language), timezone.override(settings.TIME_ZONE):
        digest = build_digest(person=person, kind=kind, period=period, snapshot=snapshot)
        unsubscribe_url = _absolute(reverse("digest_unsubscribe", args=[unsubscribe_token(person)]))
        titles = [s.title for s in digest.plans]
        core_group = kind == DigestKind.CORE_GROUP
        plan_title = (
            titles[0]
            if len(titles) == 1
            else ngettext("%(count)d action plan", "%(count)d action plans", len(titles))
            % {"count": len(titles)}
        )
        headline = digest.headline()
        organisation = person.organization.acronym
        context = {
            "digest": digest,
            "week": week_label(period),
            "week_end": period + datetime.timedelta(days=6),
            "greeting": greeting(person),
            "introduction": sentences.introduction(core_group, organisation, text=False),
            "text_introduction": sentences.introduction(core_group, organisation, text=True),
            "why_you_get_it": sentences.why_you_get_it(
                core_group, organisation if person.is_contact else ""
            ),
            # Words of a row or an area, in the reader's language when they are drawn.
            "due_on": sentences.due_on,
            "dropped": sentences.dropped,
            "area_progress": sentences.area_progress,
            "comma": sentences.comma(),
            "semicolon": sentences.semicolon(),
            "site_url": _absolute(reverse("home")),
            "settings_url": _absolute(reverse("notification_settings")),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = " ".join(
            (
                _("%(headline)s — %(plan_title)s")
                % {"headline": headline, "plan_title": plan_title}
            ).split()
        )
        text, html = render_email("digest", context)
    headers = {
        "Message-ID": message_id(person.pk, period),
        "List-Id": f"PIM Tracker weekly digest <digest.{_mail_domain()}>",
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return Composed(digest, subject, text, html, headers)
