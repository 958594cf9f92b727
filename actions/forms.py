"""Forms of the action point pages. They only parse and check input; the writes are
``actions.services``' (the views hand ``cleaned_data`` to it).

Choices are evaluated when the form is built, so rendering one runs no query. Lead
organisations, the forum and the parent item are typed (acronyms, a code) and checked
against the table: a ``<select>`` of thousands of rows would make the page heavy.
"""

import datetime
import json
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Forum, Organization, Person
from pimtracker.text_limits import TEXT_MAX_LENGTH

from . import edit_merge
from .models import ActionPlan, ActionPoint, Area, Status
from .personal_data import PersonalDataGuard

ISO_DATE = ["%Y-%m-%d"]
NOTE_MAX_LENGTH = 5000
BULK_MAX_ITEMS = 500
DEFAULT_PERIOD_DAYS = 30
# The range of the integer columns: a larger number is a typo or a tampered form, and
# PostgreSQL would refuse it with an error instead of a message.
MAX_INT = 2**31 - 1
MAX_ID = 2**63 - 1  # primary keys are 64-bit; SQLite raises OverflowError past it


class UpdateForm(PersonalDataGuard):
    """Status and a progress note: what partners may change on their items."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    note = forms.CharField(
        label=_("Progress note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened, what is next. No data about affected people."),
    )
    # The version the user read: a save over someone else's newer one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_INT)


class CommentForm(PersonalDataGuard):
    """A comment on an item: any partner or coordinator, on any item."""

    guarded_fields = ("text",)

    text = forms.CharField(
        label=_("Comment"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Offer help, ask a question, say what you know. No data about affected people."
        ),
    )


class ActionPointForm(PersonalDataGuard):
    """Create or edit an action point (coordinators). ``cleaned_data`` keys are the
    service's keyword arguments."""

    guarded_fields = ("title", "description", "note")

    area = forms.TypedChoiceField(label=_("Area"), coerce=int)
    code = forms.CharField(
        label=_("Code"), max_length=20, help_text=_("Unique in the plan, e.g. C-8.2.")
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=Status.choices, initial=Status.NOT_STARTED
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        input_formats=ISO_DATE,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    lead_organizations = forms.CharField(
        label=_("Lead organisations"),
        required=False,
        max_length=1000,
        help_text=_("Acronyms, separated by commas, e.g. UNHCR, IOM."),
        widget=forms.TextInput(attrs={"list": "organization-acronyms", "autocomplete": "off"}),
    )
    forum = forms.CharField(
        label=_("Forum"),
        required=False,
        max_length=30,
        help_text=_("Acronym, e.g. PWG."),
        widget=forms.TextInput(attrs={"list": "forum-acronyms", "autocomplete": "off"}),
    )
    # Choices are the people loaded in __init__; checking against them (not the table)
    # keeps a tampered id from reaching the database.
    focal_points = forms.TypedMultipleChoiceField(
        label=_("Focal points"),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    parent = forms.CharField(
        label=_("Parent item"),
        required=False,
        max_length=20,
        help_text=_("Code of the item this is a sub-item of, if any."),
    )
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=MAX_INT,
        initial=0,
        help_text=_("Order within the area, as in the plan."),
    )
    note = forms.CharField(
        label=_("Journal note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this change; it is kept in the item's journal."),
    )

    def __init__(self, *args: Any, instance: ActionPoint | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(instance)
        super().__init__(*args, **kwargs)
        if instance is None:
            plans = list(ActionPlan.objects.order_by("title"))
            self.fields = {
                "plan": forms.TypedChoiceField(
                    label=_("Plan"), coerce=int, choices=[(p.pk, p.title) for p in plans]
                ),
                **self.fields,
            }
            areas = Area.objects.select_related("plan").order_by("plan__title", "order", "code")
            current_focal: list[int] = []
        else:
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=1, max_value=MAX_INT
            )
            # The values the editor read: only the fields they change are saved, so that a
            # colleague's change to another field meanwhile is not undone.
            self.fields["read"] = forms.CharField(
                widget=forms.HiddenInput,
                required=False,
                initial=json.dumps(edit_merge.field_texts(instance)),
            )
            areas = Area.objects.select_related("plan").filter(plan_id=instance.plan_id)
            current_focal = [p.pk for p in instance.focal_points.all()]
        self.areas = {a.pk: a for a in areas}
        # Grouped by plan (an <optgroup> each), so that the area's own name comes first.
        by_plan: dict[str, list[tuple[int, str]]] = {}
        for area in self.areas.values():
            by_plan.setdefault(area.plan.title, []).append((area.pk, str(area)))
        cast(forms.ChoiceField, self.fields["area"]).choices = list(by_plan.items())
        # Current staff (not people known only from an event's report until a coordinator
        # confirms them), plus whoever is focal point now (so that saving keeps them).
        self.people = {
            p.pk: p
            for p in Person.objects.select_related("organization").filter(
                Q(is_active=True, left_on__isnull=True, is_confirmed=True) | Q(pk__in=current_focal)
            )
        }
        cast(forms.ChoiceField, self.fields["focal_points"]).choices = [
            (pk, str(p)) for pk, p in self.people.items()
        ]

    def read_texts(self) -> dict[str, str]:
        """What the editor read (``edit_merge.field_texts``); empty if not sent or not valid,
        and then every field counts as changed by them."""
        try:
            read = json.loads(self.cleaned_data.get("read") or "{}")
        except ValueError:
            return {}
        if not isinstance(read, dict):
            return {}
        return {str(k): str(v) for k, v in read.items()}

    def clean_focal_points(self) -> list[Person]:
        return [self.people[pk] for pk in self.cleaned_data["focal_points"]]

    def clean_lead_organizations(self) -> list[Organization]:
        acronyms = [a.strip() for a in self.cleaned_data["lead_organizations"].split(",")]
        acronyms = list(dict.fromkeys(a for a in acronyms if a))
        if not acronyms:
            return []
        found = {o.acronym.lower(): o for o in Organization.objects.filter(_iexact_any(acronyms))}
        unknown = [a for a in acronyms if a.lower() not in found]
        if unknown:
            raise ValidationError(
                _("Unknown organisation acronym: %(acronyms)s."),
                params={"acronyms": ", ".join(unknown)},
            )
        return [found[a.lower()] for a in acronyms]

    def clean_forum(self) -> Forum | None:
        acronym = self.cleaned_data["forum"].strip()
        if not acronym:
            return None
        forum = Forum.objects.filter(acronym__iexact=acronym).first()
        if forum is None:
            raise ValidationError(
                _("There is no forum with the acronym “%(acronym)s”."), params={"acronym": acronym}
            )
        return forum

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # BaseForm.clean returns cleaned_data
        area = self.areas.get(cleaned["area"]) if "area" in cleaned else None
        if "area" in cleaned:
            cleaned["area"] = area
        if self.instance is None and area is not None and "plan" in cleaned:
            if area.plan_id != cleaned["plan"]:
                self.add_error("area", _("Choose an area of the chosen plan."))
            cleaned["plan"] = area.plan
        code = (cleaned.get("parent") or "").strip()
        cleaned["parent"] = None
        plan = self.instance.plan if self.instance is not None else area.plan if area else None
        if code and plan is not None:
            parent = ActionPoint.objects.filter(plan=plan, code__iexact=code).first()
            if parent is None:
                self.add_error(
                    "parent", _("There is no item %(code)s in this plan.") % {"code": code}
                )
            elif self.instance is not None and parent.pk == self.instance.pk:
                self.add_error("parent", _("An item cannot be its own parent."))
            else:
                cleaned["parent"] = parent
        return cleaned

    def add_service_error(self, error: ValidationError) -> None:
        """Show the service's refusal on the field it is about, or above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)


def _iexact_any(acronyms: list[str]) -> Q:
    query = Q()
    for acronym in acronyms:
        query |= Q(acronym__iexact=acronym)
    return query


def initial_for(item: ActionPoint) -> dict[str, Any]:
    """The edit form's values for an item loaded with its leads and focal points."""
    return {
        "area": item.area_id,
        "code": item.code,
        "title": item.title,
        "description": item.description,
        "status": item.status,
        "due_date": item.due_date,
        "lead_organizations": ", ".join(o.acronym for o in item.lead_organizations.all()),
        "forum": item.forum.acronym if item.forum else "",
        "focal_points": [p.pk for p in item.focal_points.all()],
        "parent": item.parent.code if item.parent else "",
        "position": item.position,
        "version": item.version,
    }


class BulkStatusForm(PersonalDataGuard):
    """Set one status on the rows a coordinator ticked on the list; one journal row each."""

    ids = forms.TypedMultipleChoiceField(label=_("Items"), coerce=int)
    # No default status on the page: one careless click must not reset the ticked rows.
    status = forms.ChoiceField(
        label=_("New status"),
        choices=Status.choices,
        error_messages={"required": _("Choose the new status for the selected items.")},
    )
    note = forms.CharField(label=_("Journal note"), required=False, max_length=NOTE_MAX_LENGTH)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any whole number is a valid choice here; the view keeps the ones that exist.
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        cast(forms.ChoiceField, self.fields["ids"]).choices = [
            (v, v) for v in raw if str(v).isdecimal() and int(v) <= MAX_ID
        ]

    def clean_ids(self) -> list[int]:
        ids = list(dict.fromkeys(self.cleaned_data["ids"]))
        if len(ids) > BULK_MAX_ITEMS:
            raise ValidationError(
                _("Choose at most %(max)d items at a time."), params={"max": BULK_MAX_ITEMS}
            )
        return ids

    def versions(self) -> dict[int, int]:
        """The version of each row as the list showed it (``version_<id>``), when sent."""
        result = {}
        for pk in self.cleaned_data.get("ids", []):
            raw = self.data.get(f"version_{pk}", "")
            # isdecimal, not isdigit: "²" is a digit that int() refuses.
            if raw.isdecimal() and int(raw) <= MAX_INT:
                result[pk] = int(raw)
        return result


class PeriodForm(forms.Form):
    """The period whose changes a joint update reports: the last 30 days unless chosen."""

    start = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=ISO_DATE,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        input_formats=ISO_DATE,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # BaseForm.clean returns cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise ValidationError(_("The period must end on or after its first day."))
        return cleaned

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The chosen period, or the default one for what is missing or invalid."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or end - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        return start, end
