"""The Jinja2 engine escapes every printed value once, as Django does (pimtracker/jinja2.py):
its own autoescape is off, and ``finalize`` does the escaping."""

import datetime

from django.template import engines
from django.utils import timezone
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


def test_the_text_engine_prints_values_as_they_are():
    """The e-mails' text parts: nothing escaped, as Django's {% autoescape off %} did."""
    text = (
        engines["jinja2_text"]
        .from_string("{{ v }}|{{ v|truncatechars(9) }}")
        .render({"v": HOSTILE})
    )
    assert text == f"{HOSTILE}|<script>…"


def test_dates_are_written_as_djangos_date_filter_writes_them():
    moment = datetime.datetime(2024, 3, 10, 23, 30, tzinfo=datetime.UTC)  # 11 Mar in Libya
    source = "{{ d|date('j M Y') }}|{{ moment|date('j M H:i') }}"
    context = {"d": datetime.date(2024, 3, 11), "moment": moment}
    django_source = '{{ d|date:"j M Y" }}|{{ moment|date:"j M H:i" }}'
    for language in ("en", "ar"):
        with override(language), timezone.override("Africa/Tripoli"):
            assert render(source, **context) == engines["django"].from_string(django_source).render(
                context
            )
    with override("en"), timezone.override("Africa/Tripoli"):
        assert render("{{ moment|date('j M H:i') }}", moment=moment) == "11 Mar 01:30"
    # The same instant elsewhere: the dates are kept per language and offset.
    with override("en"), timezone.override("UTC"):
        assert render("{{ moment|date('j M H:i') }}", moment=moment) == "10 Mar 23:30"
    # No date, nothing written, as Django's filter writes nothing.
    assert render("[{{ d|date('j M Y') }}]", d=None) == "[]"
