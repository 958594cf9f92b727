"""Dependency checks for /healthz: is each service this deployment uses answering?"""

from django.conf import settings
from django.db import connection


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
