"""The one-click link of a notice e-mail: no sign-in, the signed link is the key."""

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from participants.models import Person
from participants.notice_choices import NOTICE_SWITCHES, set_notice_choices

from .email import person_for_unsubscribe


@login_not_required
@csrf_exempt  # RFC 8058: mail clients POST the one-click link without a token; it is the key.
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link scanners only GET), POST turns every notice off."""
    try:
        person = person_for_unsubscribe(token)
    except signing.SignatureExpired:
        return render(request, "notices/unsubscribe.html", {"state": "expired"}, status=400)
    except (signing.BadSignature, ValueError, Person.DoesNotExist):
        return render(request, "notices/unsubscribe.html", {"state": "invalid"}, status=400)
    if request.method == "POST":
        set_notice_choices(person, **dict.fromkeys(NOTICE_SWITCHES, False))
        return render(request, "notices/unsubscribe.html", {"state": "done", "person": person})
    wants_any = any(getattr(person, name) for name in NOTICE_SWITCHES)
    state = "confirm" if wants_any else "already"
    return render(request, "notices/unsubscribe.html", {"state": state, "person": person})
