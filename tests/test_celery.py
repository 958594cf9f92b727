"""The Celery app: configured from Django settings, reliable on purpose, scheduled."""

import datetime

from celery.schedules import crontab
from django.conf import settings

from actions import tasks
from actions.digests import delivery
from pimtracker.celery import app


def test_app_reads_its_configuration_from_django_settings():
    # (broker_url is not checked here: other tests point it elsewhere and back.)
    assert app.conf.timezone == settings.TIME_ZONE == "Africa/Tripoli"
    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE


def test_a_task_survives_a_dying_worker():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_broker_waits_longer_than_any_task_or_retry_before_redelivering():
    visibility = datetime.timedelta(seconds=app.conf.broker_transport_options["visibility_timeout"])
    longest_task = datetime.timedelta(
        seconds=max(tasks.send_digest.time_limit, tasks.send_digest_batch.time_limit)
    )
    longest_countdown = datetime.timedelta(seconds=max(delivery.RETRY_BACKOFF))
    assert visibility > longest_task + longest_countdown


def test_a_live_sender_never_outlives_its_claim():
    assert datetime.timedelta(seconds=tasks.send_digest.time_limit) < delivery.LEASE
    assert tasks.send_digest.soft_time_limit < tasks.send_digest.time_limit
    # A batch claims each row just before sending it: one message must fit in the lease.
    assert datetime.timedelta(seconds=settings.EMAIL_TIMEOUT * 3) < delivery.LEASE
    assert tasks.send_digest_batch.soft_time_limit < tasks.send_digest_batch.time_limit


def test_beat_runs_the_digests_on_monday_at_seven_and_sweeps_every_quarter_hour():
    schedule = settings.CELERY_BEAT_SCHEDULE
    app.loader.import_default_modules()
    for entry in schedule.values():
        assert entry["task"] in app.tasks
    assert schedule["weekly-digests"]["schedule"] == crontab(day_of_week="mon", hour=7, minute=0)
    assert schedule["sweep-digest-deliveries"]["task"] == "actions.tasks.sweep_deliveries"
    assert schedule["sweep-digest-deliveries"]["schedule"] == crontab(minute="*/15")
