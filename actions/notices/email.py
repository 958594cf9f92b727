"""A person's waiting notices as one e-mail: lines, templates, headers, unsubscribe link."""

import datetime
from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actions.emails import emailed_note, greeting, mail_domain, render_email
from actions.models import ActionUpdate, Status
from participants.models import Person

from .models import Notice, NoticeKind

UNSUBSCRIBE_SALT = "actions.notices.unsubscribe"
UNSUBSCRIBE_MAX_AGE = datetime.timedelta(days=60)


def unsubscribe_token(person: Person) -> str:
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign(str(person.pk))


def person_for_unsubscribe(token: str) -> Person:
    """The person a one-click link was made for. Raises ``signing.SignatureExpired`` or
    ``signing.BadSignature`` for an old or tampered link, ``Person.DoesNotExist``."""
    signer = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT)
    pk = signer.unsign(token, max_age=UNSUBSCRIBE_MAX_AGE)
    return Person.objects.get(pk=int(pk))


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


@dataclass(frozen=True)
class NoticeLine:
    item_id: int  # for links made per reader and item (emails/_digest_item.*)
    code: str
    title: str
    url: str
    what: str
    note: str  # a comment's or change's note, on one line


def _author(entry: ActionUpdate | None) -> str:
    if entry is None:
        return ""
    return entry.author_name or _("PIM Tracker")


def _what(notice: Notice) -> str:
    entry, who = notice.entry, _author(notice.entry)
    if notice.kind == NoticeKind.BECAME_YOURS:
        return _(
            "now yours (your organisation leads it, or you are its focal point), by %(who)s"
        ) % {"who": who}
    if notice.kind == NoticeKind.NO_LONGER_YOURS:
        return _("no longer yours, by %(who)s") % {"who": who}
    if notice.kind == NoticeKind.COMMENT:
        return _("comment by %(who)s") % {"who": who}
    if notice.kind == NoticeKind.DUE_SOON:
        due = notice.due_date
        return _("falls due on %(date)s, in 3 days") % {
            "date": formats.date_format(due, "j M Y") if due else ""
        }
    parts = []
    if entry is not None and entry.status_before != entry.status_after:
        parts.append(
            _("status %(before)s → %(after)s")
            % {
                "before": Status(entry.status_before).label,
                "after": Status(entry.status_after).label,
            }
        )
    if entry is not None and "due_date" in entry.changes:
        before, after = entry.changes["due_date"]
        parts.append(
            _("due date %(before)s → %(after)s") % {"before": before or "—", "after": after or "—"}
        )
    return _("%(changes)s, by %(who)s") % {"changes": "; ".join(parts), "who": who}


def _line(notice: Notice) -> NoticeLine:
    item = notice.action_point
    entry = notice.entry
    return NoticeLine(
        item_id=item.pk,
        code=item.code,
        title=item.title,
        url=_absolute(item.get_absolute_url()),
        what=_what(notice),
        note=emailed_note(entry) if entry is not None else "",
    )


def _subject(lines: list[NoticeLine]) -> str:
    if len(lines) == 1:
        return _("%(code)s: %(what)s") % {"code": lines[0].code, "what": lines[0].what}
    return ngettext(
        "%(counter)s news about your action points",
        "%(counter)s news about your action points",
        len(lines),
    ) % {"counter": len(lines)}


def compose(*, person: Person, notices: list[Notice], message_id: str) -> EmailMultiAlternatives:
    """The e-mail of these notices (loaded with their items and journal rows), in the
    person's language and in site time, with the digest's list headers."""
    with translation.override(person.language), timezone.override(settings.TIME_ZONE):
        unsubscribe_url = _absolute(reverse("notice_unsubscribe", args=[unsubscribe_token(person)]))
        lines = [_line(n) for n in notices]
        context = {
            "greeting": greeting(person),
            "lines": lines,
            "site_url": _absolute(reverse("home")),
            "settings_url": _absolute(reverse("settings")) + "#settings-notices",
            "unsubscribe_url": unsubscribe_url,
        }
        subject = " ".join(_subject(lines).split())
        text, html = render_email("notice", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[formataddr((person.full_name, person.email))],
        headers={
            "Message-ID": message_id,
            "List-Id": f"PIM Tracker notices <notices.{mail_domain()}>",
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
