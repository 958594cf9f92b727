from celery import shared_task

from . import log


@shared_task
def delete_old_security_events() -> int:
    return log.delete_old_events()


@shared_task
def send_password_reset(*, email: str, domain: str, use_https: bool, language: str) -> None:
    from .password_reset import send_reset_mail

    send_reset_mail(email=email, domain=domain, use_https=use_https, language=language)
