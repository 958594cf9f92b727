"""Writes to people and their settings. Views call these; nothing else writes the rows."""

from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from .models import Person


def change_language(*, person: Person, language: str) -> bool:
    """Record the language ``person`` reads PIM Tracker in: their e-mails (digests) follow it.

    Returns whether it changed. Raises ``ValueError`` for a language the site does not offer,
    so a stale form cannot store a code the digests could not render.
    """
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"not a language of the site: {language!r}")
    if person.language == language:
        return False
    # One column, one statement: no journal to keep with it, and no other field overwritten.
    Person.objects.filter(pk=person.pk).update(language=language)
    person.language = language
    return True


def keep_language_chosen_before_sign_in(
    sender: type, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
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
