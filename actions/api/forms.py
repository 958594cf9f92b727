"""The form that issues an API token."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from actions import permissions


class TokenForm(forms.Form):
    username = forms.CharField(
        label=_("For the account"),
        max_length=150,
        help_text=_("The token reads what this account may read, no more."),
        widget=forms.TextInput(attrs={"list": "usernames", "autocomplete": "off"}),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What it is for, e.g. “Power BI dashboard” or “HDX pipeline”."),
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError(
                _("There is no active account “%(username)s”."), params={"username": username}
            )
        if not permissions.can_read(user):
            raise ValidationError(
                _("The account “%(username)s” has no role, so its token could read nothing."),
                params={"username": username},
            )
        return user
