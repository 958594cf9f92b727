"""Forms of the people and settings pages: they parse input; the services decide."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Organization, Person
from .roles import ROLE_LABELS

ROLE_CHOICES = list(ROLE_LABELS.items())


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class NoticeChoicesForm(forms.Form):
    """Which instant notices the person wants (issue 15); the weekly digest is apart."""

    notify_assignment = forms.BooleanField(
        label=_("An action point becomes mine, or stops being mine"), required=False
    )
    notify_change = forms.BooleanField(
        label=_("Someone else changes the status or due date of one of my action points"),
        required=False,
    )
    notify_comment = forms.BooleanField(
        label=_("Someone comments on one of my action points"), required=False
    )
    notify_due = forms.BooleanField(
        label=_("One of my action points falls due in 3 days"), required=False
    )


class InviteForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Work e-mail"), max_length=254)
    organization = forms.CharField(
        label=_("Organisation"),
        max_length=30,
        help_text=_("Its acronym, as on the organisations page, e.g. IOM."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, initial="partner")

    def clean_organization(self) -> Organization:
        acronym = self.cleaned_data["organization"].strip()
        organization = Organization.objects.filter(acronym__iexact=acronym).first()
        if organization is None:
            raise forms.ValidationError(
                _("No organisation has the acronym %(acronym)s."), params={"acronym": acronym}
            )
        return organization


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=forms.DateInput(attrs={"type": "date"}))
    successor = forms.ModelChoiceField(
        label=_("Successor"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
        help_text=_("Becomes focal point of each of their items."),
    )

    def __init__(self, *args: Any, leaver: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["successor"]).queryset = (
            Person.objects.active().exclude(pk=leaver.pk).select_related("organization")
        )


STATE_CHOICES = [
    ("", _("Everyone")),
    ("active", _("Active")),
    ("left", _("Left")),
    ("inactive", _("Deactivated")),
]


class PeopleFilterForm(forms.Form):
    """The filters of /people/; an invalid value is reported and filters nothing."""

    organization = forms.ChoiceField(label=_("Organisation"), required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Any role")), *ROLE_CHOICES, ("none", _("No account"))],
    )
    state = forms.ChoiceField(label=_("State"), required=False, choices=STATE_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        acronyms = Organization.objects.order_by("acronym").values_list("acronym", flat=True)
        cast(forms.ChoiceField, self.fields["organization"]).choices = [
            ("", _("All organisations")),
            *((a, a) for a in acronyms),
        ]


class GiveAccessForm(forms.Form):
    """An account for someone already recorded without one."""

    email = forms.EmailField(label=_("Work e-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, initial="partner")
