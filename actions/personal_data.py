"""The personal-data guard: the one rule for what looks like a phone number, an e-mail
address or an identity number in text people type (titles, descriptions, journal notes,
comments).

PIM Tracker holds no data about affected people and only work contacts of staff; a note
that names someone's phone number would be copied into digests and exports. So text that
looks like personal data is held back until the writer edits it or confirms it
(``pii_confirmed``); the journal keeps that it was confirmed, and digests leave such notes
out. The rule errs towards asking: a confirmation costs a click, a leak cannot be undone.

Not flagged: dates (``2017-12-15``, ``15/12/2017``), years, item codes (``A-1``, ``C-8.2``),
percentages and counts.
"""

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class Kind:
    PHONE = "phone"
    EMAIL = "email"
    ID_NUMBER = "id_number"


KIND_LABELS = {
    Kind.PHONE: _("a phone number"),
    Kind.EMAIL: _("an e-mail address"),
    Kind.ID_NUMBER: _("an identity or passport number"),
}

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Digits with at most two separators between them (spaces, dots, dashes, brackets), with
# an optional international prefix: "+218 91 234 5678", "(091) 234-5678", "00218912345678".
NUMBER = re.compile(r"(?<![\w+])(\+|00)?\(?\d(?:[ .\-()]{0,2}\d)+")
# A letter or three then six digits or more: passport and card numbers ("LY1234567").
LETTERED_ID = re.compile(r"(?<![\w])[A-Z]{1,3}-?\d{6,}(?!\w)")
# A Libyan number written nationally: a leading 0 and 9 to 11 digits ("0912345678").
NATIONAL_PHONE_DIGITS = range(9, 12)
INTERNATIONAL_PHONE_DIGITS = range(8, 16)
# An unbroken run this long is no date, year, count or code: an identity number.
ID_DIGITS = 8


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


def find_personal_data(text: str) -> list[Finding]:
    """What in ``text`` looks like a phone number, an e-mail address or an ID number, in
    the order found, each once."""
    if not text:
        return []
    found: list[Finding] = []
    for match in EMAIL.finditer(text):
        found.append(Finding(Kind.EMAIL, match.group()))
    without_emails = EMAIL.sub(" ", text)
    for match in NUMBER.finditer(without_emails):
        kind = _number_kind(match.group(), international=bool(match.group(1)))
        if kind:
            found.append(Finding(kind, match.group().strip(" .-")))
    for match in LETTERED_ID.finditer(without_emails):
        found.append(Finding(Kind.ID_NUMBER, match.group()))
    return list(dict.fromkeys(found))


def _number_kind(candidate: str, *, international: bool) -> str | None:
    digits = "".join(c for c in candidate if c.isdigit())
    if international:
        return Kind.PHONE if len(digits) in INTERNATIONAL_PHONE_DIGITS else None
    if digits.startswith("0") and len(digits) in NATIONAL_PHONE_DIGITS:
        return Kind.PHONE
    longest_run = max(len(run) for run in re.findall(r"\d+", candidate))
    if longest_run >= ID_DIGITS:
        return Kind.ID_NUMBER
    return None


def warning(findings: list[Finding]) -> str:
    """The message a writer sees: what was found, and the choice they have."""
    kinds = ", ".join(dict.fromkeys(f.label for f in findings))
    return str(
        format_lazy(
            _(
                "This looks like personal data ({kinds}: {examples}). Remove it, or tick "
                "“I confirm this is not personal data about affected people” to save it as "
                "it is; digests will then leave the note out."
            ),
            kinds=kinds,
            examples=", ".join(dict.fromkeys(f.text for f in findings)),
        )
    )


class PersonalDataFound(ValidationError):
    """Text that looks like personal data, written without ``pii_confirmed``; nothing was
    saved."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(warning(findings), code="personal_data")
        self.findings = findings


def check(texts: dict[str, str], *, confirmed: bool) -> bool:
    """Whether any of ``texts`` (field name -> text) looks like personal data. Raises
    ``PersonalDataFound`` when it does and the writer did not confirm it."""
    findings = [f for text in texts.values() for f in find_personal_data(text)]
    if findings and not confirmed:
        raise PersonalDataFound(findings)
    return bool(findings)


class PersonalDataGuard(forms.Form):
    """A form whose ``guarded_fields`` are checked: flagged text is an error on its field
    until the writer edits it or ticks ``pii_confirmed``, which the form shows only then
    (``personal_data_flagged``)."""

    guarded_fields: ClassVar[tuple[str, ...]] = ("note",)

    pii_confirmed = forms.BooleanField(
        label=_("I confirm this is not personal data about affected people"),
        required=False,
        help_text=_("The journal records that you confirmed it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.personal_data_flagged = False

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        data = self.cleaned_data
        confirmed = bool(data.get("pii_confirmed"))
        for name in self.guarded_fields:
            findings = find_personal_data(str(data.get(name) or ""))
            if not findings:
                continue
            self.personal_data_flagged = True
            if not confirmed:
                self.add_error(name, warning(findings))
        # Confirmed only counts for text that was flagged: the journal says so of nothing else.
        data["pii_confirmed"] = confirmed and self.personal_data_flagged
        return cleaned
