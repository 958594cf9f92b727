"""The action point list's filters: the GET parameters of DESIGN §4, as a FilterSet.

Every parameter is validated by the form; the view shows the form's errors and an empty
list when any value is wrong, so a hand-edited URL never ends in a server error.
Organisation and forum are typed acronyms checked against the table (with a datalist of
suggestions), not a ``<select>`` of every row, so thousands of them stay fast.
"""

import functools
import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, OrderBy, QuerySet, Value, When
from django.db.models.functions import Cast
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise, cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from participants.models import Forum, Organization

from . import progress_counts, search
from .models import (
    REPORT_ORDER,
    ActionPlan,
    ActionPoint,
    ActionPointQuerySet,
    Area,
    Status,
)
from .paginators import CountedWithPagePaginator, KeysFirstPaginator

# A datalist is a convenience for typing, not a catalogue: past this many it stops helping.
DATALIST_LIMIT = 1000

ISO_DATE = ["%Y-%m-%d"]

SORT_CHOICES = [
    ("code", _("Code, plan order")),
    ("-code", _("Code, reverse plan order")),
    ("due_date", _("Due date, earliest first")),
    ("-due_date", _("Due date, latest first")),
    ("status", _("Status, not started first")),
    ("-status", _("Status, dropped first")),
    ("updated_at", _("Last update, oldest first")),
    ("-updated_at", _("Last update, newest first")),
]

# Plan order without its primary key, which comes last in every sort (see sort_by).
_REPORT_ORDER = REPORT_ORDER[:-1]


@dataclass
class FilterChoices:
    plans: list[tuple[str, str]]
    area_codes: list[str]
    organization_acronyms: list[str]
    forum_acronyms: list[str]
    # Every area of each code (plans share codes): the filter reads the areas by their ids.
    area_ids: dict[str, list[int]]

    @cached_property
    def digest(self) -> str:
        """The same for the same lists, in every process: part of the cached form's key."""
        lists = (self.plans, self.area_codes, self.organization_acronyms, self.forum_acronyms)
        return hashlib.blake2b(repr(lists).encode(), digest_size=16).hexdigest()


def filter_choices() -> FilterChoices:
    """What the list's filter form offers, evaluated here so that the template runs no
    query. One query: the four lists in a UNION ALL, each row tagged with its list.
    Organisations and forums are datalist suggestions only (the form takes any acronym and
    checks it), so thousands of them stay cheap."""
    # A typed NULL, which every part of the UNION agrees on with the plans' keys.
    no_pk = Cast(Value(None), IntegerField())
    parts = [
        _choices("plan", ActionPlan.objects.all(), F("title"), pk=F("pk")),
        _choices("area", Area.objects.all(), F("code"), pk=F("pk")),
        _choices("organization", _first_by_acronym(Organization), F("acronym"), pk=no_pk),
        _choices("forum", _first_by_acronym(Forum), F("acronym"), pk=no_pk),
    ]
    # A UNION keeps no order of its parts: each list is sorted here as its table would be.
    rows = parts[0].union(*parts[1:], all=True).order_by("choice_list", "choice_text", "choice_pk")
    lists: dict[str, list] = {"plan": [], "organization": [], "forum": []}
    area_ids: dict[str, list[int]] = {}
    for name, pk, text in rows:
        if name == "area":
            area_ids.setdefault(text, []).append(pk)
        else:
            lists[name].append((str(pk), text) if name == "plan" else text)
    return FilterChoices(
        plans=lists["plan"],
        area_codes=list(area_ids),
        organization_acronyms=lists["organization"],
        forum_acronyms=lists["forum"],
        area_ids=area_ids,
    )


def _choices(name: str, queryset: QuerySet, text: F, pk: F | Cast) -> QuerySet:
    """One part of ``filter_choices``'s UNION: (list name, primary key, text) rows."""
    return (
        queryset.order_by()
        .annotate(choice_list=Value(name), choice_pk=pk, choice_text=text)
        .values_list("choice_list", "choice_pk", "choice_text")
    )


def _first_by_acronym(model: type[Organization] | type[Forum]) -> QuerySet:
    """The first DATALIST_LIMIT rows by acronym. The LIMIT sits in a subquery because
    SQLite refuses one in a part of a UNION."""
    first = model.objects.order_by("acronym").values("pk")[:DATALIST_LIMIT]
    return model.objects.filter(pk__in=first)


