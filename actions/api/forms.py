"""The form that issues an API token, always for the coordinator who asks for it."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What it is for, e.g. “Power BI dashboard” or “HDX pipeline”."),
    )
