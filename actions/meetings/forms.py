"""A coordinator's record of a meeting, and of a decision taken at it."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actions.models import ActionPlan, ActionPoint, Status
from participants.models import Forum, Organization

from .models import Meeting


class _PlanItems(forms.Form):
    """A plan and codes in it: items are named as the plan names them (``B-8``)."""

    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=ActionPlan.objects.order_by("title"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = self.fields["plan"]
        if not self.is_bound and self.initial.get("plan") is None:
            first = plans.queryset.first()  # type: ignore[attr-defined]
            self.initial["plan"] = first.pk if first else None

    def items_named(self, codes: list[str], field: str) -> list[ActionPoint]:
        plan = self.cleaned_data.get("plan")
        if codes and plan is None:
            self.add_error("plan", _("Choose the plan these codes belong to."))
            return []
        found = {
            item.code.upper(): item
            for item in ActionPoint.objects.filter(plan=plan, code__in=codes)
            | ActionPoint.objects.filter(plan=plan, code__in=[c.upper() for c in codes])
        }
        unknown = [code for code in codes if code.upper() not in found]
        if unknown:
            self.add_error(
                field,
                _("This plan has no action point %(codes)s.") % {"codes": ", ".join(unknown)},
            )
        return [found[code.upper()] for code in codes if code.upper() in found]


class MeetingForm(_PlanItems, forms.ModelForm):
    codes = forms.CharField(
        label=_("Action points discussed"),
        required=False,
        help_text=_("Their codes, separated by commas, e.g. B-8, C-4."),
    )

    class Meta:
        model = Meeting
        fields = ["forum", "date", "organizations", "record"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "organizations": forms.CheckboxSelectMultiple,
            "record": forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
        }

    field_order = ["forum", "date", "organizations", "record", "plan", "codes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["forum"].queryset = Forum.objects.order_by("acronym")  # type: ignore[attr-defined]
        self.fields["organizations"].queryset = Organization.objects.order_by("acronym")  # type: ignore[attr-defined]
        if self.instance.pk and not self.is_bound:
            items = list(self.instance.items.select_related("plan"))
            if items:
                self.initial["plan"] = items[0].plan_id
                self.initial["codes"] = ", ".join(i.code for i in items)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        codes = [c.strip() for c in re.split(r"[,;\s]+", data.get("codes", "")) if c.strip()]
        data["items"] = self.items_named(codes, "codes")
        return data


class DecisionForm(_PlanItems):
    code = forms.CharField(label=_("Action point"), max_length=20, help_text=_("e.g. B-8"))
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[("", _("(unchanged)")), *Status.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("What was decided"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = data.get("code", "").strip()
        items = self.items_named([code], "code") if code else []
        data["action_point"] = items[0] if items else None
        if not data.get("status") and not data.get("note", "").strip():
            raise forms.ValidationError(_("Give a new status, or say what was decided."))
        return data
