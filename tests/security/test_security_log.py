"""The security log: what it records, that it holds no secret, who reads it, and that it
forgets after SECURITY_LOG_DAYS."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pimtracker.security import log
from pimtracker.security.models import SecurityEvent
from pimtracker.security.tasks import delete_old_security_events
from tests.factories import PASSWORD, UserFactory

LOGIN = reverse("login")


def kinds() -> list[str]:
    return list(SecurityEvent.objects.order_by("at", "pk").values_list("kind", flat=True))


def test_sign_in_failure_and_success_are_recorded_with_the_address(db):
    UserFactory(username="amina")
    client = Client(REMOTE_ADDR="198.51.100.7")
    client.post(LOGIN, {"username": "amina", "password": "wrong password 1"})
    client.post(LOGIN, {"username": "amina", "password": PASSWORD})
    events = list(SecurityEvent.objects.exclude(kind="password_changed").order_by("pk"))
    assert [e.kind for e in events] == ["sign_in_failed", "signed_in"]
    assert {e.ip_address for e in events} == {"198.51.100.7"}
    assert events[0].username == "amina"
    assert "wrong password 1" not in str(list(SecurityEvent.objects.values()))


def test_a_lockout_is_recorded(db, settings):
    UserFactory(username="amina")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "amina", "password": "wrong password"})
    assert "locked_out" in kinds()


def test_a_password_change_is_recorded_without_the_password(db):
    user = UserFactory(username="amina")
    client = Client()
    client.force_login(user)
    new = "olive-harbour-lantern"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert kinds()[-1] == "password_changed"
    assert new not in str(list(SecurityEvent.objects.values()))


def test_an_export_records_who_which_filter_and_how_many_rows(coordinator, plan):
    from tests.factories import ActionPointFactory

    for code in ("A-1", "A-2", "B-1"):
        ActionPointFactory(area=plan.areas.get(code=code[0]), code=code)
    response = coordinator.get("/actions/export.csv?area=A")
    b"".join(response.streaming_content)
    event = SecurityEvent.objects.get(kind="exported")
    assert (event.actor_name, event.rows) == ("Coordinator Demo", 2)
    assert event.detail == "/actions/export.csv?area=A"


def test_only_coordinators_read_the_log_and_it_is_linked_from_the_people_pages(
    coordinator, viewer, partner_iom
):
    log.record(None, log.Kind.SIGN_IN_FAILED, username="someone")
    assert 'href="/security/log/"' in coordinator.get("/people/").content.decode()
    page = coordinator.get("/security/log/")
    assert page.status_code == 200
    assert "Sign-in failed" in page.content.decode()
    assert "typed “someone”" in page.content.decode()
    assert viewer.get("/security/log/").status_code == 403
    assert partner_iom.get("/security/log/").status_code == 403


def test_the_log_filters_by_event(coordinator):
    log.record(None, log.Kind.SIGN_IN_FAILED, username="mallory")
    log.record(None, log.Kind.TOKEN_ISSUED, detail="HDX feed")
    html = coordinator.get("/security/log/?kind=token_issued").content.decode()
    assert "HDX feed" in html and "mallory" not in html


@pytest.mark.parametrize("rows", [3, 60])
def test_the_log_page_runs_the_same_queries_whatever_its_size(
    coordinator, django_assert_num_queries, rows
):
    for i in range(rows):
        log.record(None, log.Kind.SIGN_IN_FAILED, username=f"user{i}")
    # the session; the user with role and person; the count; the page's rows
    with django_assert_num_queries(4):
        assert coordinator.get("/security/log/").status_code == 200


def test_events_older_than_400_days_are_deleted_by_the_beat_task(db, settings, tasks_in_process):
    now = timezone.now()
    old = log.record(None, log.Kind.SIGN_IN_FAILED, username="old")
    SecurityEvent.objects.filter(pk=old.pk).update(at=now - dt.timedelta(days=401))
    recent = log.record(None, log.Kind.SIGN_IN_FAILED, username="recent")
    SecurityEvent.objects.filter(pk=recent.pk).update(at=now - dt.timedelta(days=399))
    assert delete_old_security_events.delay().get() == 1
    assert list(SecurityEvent.objects.values_list("username", flat=True)) == ["recent"]
    schedule = settings.CELERY_BEAT_SCHEDULE["delete-old-security-events"]
    assert schedule["task"] == "pimtracker.security.tasks.delete_old_security_events"
