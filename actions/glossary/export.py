"""The glossary as CSV and as an Excel workbook, through the site's table writers, so that
both files are made inert against formulas and carry an "About this export" sheet the same way
as the action point exports."""

from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.tables import Column, csv_lines, write_xlsx

from .models import GlossaryTerm

COLUMNS = [
    Column("english", gettext_lazy("English term"), "#meta+term+i_en", 36),
    Column("arabic", gettext_lazy("Arabic term"), "#meta+term+i_ar", 36),
    Column("definition_en", gettext_lazy("Definition in English"), "#description+i_en", 60),
    Column("definition_ar", gettext_lazy("Definition in Arabic"), "#description+i_ar", 60),
    Column("source", gettext_lazy("Source"), "#meta+source", 28),
    Column("status", gettext_lazy("Status"), "#status", 12),
    Column("agreed_by", gettext_lazy("Agreed by"), "#org+agreed", 14),
    Column("agreed_on", gettext_lazy("Agreed on"), "#date+agreed", 12, kind="date"),
]


def rows(terms: QuerySet[GlossaryTerm]) -> Iterator[list[Any]]:
    for term in terms:
        yield [
            term.english,
            term.arabic,
            term.definition_en,
            term.definition_ar,
            term.source,
            term.get_status_display(),
            term.agreed_by.acronym if term.agreed_by else "",
            term.agreed_on,
        ]


def glossary_csv(terms: QuerySet[GlossaryTerm]) -> Iterator[bytes]:
    return csv_lines(rows(terms), COLUMNS)


def glossary_xlsx(terms: QuerySet[GlossaryTerm], *, url: str, by: str) -> IO[bytes]:
    about = [
        (_("Glossary"), _("The cluster's English and Arabic terms (action point A-4).")),
        (_("Exported from"), url),
        (_("Exported at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        (_("Exported by"), by),
    ]
    return write_xlsx(rows(terms), COLUMNS, about=about, sheet_title=str(_("Glossary")))


def export_filename(extension: str) -> str:
    return f"glossary-{timezone.localtime():%Y-%m-%d}.{extension}"
