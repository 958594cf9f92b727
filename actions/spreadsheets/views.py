"""Spreadsheets in and out: exports of the filtered list, and the coordinators' import.

Exports take the list page's GET parameters and permissions (``selectors.filtered_list``)
and every page of the result. The import is three steps, each a coordinator's request:
upload (the file is read and checked, its rows kept for an hour as
``pending_imports``), preview (what would change, computed afresh from the site each
time; unknown organisations can be created or matched here), confirm (queued as an
``ImportRun``: computed again in the background, refused if it is no longer what the
coordinator saw, then applied atomically; ``import_run`` shows its progress and result).
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from actions import filters, permissions, selectors, tables
from actions.models import ActionPoint, Status
from pimtracker.drafts import post_only
from pimtracker.request_limits import accepts_upload
from pimtracker.security import log as security_log
from pimtracker.security.names import display_name

from . import export, runs, template
from . import pending as pending_imports
from .columns import IMPORTED_COLUMNS, Column, columns_for
from .forms import OrganizationMappingForm, UploadForm
from .models import ImportRun
from .preview import Preview, build_preview
from .reading import MAX_UPLOAD_BYTES, SpreadsheetError, check_size, read_spreadsheet
from .rows import parse_sheet

T = TypeVar("T")

SESSION_KEY = "pending_import"
# The preview lists at most this many rows per section; counts are always whole.
PREVIEW_ROWS = 1000
# The page of an import being applied reloads itself this often (no script needed).
REFRESH_SECONDS = 2

# --- Exports -----------------------------------------------------------------------------


@dataclass
class _Export:
    items: QuerySet[ActionPoint]  # the list's filtered rows, every page
    columns: list[Column]
    filters: list[tuple[str, str]]  # the filters in words
    request: HttpRequest
    data: QueryDict  # the filters as given

    def counted(self, rows: Iterable[T]) -> Iterator[T]:
        """``rows`` as they are written, then the security log's row for the export."""
        return security_log.counted_export(
            self.request, rows, what=self.request.path, filters=self.data
        )


def _export(request: HttpRequest) -> _Export | HttpResponse:
    """The list's filtered rows for this request (every page), the columns this user may
    see and the filters in words; or the page that says which filters are not valid."""
    permissions.require_reader(request.user)
    data = request.GET.copy()
    data.pop("page", None)  # an export is the whole list, not the page on screen
    filterset = selectors.filtered_list(data)
    if filterset.is_bound and not filterset.is_valid():
        return render(
            request, "spreadsheets/export_invalid.html", {"form": filterset.form}, status=400
        )
    return _Export(
        items=filterset.qs,
        columns=columns_for(with_contacts=permissions.can_see_contact_details(request.user)),
        filters=export.filter_summary(filterset.form) if filterset.is_bound else [],
        request=request,
        data=data,
    )


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_export(request: HttpRequest, *, hxl: bool) -> HttpResponseBase:
    listed = _export(request)
    if isinstance(listed, HttpResponse):
        return listed
    lines = listed.counted(export.csv_rows(listed.items, listed.columns))
    response = StreamingHttpResponse(
        tables.csv_file(lines, listed.columns, hxl=hxl), content_type=tables.CSV_CONTENT_TYPE
    )
    return _attachment(response, export.export_filename("hxl.csv" if hxl else "csv"))


@never_cache
@require_safe
def export_csv(request: HttpRequest) -> HttpResponseBase:
    return _csv_export(request, hxl=False)


@never_cache
@require_safe
def export_hxl(request: HttpRequest) -> HttpResponseBase:
    return _csv_export(request, hxl=True)


@never_cache
@require_safe
def export_xlsx(request: HttpRequest) -> HttpResponseBase:
    listed = _export(request)
    if isinstance(listed, HttpResponse):
        return listed
    now = timezone.localtime()
    about = [
        (_("Exported from"), "PIM Tracker"),
        (_("Exported at"), f"{now:%Y-%m-%d %H:%M} ({timezone.get_current_timezone_name()})"),
        (_("Exported by"), display_name(request.user)),
        *(listed.filters or [(_("Filters"), _("none: every action point"))]),
        (_("Link to this list"), settings.SITE_URL + _list_url(request)),
    ]
    workbook = tables.write_xlsx(
        listed.counted(export.export_rows(listed.items, listed.columns)),
        listed.columns,
        about=about,
        sheet_title=_("Action points"),
        choices={"status": Status.values},
    )
    return FileResponse(
        workbook,
        as_attachment=True,
        filename=export.export_filename("xlsx", now),
        content_type=tables.XLSX_CONTENT_TYPE,
    )


