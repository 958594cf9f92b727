from typing import Any

from django import forms
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .models import GlossaryTerm, TermStatus


class TermForm(forms.ModelForm):
    """A coordinator's entry for one term; the writing itself is ``services.save_term``."""

    class Meta:
        model = GlossaryTerm
        fields = [
            "english",
            "arabic",
            "definition_en",
            "definition_ar",
            "source",
            "status",
            "agreed_by",
            "agreed_on",
        ]
        widgets = {
            # The Arabic fields are written right to left whatever the page's language.
            "arabic": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "definition_en": forms.Textarea(attrs={"rows": 3, "dir": "ltr", "lang": "en"}),
            "definition_ar": forms.Textarea(attrs={"rows": 3, "dir": "rtl", "lang": "ar"}),
            "english": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "agreed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean_english(self) -> str:
        english = self.cleaned_data["english"].strip()
        others = GlossaryTerm.objects.annotate(key=Lower("english")).filter(key=english.lower())
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("The glossary already has this term."))
        return english

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == TermStatus.AGREED:
            if not data.get("agreed_by"):
                self.add_error("agreed_by", _("Say which forum agreed the term."))
            if not data.get("agreed_on"):
                self.add_error("agreed_on", _("Say when the term was agreed."))
        return data
