"""The Jinja2 environment of the second template engine (``TEMPLATES`` in settings).

Django templates render everything except the rows of the action point tables and the
progress bars, which were most of a list page's and the dashboard's time in Django's
engine; Jinja2 compiles them to Python. The
environment keeps what the pages rely on from Django's engine: Django's translations, and
Django's escaping (``&#x27;`` rather than markupsafe's ``&#39;``), so that a row reads the
same whichever engine drew it.
"""

import html
from typing import Any

from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

# Django has it; django-stubs leaves it out.
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from jinja2 import Environment


def escape_as_django(value: Any) -> Any:
    """Every value a template prints, escaped as Django's ``escape`` does (``html.escape``);
    safe strings as they are. ``conditional_escape`` gives the same, but its checks for lazy
    strings on every value took a tenth of a long table's time."""
    if hasattr(value, "__html__"):
        return value
    return SafeString(html.escape(str(value)))


def environment(**options: Any) -> Environment:
    options.pop("autoescape", None)  # Django's backend passes True; never anything else here
    env = Environment(
        autoescape=True, extensions=["jinja2.ext.i18n"], finalize=escape_as_django, **options
    )
    # Added by the jinja2.ext.i18n extension at run time, so unknown to Environment's types.
    env.install_gettext_translations(translation, newstyle=True)  # type: ignore[attr-defined]
    # ``e`` too, for values handed to ``_()`` with placeholders, which escapes them itself.
    env.filters["e"] = env.filters["escape"] = conditional_escape
    # Django's ``date`` filter shows a datetime in the current time zone; so must these.
    env.filters["localtime"] = template_localtime
    return env
