"""Which instant notices a person wants: one switch per kind, all on until turned off."""

from .models import Person

NOTICE_SWITCHES = ("notify_assignment", "notify_change", "notify_comment", "notify_due")


def set_notice_choices(person: Person, **choices: bool) -> None:
    """Turn kinds of notices on or off (the settings page, the unsubscribe link). Notices
    already written still go out; the next ones follow the choice."""
    unknown = set(choices) - set(NOTICE_SWITCHES)
    if unknown:
        raise TypeError(f"unknown notice switches: {', '.join(sorted(unknown))}")
    Person.objects.filter(pk=person.pk).update(**choices)
    for name, value in choices.items():
        setattr(person, name, value)
