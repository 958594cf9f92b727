"""The Jinja2 engine escapes every printed value once, as Django does (pimtracker/jinja2.py):
its own autoescape is off, and ``finalize`` does the escaping."""

from django.template import engines
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import override

HOSTILE = "<script>alert('x')</script> & \"q\""


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_every_printed_value_is_escaped_as_django_escapes_it():
    source = "{{ v }}|{{ v ~ '!' }}|{{ v|upper }}|{% for w in ws %}{{ w }}{% endfor %}|{{ n }}"
    html = render(source, v=HOSTILE, ws=[HOSTILE], n=3)
    assert html == "|".join(
        [escape(HOSTILE), escape(HOSTILE + "!"), escape(HOSTILE.upper()), escape(HOSTILE), "3"]
    )
    assert "<script>" not in html


def test_safe_values_are_printed_once_as_they_are():
    assert render("{{ v }}", v=mark_safe("<em>kept</em>")) == "<em>kept</em>"
    assert render("{{ v|e }}", v=HOSTILE) == escape(HOSTILE)  # not escaped twice


def test_translated_words_are_escaped_with_what_they_hold():
    with override("en"):
        html = render("{{ _('Select %(code)s', code=v) }}", v=HOSTILE)
    assert html == escape(f"Select {HOSTILE}")
