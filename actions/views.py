from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import check_broker, check_database
from .models import ActionPlan, ActionPoint


def home(request: HttpRequest) -> HttpResponse:
    plans = ActionPlan.objects.all()
    return render(request, "actions/home.html", {"plans": plans})


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ActionPoint, pk=pk)
    return render(request, "actions/action_detail.html", {"item": item})


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(ActionPlan, pk=pk)
    return render(request, "actions/plan_detail.html", {"plan": plan})


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(c["status"] == "ok" for c in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