class OverdueCheckbox(forms.CheckboxInput):
    """A checkbox that sends ``overdue=1`` and hands the raw value to a ChoiceField, so
    that ``overdue=yes`` is reported as an error instead of being read as true."""

    def __init__(self) -> None:
        super().__init__(attrs={"value": "1"}, check_test=lambda v: v == "1")

    def format_value(self, value: Any) -> None:
        return None  # the value attribute is fixed to "1" above

    def value_from_datadict(self, data, files, name) -> Any:
        return data.get(name)


class PageFilter(django_filters.Filter):
    """``page`` is read by the paginator; it sits here only to be validated with the
    filters, so that page=abc is reported like any other bad value."""

    field_class = forms.IntegerField

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        return qs


class ActionPointFilterForm(forms.Form):
    def clean_organization(self) -> Organization | None:
        return _by_acronym(Organization, self.cleaned_data.get("organization"), _("organisation"))

    def clean_forum(self) -> Forum | None:
        return _by_acronym(Forum, self.cleaned_data.get("forum"), _("forum"))


def _area_choices(choices: FilterChoices) -> list[tuple[str, str]]:
    return [(code, code) for code in choices.area_codes]


def _by_acronym(model, acronym: str | None, what: str | Promise):
    acronym = (acronym or "").strip()
    if not acronym:
        return None
    # Acronyms are unique as typed; accept any case, preferring the exact spelling.
    found = sorted(
        model.objects.filter(acronym__iexact=acronym), key=lambda o: o.acronym != acronym
    )
    if not found:
        raise forms.ValidationError(
            _("There is no %(what)s with the acronym “%(acronym)s”."),
            code="unknown",
            params={"what": what, "acronym": acronym},
        )
    return found[0]


