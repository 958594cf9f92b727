"""The glossary: everyone with a role reads it and exports it; coordinators write it."""

from django.contrib import messages
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from actions import permissions
from actions.tables import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from pimtracker.security.names import display_name

from . import export, services
from .forms import TermForm
from .models import GlossaryTerm, TermStatus


def _terms(q: str = "", status: str = ""):
    terms = GlossaryTerm.objects.select_related("agreed_by")
    if q:
        terms = terms.filter(
            Q(english__icontains=q)
            | Q(arabic__icontains=q)
            | Q(definition_en__icontains=q)
            | Q(definition_ar__icontains=q)
        )
    if status in TermStatus.values:
        terms = terms.filter(status=status)
    return terms


@require_safe
def term_list(request: HttpRequest) -> HttpResponse:
    permissions.require_reader(request.user)
    # NUL is dropped: PostgreSQL refuses it in a text comparison.
    q = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    status = request.GET.get("status", "")
    # An Arabic reader looks terms up by their Arabic: that column first, in its order.
    arabic_first = translation.get_language_bidi()
    terms = _terms(q, status).order_by("arabic" if arabic_first else Lower("english"))
    return render(
        request,
        "glossary/term_list.html",
        {
            "terms": list(terms),
            "arabic_first": arabic_first,
            "q": q,
            "status": status if status in TermStatus.values else "",
            "statuses": TermStatus.choices,
            "can_edit": permissions.is_coordinator(request.user),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def term_create(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request.user)
    return _term_form(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
def term_edit(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_coordinator(request.user)
    return _term_form(request, get_object_or_404(GlossaryTerm, pk=pk))


def _term_form(request: HttpRequest, term: GlossaryTerm | None) -> HttpResponse:
    form = TermForm(request.POST if request.method == "POST" else None, instance=term)
    if form.is_bound and form.is_valid():
        saved = services.save_term(by=request.user, term=term, **form.cleaned_data)
        messages.success(request, _("“%(term)s” saved.") % {"term": saved.english})
        return redirect("glossary")
    return render(request, "glossary/term_form.html", {"form": form, "term": term})


@require_safe
def term_export(request: HttpRequest, extension: str) -> HttpResponse | StreamingHttpResponse:
    permissions.require_reader(request.user)
    terms = _terms()
    filename = export.export_filename(extension)
    if extension == "csv":
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            export.glossary_csv(terms), content_type=CSV_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    workbook = export.glossary_xlsx(
        terms, url=request.build_absolute_uri(), by=display_name(request.user)
    )
    return FileResponse(
        workbook, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
