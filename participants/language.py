"""The language a person reads PIM Tracker in: the pages follow the browser's cookie, and
the person's own choice, kept on ``Person.language``, is what their e-mails follow."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User as AuthUser
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .models import Person
from .services import AccessError


def change_language(*, person: Person, language: str) -> None:
    """The language of the person's e-mails (the pages follow the browser's choice too)."""
    if language not in dict(settings.LANGUAGES):
        raise AccessError(_("Choose one of the languages offered."))
    Person.objects.filter(pk=person.pk).update(language=language)


def keep_language_chosen_before_sign_in(
    sender: type, request: HttpRequest | None, user: AuthUser, **kwargs: Any
) -> None:
    """``user_logged_in`` receiver: a language chosen on the sign-in page (the switch's
    cookie) becomes the person's, so that their e-mails follow it too.

    Only an explicit choice counts: without the cookie the page followed the browser, and
    ``Person.language`` is left as it is.
    """
    cookies = getattr(request, "COOKIES", None) or {}
    language = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")
    person = getattr(user, "person", None)
    if person is not None and language in dict(settings.LANGUAGES):
        change_language(person=person, language=language)