def _list_url(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return reverse("action_list") + (f"?{query.urlencode()}" if query else "")


# --- The import ----------------------------------------------------------------------------


@never_cache
@require_safe
def import_template(request: HttpRequest, extension: str) -> HttpResponseBase:
    permissions.require_coordinator(request.user)
    if extension == "csv":
        response = HttpResponse(template.template_csv(), content_type=tables.CSV_CONTENT_TYPE)
        return _attachment(response, "action-points-template.csv")
    return FileResponse(
        template.template_xlsx(),
        as_attachment=True,
        filename="action-points-template.xlsx",
        content_type=tables.XLSX_CONTENT_TYPE,
    )


@never_cache
# The file and the form around it; a larger body is refused before it is read.
@accepts_upload(MAX_UPLOAD_BYTES + 64 * 1024)
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request.user)
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size, upload.name)  # before reading a byte of it
            sheet = read_spreadsheet(upload.read(MAX_UPLOAD_BYTES + 1), upload.name)
        except SpreadsheetError as exc:
            for error in exc.errors:
                form.add_error("file", error)
        else:
            pending_imports.sweep()
            pending_imports.discard(request.session.get(SESSION_KEY, ""))
            request.session[SESSION_KEY] = pending_imports.save(parse_sheet(sheet), request.user)
            return redirect("import_preview")
    return render(
        request,
        "spreadsheets/import_upload.html",
        {
            "form": form,
            "columns": IMPORTED_COLUMNS,
            "waiting": _has_pending(request),
            # Where a coordinator who left an import's page finds it again.
            "recent_runs": ImportRun.objects.filter(user_id=request.user.pk or 0).order_by("-pk")[
                :5
            ],
        },
        status=400 if form.is_bound else 200,
    )


def _has_pending(request: HttpRequest) -> bool:
    try:
        pending_imports.load(request.session.get(SESSION_KEY, ""), request.user)
    except pending_imports.PendingImportGone:
        return False
    return True


def _pending(request: HttpRequest):
    token = request.session.get(SESSION_KEY, "")
    parsed, mapping = pending_imports.load(token, request.user)
    return token, parsed, mapping