class ActionPointFilter(django_filters.FilterSet):
    plan = django_filters.ChoiceFilter(
        label=_("Plan"), field_name="plan_id", empty_label=_("All plans")
    )
    area = django_filters.ChoiceFilter(
        label=_("Area"), method="filter_area", empty_label=_("All areas")
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_status",
    )
    organization = django_filters.CharFilter(
        label=_("Lead organisation"),
        method="filter_organization",
        widget=forms.TextInput(attrs={"list": "organization-acronyms", "autocomplete": "off"}),
        max_length=30,
    )
    forum = django_filters.CharFilter(
        label=_("Forum"),
        method="filter_forum",
        widget=forms.TextInput(attrs={"list": "forum-acronyms", "autocomplete": "off"}),
        max_length=30,
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue only"),
        choices=[("1", _("Overdue only"))],
        widget=OverdueCheckbox,
        method="filter_overdue",
    )
    due_after = django_filters.DateFilter(
        label=_("Due on or after"),
        field_name="due_date",
        lookup_expr="gte",
        input_formats=ISO_DATE,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    due_before = django_filters.DateFilter(
        label=_("Due on or before"),
        field_name="due_date",
        lookup_expr="lte",
        input_formats=ISO_DATE,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    q = django_filters.CharFilter(
        label=_("Text"),
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        method="sort_by",
        empty_label=_("Plan order"),
    )
    page = PageFilter(label=_("Page"), min_value=1)

    class Meta:
        model = ActionPoint
        fields: list[str] = []
        form = ActionPointFilterForm

    def __init__(
        self, data=None, queryset=None, *, choices: FilterChoices | None = None, **kwargs
    ) -> None:
        super().__init__(data, queryset, **kwargs)
        self.choices = choices
        self._read_choices: Callable[[], FilterChoices]
        if choices is None:
            # Nothing shows this form (exports, the API): the choices are read only when a
            # plan or an area is given, to check it, and then once.
            read = self._read_choices = functools.cache(filter_choices)
            self.filters["plan"].extra["choices"] = lambda: read().plans
            self.filters["area"].extra["choices"] = lambda: _area_choices(read())
        else:
            # The page's choices, already evaluated, so rendering the form runs no query.
            self._read_choices = lambda: choices
            self.filters["plan"].extra["choices"] = choices.plans
            self.filters["area"].extra["choices"] = _area_choices(choices)

    def form_key(self) -> str | None:
        """The key of the list page's form as drawn (actions/action_list.html caches it),
        or None when it must be drawn afresh: when it shows errors, or has no choices.

        The form is the same HTML for the same values typed, choices and language, whoever
        asks. Drawing it with Django's widgets was a fifth of a list page's time. The text
        searched for is drawn outside the cached part: it alone is free text."""
        if self.choices is None or (self.is_bound and not self.is_valid()):
            return None
        data = self.form.data
        typed = [
            (name, data.getlist(name) if isinstance(data, QueryDict) else data.get(name))
            for name in self.form.fields
            if name not in ("q", "page")  # the one drawn afresh; the one not drawn
        ]
        return f"{get_language()}:{self.choices.digest}:{self.is_bound}:{typed!r}"

    def narrows(self) -> bool:
        """Whether a filter leaves out items (the page and the order leave none out)."""
        if not self.is_bound:
            return False
        if not self.is_valid():
            return True  # nothing is listed then; never the kept total
        cleaned = self.form.cleaned_data
        return any(cleaned.get(name) for name in self.filters if name not in ("page", "sort"))

    def page_number(self) -> int:
        """The page asked for: the first when none is, or when the filters are not valid."""
        cleaned = self.form.cleaned_data if self.is_bound and self.is_valid() else {}
        return cleaned.get("page") or 1

    def paginator(
        self, items: QuerySet, per_page: int, *, keys_first: bool = True
    ) -> KeysFirstPaginator:
        """``items`` (``qs``, or more of it) a page at a time; a list that nothing narrows
        takes its total from the kept counts instead of counting every item, a search from
        its page's rows. A narrowed list finds even its first page's rows by key first
        (``KeysFirstPaginator``). Without ``keys_first``, a page's rows are read with
        their ``OFFSET`` directly."""
        keys_first_after = KeysFirstPaginator.keys_first_after if keys_first else sys.maxsize
        if self.is_bound and self.is_valid() and self.form.cleaned_data.get("q", "").strip():
            return CountedWithPagePaginator(items, per_page, keys_first_after, self.page_number())
        if not self.narrows():
            paginator = KeysFirstPaginator(items, per_page, keys_first_after)
            if (total := progress_counts.items_total()) is not None:
                paginator.count = total  # a cached_property: Paginator then never counts
            return paginator
        return KeysFirstPaginator(items, per_page, 0 if keys_first else keys_first_after)

    def filter_status(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(status__in=value)

    def filter_area(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # By the ids of the areas with this code, not by the code through a join: not
        # knowing which area, PostgreSQL walked the status index in due-date order and read
        # 5,519 items for 50 (19-27 ms at 100k); by id it walks the area's own (10-12 ms).
        return queryset.filter(area_id__in=self._read_choices().area_ids[value])

    def filter_organization(self, queryset: QuerySet, name: str, value: Organization) -> QuerySet:
        # A subquery, not a join, so that an item is listed once whatever its leads.
        led = ActionPoint.lead_organizations.through.objects.filter(organization=value)
        return queryset.filter(pk__in=led.values("actionpoint_id"))

    def filter_forum(self, queryset: QuerySet, name: str, value: Forum) -> QuerySet:
        return queryset.filter(forum=value)

    def filter_overdue(
        self, queryset: ActionPointQuerySet, name: str, value: str
    ) -> ActionPointQuerySet:
        return queryset.overdue(timezone.localdate())

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search.search(queryset, value)

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        descending = value.startswith("-")
        key = value.lstrip("-")
        if key == "code":
            fields: list[OrderBy | str] = [
                F(f).desc() if descending else F(f).asc() for f in _REPORT_ORDER
            ]
        elif key == "status":
            rank = Case(
                *[When(status=s, then=Value(i)) for i, s in enumerate(Status.values)],
                output_field=IntegerField(),
            )
            fields = [rank.desc() if descending else rank.asc(), *_REPORT_ORDER]
        else:
            column = F(key)
            # Items without a due date go last both ways: they are the least urgent. The
            # last update is never empty: a plain order lets its index serve both ways.
            nulls_last = True if key == "due_date" else None
            fields = [
                column.desc(nulls_last=nulls_last)
                if descending
                else column.asc(nulls_last=nulls_last),
                *_REPORT_ORDER,
            ]
        # The primary key last keeps pages stable when every other column ties. By code it
        # runs the same way as the rest, so that the plan order's index serves both ways.
        pk = F("pk").desc() if descending and key == "code" else F("pk").asc()
        return queryset.order_by(*fields, pk)
