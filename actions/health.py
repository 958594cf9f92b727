"""/healthz: is each service this deployment uses answering? For the proxy's and the
monitor's checks, without signing in."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(c["status"] == "ok" for c in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)


def check_database() -> dict[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the text says which
        return {"status": "down", "error": exc.__class__.__name__}
    return {"status": "ok", "vendor": connection.vendor}


def check_broker() -> dict[str, str]:
    if not settings.CELERY_BROKER_URL:
        return {"status": "ok", "mode": "in-process (no broker configured)"}
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:  # any failure means "down"; the text says which
        return {"status": "down", "error": exc.__class__.__name__}
    return {"status": "ok", "transport": transport}
