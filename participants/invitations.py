"""The invitation: a link to choose a password, and the e-mail that carries it.

Set-password links use Django's password-reset tokens (``default_token_generator``), valid
for ``PASSWORD_RESET_TIMEOUT`` (3 days, settings). A token is one-time: it is a hash of the
account's password and last sign-in, and setting the password changes both.
"""

import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import Person

logger = logging.getLogger(__name__)


def set_password_link(account: AbstractBaseUser) -> str:
    """The absolute link where ``account`` chooses its password; one-time, valid 3 days."""
    uidb64 = urlsafe_base64_encode(force_bytes(account.pk))
    token = default_token_generator.make_token(account)
    return settings.SITE_URL + reverse("set_password", args=[uidb64, token])


def link_valid_days() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)


def send_invitation(person_pk: int) -> bool:
    """E-mail the set-password link; False (logged) if the mail server refused it.

    The invitation stays valid either way: the coordinator can send it again.
    """
    person = Person.objects.select_related("user", "organization").get(pk=person_pk)
    context = {
        "person": person,
        "link": set_password_link(person.user),
        "days": link_valid_days(),
        "site_url": settings.SITE_URL,
    }
    with translation.override(person.language):
        subject = render_to_string("emails/invitation-subject.txt", context).strip()
        text = render_to_string("emails/invitation-body.txt", context)
        html = render_to_string("emails/invitation-body.html", context)
    message = EmailMultiAlternatives(subject, text, to=[person.email])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except OSError:  # smtplib's errors are OSErrors too
        logger.exception("The invitation to person %s could not be sent", person_pk)
        return False
    return True
