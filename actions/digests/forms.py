"""Forms of the digest pages: the preview's person and week, the notification setting."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from participants.models import Person

from .weeks import parse_week, week_label


class WeekField(forms.Field):
    """``YYYY-Www`` in, the Monday of that week out."""

    # dir=ltr: "2024-W07" is a code, read left to right; an Arabic page would show "W07-2024".
    widget = forms.TextInput(
        attrs={"maxlength": 8, "size": 8, "pattern": r"\d{4}-W\d{2}", "dir": "ltr"}
    )

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", gettext_lazy("YYYY-Www, for example 2024-W07."))
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value or not str(value).strip():
            return None
        try:
            return parse_week(str(value))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def prepare_value(self, value):
        return week_label(value) if hasattr(value, "isocalendar") else value


class PreviewForm(forms.Form):
    person = forms.ModelChoiceField(
        label=gettext_lazy("Person"),
        queryset=Person.objects.select_related("organization").order_by("last_name", "first_name"),
    )
    week = WeekField(label=gettext_lazy("Week"))


class NotificationSettingsForm(forms.Form):
    digest_enabled = forms.BooleanField(
        label=gettext_lazy("Send me the weekly digest by e-mail"), required=False
    )
