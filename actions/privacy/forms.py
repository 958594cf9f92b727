from django import forms
from django.utils.translation import gettext_lazy as _

from .redaction import REASON_MAX_LENGTH


class RedactForm(forms.Form):
    reason = forms.CharField(
        label=_("Why redact this note?"),
        max_length=REASON_MAX_LENGTH,
        help_text=_("Kept with the journal entry, with your name and the time."),
    )
