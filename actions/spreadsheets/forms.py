"""Forms of the spreadsheet import: the upload, and matching unknown organisations."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import Organization

from .preview import UnknownOrganization
from .reading import MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Filled in here, in the reader's language: "%" on a lazy string at import time
        # would fix it in English for every reader.
        self.fields["file"].help_text = _(
            "An Excel workbook (.xlsx) or a CSV file (UTF-8), at most %(max)d MB."
        ) % {"max": MAX_UPLOAD_BYTES // 2**20}


class OrganizationMappingForm(forms.Form):
    """For each organisation the file names and the site does not know: create it, or
    say which existing organisation it is. Fields are ``org-<n>-<what>``."""

    ACTIONS = [
        ("", _("Decide later")),
        ("create", _("Create it")),
        ("map", _("It is an existing organisation")),
    ]

    def __init__(self, *args: Any, unknown: list[UnknownOrganization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unknown = unknown
        for n, entry in enumerate(unknown):
            self.fields[f"org-{n}-action"] = forms.ChoiceField(
                label=_("What is “%(acronym)s”?") % {"acronym": entry.acronym},
                choices=self.ACTIONS,
                required=False,
            )
            self.fields[f"org-{n}-name"] = forms.CharField(
                label=_("Full name"), required=False, max_length=200
            )
            self.fields[f"org-{n}-kind"] = forms.ChoiceField(
                label=_("Kind"), choices=Organization.Kind.choices, required=False
            )
            self.fields[f"org-{n}-existing"] = forms.CharField(
                label=_("Acronym of the existing organisation"),
                required=False,
                max_length=30,
                widget=forms.TextInput(attrs={"list": "organization-acronyms"}),
            )

    def rows(self) -> list[tuple[UnknownOrganization, list[forms.BoundField]]]:
        """Each unknown organisation with its four fields, for the template."""
        return [
            (entry, [self[f"org-{n}-{what}"] for what in ("action", "name", "kind", "existing")])
            for n, entry in enumerate(self.unknown)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # BaseForm.clean returns cleaned_data
        self.mapping: dict[str, dict] = {}
        for n, entry in enumerate(self.unknown):
            action = cleaned.get(f"org-{n}-action")
            if action == "create":
                self._create(n, entry, cleaned)
            elif action == "map":
                self._map(n, entry, cleaned)
        return cleaned

    def _create(self, n: int, entry: UnknownOrganization, cleaned: dict) -> None:
        name = (cleaned.get(f"org-{n}-name") or "").strip()
        kind = cleaned.get(f"org-{n}-kind") or Organization.Kind.OTHER
        if not name:
            self.add_error(f"org-{n}-name", _("Give the organisation's full name."))
            return
        holder = Organization.objects.filter(name__iexact=name).first()
        if holder is not None:
            self.add_error(
                f"org-{n}-name",
                _("“%(name)s” is the name of %(acronym)s: choose “existing” instead.")
                % {"name": name, "acronym": holder.acronym},
            )
            return
        self.mapping[entry.acronym] = {"create": {"name": name, "kind": kind}}

    def _map(self, n: int, entry: UnknownOrganization, cleaned: dict) -> None:
        acronym = (cleaned.get(f"org-{n}-existing") or "").strip()
        target = Organization.objects.filter(acronym__iexact=acronym).first() if acronym else None
        if target is None:
            self.add_error(
                f"org-{n}-existing",
                _("There is no organisation with the acronym “%(acronym)s”.")
                % {"acronym": acronym},
            )
            return
        self.mapping[entry.acronym] = {"map": target.acronym}