def _gone(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    messages.warning(
        request,
        _("No import is waiting: it was applied or cancelled, or more than an hour went by. "
          "Upload the file again."),
    )  # fmt: skip
    return redirect("import_upload")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def import_preview(request: HttpRequest) -> HttpResponse:
    """The preview; a POST here records choices for unknown organisations."""
    permissions.require_coordinator(request.user)
    try:
        token, parsed, mapping = _pending(request)
    except pending_imports.PendingImportGone:
        return _gone(request)
    preview = build_preview(parsed, mapping)
    mapping_form = None
    if preview.unknown_organizations:
        mapping_form = OrganizationMappingForm(
            request.POST if request.method == "POST" else None,
            unknown=preview.unknown_organizations,
        )
    if request.method == "POST" and (mapping_form is None or mapping_form.is_valid()):
        if mapping_form is not None:
            choices = {**mapping, **_lowered(mapping_form.mapping)}
            pending_imports.save(parsed, request.user, choices, token)
        return redirect("import_preview")
    status = 400 if request.method == "POST" else 200  # a POST here failed validation
    return _render_preview(request, preview, mapping_form, status=status)


def _lowered(mapping: dict[str, dict]) -> dict[str, dict]:
    return {acronym.lower(): choice for acronym, choice in mapping.items()}


def _render_preview(
    request: HttpRequest, preview: Preview, mapping_form=None, status: int = 200
) -> HttpResponse:
    if mapping_form is None and preview.unknown_organizations:
        mapping_form = OrganizationMappingForm(unknown=preview.unknown_organizations)
    return render(
        request,
        "spreadsheets/import_preview.html",
        {
            "preview": preview,
            "creates": preview.creates[:PREVIEW_ROWS],
            "updates": preview.updates[:PREVIEW_ROWS],
            "errors": preview.errors[:PREVIEW_ROWS],
            "limit": PREVIEW_ROWS,
            "mapping_form": mapping_form,
            "versions": json.dumps(preview.versions),
            "organization_acronyms": filters.filter_choices().organization_acronyms,
        },
        status=status,
    )


@never_cache
@post_only(lambda: reverse("import_preview"))
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Queue the import and go to its page at once: the checks and the writing, which take
    seconds for thousands of rows, run in the background (``runs``)."""
    permissions.require_coordinator(request.user)
    try:
        token, parsed, _mapping = _pending(request)
    except pending_imports.PendingImportGone:
        return _gone(request)
    seen = _seen_versions(request.POST.get("versions", ""))
    fingerprint = request.POST.get("fingerprint", "")
    if seen is None or not fingerprint:
        return redirect("import_preview")  # not a confirmation of what a preview showed
    run, _new = runs.start(
        token=token,
        user=request.user,  # type: ignore[arg-type]  # a coordinator: signed in
        source=parsed.source,
        fingerprint=fingerprint,
        seen=seen,
    )
    return redirect("import_run", run.pk)


def _seen_versions(raw: str) -> dict[int, int] | None:
    try:
        data = json.loads(raw)
        return {int(pk): int(version) for pk, version in data.items()}
    except (ValueError, TypeError, AttributeError):
        return None


def _applied_message(outcome: dict[str, list[str]], source: str) -> str:
    created, updated = outcome["created"], outcome["updated"]
    parts = [
        ngettext("%(n)d action point created", "%(n)d action points created", len(created))
        % {"n": len(created)},
        ngettext("%(n)d updated", "%(n)d updated", len(updated)) % {"n": len(updated)},
    ]
    if outcome["organizations"]:
        parts.append(
            _("organisations added: %(acronyms)s")
            % {"acronyms": ", ".join(outcome["organizations"])}
        )
    return _("%(file)s imported: %(parts)s. Each change is in the item's journal.") % {
        "file": source,
        "parts": "; ".join(parts),
    }


def _why_not_applied(run: ImportRun) -> str:
    outcome = run.outcome
    reason = outcome.get("reason")
    if reason == "conflict":
        if outcome.get("codes"):
            return _(
                "Changed by someone else since your preview: %(codes)s. Nothing was applied."
            ) % {"codes": ", ".join(outcome["codes"])}
        return _("The site changed since your preview, so nothing was applied.")
    if reason == "refused":
        return _("Row %(row)d was refused, so nothing was changed: %(reason)s") % {
            "row": outcome["row"],
            "reason": " ".join(outcome["messages"]),
        }
    if reason == "gone":
        return _(
            "No import is waiting: it was applied or cancelled, or more than an hour went by. "
            "Upload the file again."
        )
    if reason == "invalid":
        return _("This import cannot be applied as it is: see below.")
    return _("An unexpected error stopped the import, so nothing was changed.")


@never_cache
@require_safe
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmed import: rows written so far (the page reloads itself until it ends), then
    what was applied, or why nothing was."""
    permissions.require_coordinator(request.user)
    run = runs.settle_abandoned(get_object_or_404(ImportRun, pk=pk))
    if run.state == ImportRun.State.DONE and request.session.get(SESSION_KEY) == run.token:
        request.session.pop(SESSION_KEY, None)  # nothing waits any more
    waiting = not run.finished
    return render(
        request,
        "spreadsheets/import_run.html",
        {
            "run": run,
            "waiting": waiting,
            "applied": _applied_message(run.outcome, run.source)
            if run.state == ImportRun.State.DONE
            else "",
            "why_not": _why_not_applied(run) if run.state == ImportRun.State.FAILED else "",
            "again": run.state == ImportRun.State.FAILED and _has_pending(request),
            "created": run.outcome.get("created", [])[:PREVIEW_ROWS],
            "updated": run.outcome.get("updated", [])[:PREVIEW_ROWS],
            "limit": PREVIEW_ROWS,
            "refresh_seconds": REFRESH_SECONDS,
        },
    )


@post_only(lambda: reverse("import_upload"))
def import_cancel(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request.user)
    pending_imports.discard(request.session.pop(SESSION_KEY, ""))
    messages.info(request, _("Import cancelled; nothing was changed."))
    return redirect("import_upload")
