"""Digest pages: the delivery log and the preview (coordinators), the one-click
unsubscribe link (no sign-in: the signed link is the key), and a person's own
notification settings."""

from csp.decorators import csp_replace
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from actions import tasks
from actions.models import DigestDelivery
from actions.permissions import person_of, require_coordinator
from participants.models import Person
from pimtracker.drafts import post_only

from . import delivery, preview
from .email import person_for_unsubscribe
from .forms import NotificationSettingsForm, PreviewForm, WeekField
from .recipients import set_digest_enabled
from .weeks import current_period, week_label

# The log shows a week this many rows at a time: a cluster-wide week has thousands.
LOG_PAGE_SIZE = 100

# The e-mail's HTML, framed by the preview page: its own styles, nothing else at all.
EMAIL_CSP = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["data:"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'none'"],
    "base-uri": ["'none'"],
}


@require_GET
def delivery_log(request: HttpRequest) -> HttpResponse:
    """Who got which digest when, and what failed, one week at a time."""
    require_coordinator(request.user)
    weeks = list(
        DigestDelivery.objects.order_by("-period").values_list("period", flat=True).distinct()[:12]
    )
    form = forms.Form(request.GET)
    form.fields["week"] = WeekField(label=gettext_lazy("Week"), required=False)
    period = (form.cleaned_data["week"] if form.is_valid() else None) or (
        weeks[0] if weeks else current_period()
    )
    deliveries = (
        DigestDelivery.objects.filter(period=period)
        .select_related("person__organization")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    page = Paginator(deliveries, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(
        DigestDelivery.objects.filter(period=period)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return render(
        request,
        "digests/log.html",
        {
            "form": form,
            "period": period,
            "week": week_label(period),
            "weeks": [(week_label(w), w == period) for w in weeks],
            "deliveries": page.object_list,
            "page": page,
            "counts": [(s.label, counts.get(s.value, 0)) for s in DigestDelivery.State],
        },
    )


@require_GET
def digest_preview(request: HttpRequest) -> HttpResponse:
    """The e-mail a chosen person would get for a chosen week, exactly as it would go out."""
    require_coordinator(request.user)
    if "person" in request.GET or "week" in request.GET:
        form = PreviewForm(request.GET)
    else:
        form = PreviewForm(initial={"week": week_label(current_period())})
    result = None
    if form.is_bound and form.is_valid():
        result = preview.preview(form.cleaned_data["person"], form.cleaned_data["week"])
    return render(
        request,
        "digests/preview.html",
        {"form": form, "preview": result, "query": request.GET.urlencode()},
    )


@require_GET
@never_cache
@xframe_options_sameorigin
@csp_replace(EMAIL_CSP)
def digest_preview_html(request: HttpRequest) -> HttpResponse:
    """The HTML part of the previewed e-mail, for the preview page's frame."""
    require_coordinator(request.user)
    form = PreviewForm(request.GET)
    if not form.is_valid():
        return HttpResponse(_("Choose a person and a week."), status=400, content_type="text/plain")
    result = preview.preview(form.cleaned_data["person"], form.cleaned_data["week"])
    if result.composed is None:
        return HttpResponse(result.not_sent_because, content_type="text/plain; charset=utf-8")
    return HttpResponse(result.composed.html)


@login_not_required
@csrf_exempt  # RFC 8058: mail clients POST the one-click link without a token; it is the key.
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link scanners only GET), POST turns the digest off."""
    try:
        person = person_for_unsubscribe(token)
    except signing.SignatureExpired:
        return render(request, "digests/unsubscribe.html", {"state": "expired"}, status=400)
    except (signing.BadSignature, ValueError, Person.DoesNotExist):
        return render(request, "digests/unsubscribe.html", {"state": "invalid"}, status=400)
    if request.method == "POST":
        set_digest_enabled(person, False)
        return render(request, "digests/unsubscribe.html", {"state": "done", "person": person})
    state = "confirm" if person.digest_enabled else "already"
    return render(request, "digests/unsubscribe.html", {"state": state, "person": person})


@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """The signed-in person turns their weekly digest on or off."""
    person = person_of(request.user)
    if person is None:
        return render(request, "digests/notification_settings.html", {"person": None})
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            enabled = form.cleaned_data["digest_enabled"]
            set_digest_enabled(person, enabled)
            messages.success(
                request,
                _("You will receive the weekly digest.")
                if enabled
                else _("You will no longer receive the weekly digest."),
            )
            return redirect("notification_settings")
    else:
        form = NotificationSettingsForm(initial={"digest_enabled": person.digest_enabled})
    return render(request, "digests/notification_settings.html", {"person": person, "form": form})


@post_only(lambda pk: reverse("digest_log"))
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    """One click to send again a digest that may not have arrived; the log says it was."""
    require_coordinator(request.user)
    row = get_object_or_404(DigestDelivery.objects.select_related("person"), pk=pk)
    if delivery.resend(row.pk):
        transaction.on_commit(lambda: tasks.send_digest.delay(row.pk))
        messages.success(
            request,
            _("The digest for %(person)s is sent again.") % {"person": row.person.full_name},
        )
    else:
        messages.info(request, _("That digest is not waiting for a decision any more."))
    return redirect(f"{reverse('digest_log')}?week={week_label(row.period)}")
