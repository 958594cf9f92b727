"""The Jinja2 environments of the second and third template engines (``TEMPLATES`` in
settings): HTML, and the e-mails' plain text.

Django templates render everything except the rows of the action point tables, the progress
bars and the digests and notices, which were most of a list page's, the dashboard's and a
digest's time in Django's engine; Jinja2 compiles them to Python. The environments keep
what they rely on from Django's engine: Django's translations, its ``date`` and
``truncatechars``, and Django's escaping (``&#x27;`` rather than markupsafe's ``&#39;``),
so that a row reads the same whichever engine drew it.

Their words: ``makemessages`` reads ``{{ _("…") }}`` in a Jinja2 template as in Django's
(its ``templatize``), but only a string with nothing after it, while Jinja2's ``_()``
formats every string with its keyword arguments. So a template's own words are plain; a
sentence that holds a value or a count is made in Python (actions/digests/sentences.py).

Every printed value is escaped once, by ``finalize``, unless it is safe (has ``__html__``):
what Jinja2's autoescape does, which is therefore off. With both, each value went through
``finalize`` and then through markupsafe's ``escape`` again, a third of the instructions of
a table of items. What that leaves to the templates: no macros and no ``{% set %}`` blocks
of HTML (their text would be escaped when printed), and no escaping by hand of a value
handed to ``_()`` (the words are escaped whole when printed).
"""

import datetime
import functools
import html
from typing import Any

from django.template import defaultfilters, engines
from django.utils import formats, timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from jinja2 import Environment


def escape_as_django(value: Any) -> Any:
    """Every value a template prints, escaped as Django's ``escape`` does (``html.escape``);
    safe strings as they are. ``conditional_escape`` gives the same, but its checks for lazy
    strings on every value took a tenth of a long table's time."""
    if hasattr(value, "__html__"):
        return value
    return SafeString(html.escape(str(value)))


def environment(**options: Any) -> Environment:
    """HTML: every printed value escaped (``finalize``)."""
    env = _environment(finalize=escape_as_django, **options)
    # ``e`` as Django escapes, for a value that must be escaped before it is printed.
    env.filters["e"] = env.filters["escape"] = conditional_escape
    return env


def text_environment(**options: Any) -> Environment:
    """Plain text (the e-mails' text parts): nothing escaped, as Django's
    ``{% autoescape off %}`` did."""
    return _environment(**options)


def _environment(**options: Any) -> Environment:
    options.pop("autoescape", None)  # Django's backend passes True
    # Autoescape off: in HTML ``finalize`` escapes every printed value instead
    # (tests/test_jinja2.py).
    env = Environment(autoescape=False, extensions=["jinja2.ext.i18n"], **options)  # noqa: S701
    # Added by the jinja2.ext.i18n extension at run time, so unknown to Environment's types.
    env.install_gettext_translations(translation, newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = date_format
    env.filters["truncatechars"] = defaultfilters.truncatechars
    return env


def date_format(value: datetime.date | datetime.datetime | None, format: str) -> str:
    """Django's ``date`` filter: a time in the current time zone, as the language writes it;
    nothing for no date. Kept per language and UTC offset: Django reads the language's
    formats on every call (12 µs), and a digest run writes the same week, due dates and
    times thousands of times. (The offset, not the zone: a format naming the zone, ``T``
    or ``e``, would not be told apart from another zone's at the same offset.)"""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
        # Equal instants in other zones are equal keys: the offset tells them apart.
        return _date_format(translation.get_language(), value, value.utcoffset(), format)
    return _date_format(translation.get_language(), value, None, format)


@functools.lru_cache(maxsize=4096)
def _date_format(
    language: str | None,
    value: datetime.date | datetime.datetime,
    offset: datetime.timedelta | None,
    format: str,
) -> str:
    return formats.date_format(value, format)


def render(template_name: str, context: dict[str, Any]) -> SafeString:
    """A template of this engine as HTML for a Django template to print as it is (the tags
    that draw item rows and progress)."""
    html = engines["jinja2"].get_template(template_name).render(context)
    return mark_safe(html)  # noqa: S308 - finalize escaped every printed value
