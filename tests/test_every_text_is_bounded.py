"""Every text a person can type is bounded, in the model as in its forms: a TextField
without a limit would take megabytes (and store them twice, in the journal)."""

from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import models

# Written by the site itself, never typed: the last SMTP error of a delivery; a parsed
# spreadsheet waiting for confirmation (bounded by the upload's own limits).
SYSTEM_TEXT = {
    ("actions.DigestDelivery", "error"),
    ("actions.NoticeDelivery", "error"),
    ("actions.PendingImport", "payload"),
}


def test_every_text_field_has_a_limit_and_its_validator():
    unbounded = []
    for model in apps.get_models():
        if model._meta.app_label not in {"actions", "participants", "security"}:
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.TextField):
                continue
            if (model._meta.label, field.name) in SYSTEM_TEXT:
                continue
            validated = any(isinstance(v, MaxLengthValidator) for v in field.validators)
            if not field.max_length or not validated:
                unbounded.append(f"{model._meta.label}.{field.name}")
    assert unbounded == []
