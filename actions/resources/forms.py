from django import forms
from django.utils.translation import gettext_lazy as _

from actions.models import Resource
from participants.models import Organization


class ResourceForm(forms.ModelForm):
    """A link a coordinator adds to a plan, an item or a meeting."""

    url = forms.URLField(
        label=_("Link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr", "placeholder": "https://"}),
    )

    class Meta:
        model = Resource
        fields = ["url", "label", "description", "organizations"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = Organization.objects.order_by("acronym")  # type: ignore[attr-defined]
        self.fields["organizations"].required = False
