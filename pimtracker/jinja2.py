"""The Jinja2 environment of the second template engine (``TEMPLATES`` in settings).

Django templates render everything except the rows of the action point tables and the
progress bars, which were most of a list page's and the dashboard's time in Django's
engine; Jinja2 compiles them to Python. The
environment keeps what the pages rely on from Django's engine: Django's translations, and
Django's escaping (``&#x27;`` rather than markupsafe's ``&#39;``), so that a row reads the
same whichever engine drew it.

Every printed value is escaped once, by ``finalize``, unless it is safe (has ``__html__``):
what Jinja2's autoescape does, which is therefore off. With both, each value went through
``finalize`` and then through markupsafe's ``escape`` again, a third of the instructions of
a table of items. What that leaves to the templates: no macros and no ``{% set %}`` blocks
of HTML (their text would be escaped when printed), and no escaping by hand of a value
handed to ``_()`` (the words are escaped whole when printed).
"""

import html
from typing import Any

from django.template import engines
from django.utils import translation
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
    options.pop("autoescape", None)  # Django's backend passes True
    # Autoescape off: ``finalize`` escapes every printed value instead (tests/test_jinja2.py).
    env = Environment(
        autoescape=False,  # noqa: S701
        extensions=["jinja2.ext.i18n"],
        finalize=escape_as_django,
        **options,
    )
    # Added by the jinja2.ext.i18n extension at run time, so unknown to Environment's types.
    env.install_gettext_translations(translation, newstyle=True)  # type: ignore[attr-defined]
    # ``e`` as Django escapes, for a value that must be escaped before it is printed.
    env.filters["e"] = env.filters["escape"] = conditional_escape
    return env


def render(template_name: str, context: dict[str, Any]) -> SafeString:
    """A template of this engine as HTML for a Django template to print as it is (the tags
    that draw item rows and progress)."""
    html = engines["jinja2"].get_template(template_name).render(context)
    return mark_safe(html)  # noqa: S308 - finalize escaped every printed value
