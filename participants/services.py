"""Writes to people and their settings. Views call these; nothing else writes the rows."""

from django.conf import settings

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
