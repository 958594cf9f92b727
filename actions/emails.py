"""What the digests and the notices share: their templates as a pair, the greeting, a
journal note as e-mail may carry it, the domain.

Used by the weekly digests and the instant notices alike (``actions.digests``,
``actions.notices``), which do not import each other.
"""

import functools
import re
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.template import engines
from django.utils import translation
from django.utils.translation import gettext as _

from actions.models import ActionUpdate
from participants.models import Person


def render_email(name: str, context: dict[str, Any]) -> tuple[str, str]:
    """Text and HTML of ``templates/jinja2/emails/<name>-body.txt`` and ``-body.html``, in
    the active language. Jinja2, as these are drawn thousands of times a run: the text by
    an environment that escapes nothing, the HTML by one that escapes every value. Their
    sentences come from Python (``greeting``, ``actions/digests/sentences.py``): a
    template's own words are plain ``{{ _("…") }}``, which ``makemessages`` reads."""
    bidi = translation.get_language_bidi()
    context = {
        **context,
        "LANGUAGE_CODE": translation.get_language(),
        "LANGUAGE_BIDI": bidi,
        # Physical sides for the layout's CSS (emails/_layout.html), not start/end: several
        # mail clients ignore logical CSS, and an Arabic e-mail's cells would stay left.
        "start": "right" if bidi else "left",
        "end": "left" if bidi else "right",
    }
    text = engines["jinja2_text"].get_template(f"emails/{name}-body.txt").render(context)
    text = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip() + "\n"
    html = engines["jinja2"].get_template(f"emails/{name}-body.html").render(context)
    return text, html


def greeting(person: Person) -> str:
    return _("Hello %(name)s,") % {"name": person.first_name}


def emailed_note(entry: ActionUpdate) -> str:
    """A journal note on one line, as a digest or a notice shows it."""
    # Data responsibility: a note that looked like personal data (its writer confirmed it)
    # or that was redacted since never travels by e-mail.
    if entry.note and (entry.pii_confirmed or entry.redacted_at):
        return _("(note withheld: it may hold personal data)")
    return " ".join(entry.note.split())


def mail_domain() -> str:
    return _domain_of(settings.DEFAULT_FROM_EMAIL)


@functools.lru_cache(maxsize=8)
def _domain_of(address: str) -> str:
    # Twice per message, and parsing an address costs more than the rest of the headers.
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"
