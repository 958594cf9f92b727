"""Organisation contacts: who speaks for an organisation about its action points.

A contact gets the weekly digest of the items their organisation leads, and the instant
notices about them, even when no item names them as focal point (the 2017 plan names
almost none). Coordinators set them on the people pages; the plan file can name them.
"""

from .models import Person


def set_contact(*, person: Person, is_contact: bool) -> bool:
    """Make the person their organisation's contact, or stop. Returns whether anything
    changed. An organisation may have several contacts (a deputy, a field office)."""
    changed = (
        Person.objects.filter(pk=person.pk)
        .exclude(is_contact=is_contact)
        .update(is_contact=is_contact)
    )
    person.is_contact = is_contact
    return bool(changed)
