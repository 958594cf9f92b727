"""What every e-mail of the site shares: its templates as a trio, and its domain.

Used by the weekly digests and the instant notices alike (``actions.digests``,
``actions.notices``), which do not import each other.
"""

import functools
import re
from email.utils import parseaddr

from django.conf import settings
from django.template.loader import render_to_string


def render_email(name: str, context: dict) -> tuple[str, str, str]:
    """Subject, text and HTML of ``templates/emails/<name>-subject.txt``, ``-body.txt`` and
    ``-body.html``. The text templates switch autoescaping off; HTML keeps it on."""
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text: str = render_to_string(f"emails/{name}-body.txt", context)
    text = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip() + "\n"
    html = render_to_string(f"emails/{name}-body.html", context)
    return subject, text, html


def mail_domain() -> str:
    return _domain_of(settings.DEFAULT_FROM_EMAIL)


@functools.lru_cache(maxsize=8)
def _domain_of(address: str) -> str:
    # Twice per message, and parsing an address costs more than the rest of the headers.
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"
