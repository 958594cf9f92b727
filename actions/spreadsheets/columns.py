"""The columns of the action point spreadsheets, shared by the exports and the import.

One list, so that an exported workbook imports back as it is: the import reads the
columns marked ``imported`` by their header and ignores the others (the item's id, link,
focal point names and the dates the site keeps). Each column carries its HXL hashtag for
the ``.hxl.csv`` export (https://hxlstandard.org/).

Text cells are neutralised against formula injection (``actions.tables.neutralise``) and
the import takes the apostrophe off again (``restore``).
"""

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from actions.tables import Column

COLUMNS: tuple[Column, ...] = (
    Column("id", _("ID"), "#meta+id", 8, kind="int"),
    Column(
        "plan", _("Plan"), "#meta+plan", 16, imported=True, aliases=("plan key",),
        help=_("Required. The key of the plan, e.g. libya-pim-2017 (the second sheet lists "
               "them)."),
    ),
    Column(
        "area", _("Area"), "#activity+type", 6, imported=True, aliases=("area code",),
        help=_("The code of the area in that plan, e.g. C. Required for a new item."),
    ),
    Column(
        "code", _("Code"), "#activity+code", 9, imported=True,
        help=_("Required. The item's code, unique in the plan, e.g. C-8.2. Rows are matched "
               "to items by plan and code: a code the plan does not have adds an item."),
    ),
    Column(
        "parent", _("Parent"), "#activity+code+parent", 9, imported=True,
        aliases=("parent code",),
        help=_("For a sub-item, the code of its parent in the same plan, e.g. C-8. Empty for "
               "an item of its own. Sub-items have no sub-items."),
    ),
    Column(
        "title", _("Title"), "#activity+name", 45, imported=True,
        help=_("A short title, at most 200 characters. Required for a new item."),
    ),
    Column(
        "description", _("Description"), "#activity+description", 60, imported=True,
        help=_("The full text of the action point."),
    ),
    Column(
        "status", _("Status"), "#status+name", 13, imported=True,
        help=_("One of not_started, in_progress, blocked, done, dropped. Empty: a new item "
               "is not_started, an existing one keeps its status."),
    ),
    Column(
        "due_date", _("Due date"), "#date+end+planned", 12, kind="date", imported=True,
        aliases=("due",),
        help=_("A date cell, or text written YYYY-MM-DD, e.g. 2025-03-31. Empty: no due "
               "date."),
    ),
    Column(
        "leads", _("Lead organisations"), "#org+impl+name", 20, imported=True,
        aliases=("lead organizations", "leads", "lead organisation", "lead organization"),
        help=_("Acronyms, separated by commas or semicolons, e.g. UNHCR, IOM. An acronym the "
               "site does not know is listed in the preview, to create or match."),
    ),
    Column(
        "forum", _("Forum"), "#sector+cluster+name", 10, imported=True,
        aliases=("forum acronym",),
        help=_("The acronym of the coordination forum, e.g. PWG."),
    ),
    # Where agreed: read-only, like the dates the site keeps.
    Column("forum_inferred", _("Forum inferred"), "#sector+cluster+inferred", 8),
    Column("agreed_at", _("Agreed at"), "#event+name+agreed", 30),
    Column("agreed_on", _("Agreed on"), "#date+start+agreed", 12, kind="date"),
    Column("as_agreed", _("As agreed"), "#activity+description+agreed", 60),
    Column("focal_points", _("Focal points"), "#contact+name", 28),
    Column(
        "focal_emails", _("Focal point e-mails"), "#contact+email", 32, imported=True,
        contact=True,
        aliases=(
            "focal point emails", "focal points (e-mails)", "focal points e-mails",
            "focal points emails",
        ),
        help=_("Work e-mails of people the site knows, separated by commas. Focal points "
               "without an e-mail in the site stay as they are."),
    ),
    Column("completed_at", _("Completed"), "#date+end+actual", 17, kind="datetime"),
    Column("updated_at", _("Last update"), "#date+reported", 17, kind="datetime"),
    Column("url", _("Link"), "#meta+url", 40),
    # Data responsibility: "Sample" where the item's state includes load_demo's sample data.
    Column("sample", _("Sample data"), "#meta+sample", 10),
)  # fmt: skip

COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
# Columns every file has: they say which item a row is. The others may be left out.
REQUIRED_KEYS = ("plan", "code")
# What a row that adds an item must give (an update may leave these columns out).
NEW_ITEM_KEYS = ("area", "title")


IMPORTED_COLUMNS = tuple(c for c in COLUMNS if c.imported)


def columns_for(*, with_contacts: bool) -> list[Column]:
    """The exported columns: staff e-mails only for those who may see them."""
    return [c for c in COLUMNS if with_contacts or not c.contact]


def normalise_header(text: str | Promise) -> str:
    """A header as the import compares it: lower case, single spaces, no ``*`` mark."""
    return " ".join(str(text).replace("*", " ").split()).lower()


def header_names(column: Column) -> set[str]:
    """Every header that means this column: in English, in the language in use (files
    exported in Arabic import back) and the aliases."""
    names = {normalise_header(column.header), column.key.replace("_", " "), *column.aliases}
    with override("en"):
        names.add(normalise_header(column.header))
    return names


def split_list(text: str) -> list[str]:
    """Acronyms or e-mails in one cell, separated by commas, semicolons or line breaks."""
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]
