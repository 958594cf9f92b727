from celery import shared_task

from . import log


@shared_task
def delete_old_security_events() -> int:
    return log.delete_old_events()
