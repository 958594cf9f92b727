"""The attacks of issue 14 on sign-in and password reset, each now stopped without
locking out the person attacked."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pimtracker.security import log
from pimtracker.security.throttles import sign_in_wait
from tests.factories import PASSWORD, UserFactory

LOGIN = reverse("login")
RESET = reverse("password_reset")
NGINX = "127.0.0.1"  # every request reaches gunicorn from the proxy


def behind_proxy(client_address: str) -> Client:
    """A browser at ``client_address``, through the recipe's nginx (X-Forwarded-For)."""
    return Client(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=client_address)


def sign_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.fixture
def victim(db):
    return UserFactory(username="amina", email="amina@example.org")


def test_behind_the_proxy_a_lockout_stops_the_attacker_not_the_victim(victim, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = behind_proxy("203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, "amina", "guess guess guess")
    locked = sign_in(attacker, "amina", PASSWORD)
    assert locked.status_code in (403, 429) and SESSION_KEY not in attacker.session
    owner = behind_proxy("198.51.100.20")
    assert sign_in(owner, "amina", PASSWORD).status_code == 302
    assert SESSION_KEY in owner.session


def test_a_forged_forwarded_for_does_not_dodge_the_lock(victim, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(settings.AXES_FAILURE_LIMIT + 1):
        # The attacker writes a new address each time; nginx appends the real one.
        client = Client(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 203.0.113.9")
        response = sign_in(client, "amina", "guess guess guess")
    assert response.status_code in (403, 429)


def test_without_a_proxy_the_forwarded_for_header_is_ignored(victim, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for i in range(settings.AXES_FAILURE_LIMIT):
        client = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
        sign_in(client, "amina", "guess guess guess")
    again = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert sign_in(again, "amina", PASSWORD).status_code in (403, 429)


def test_one_password_sprayed_across_forty_usernames_is_stopped(db, settings):
    for i in range(40):
        UserFactory(username=f"staff{i}")
    sprayer = behind_proxy("203.0.113.50")
    settings.TRUSTED_PROXY_COUNT = 1
    answers = [sign_in(sprayer, f"staff{i}", "Summer2026!").status_code for i in range(40)]
    assert answers[: settings.SIGN_IN_ADDRESS_LIMIT] == [200] * settings.SIGN_IN_ADDRESS_LIMIT
    assert set(answers[settings.SIGN_IN_ADDRESS_LIMIT :]) == {429}
    # Even the right password is not tried from that address now...
    refused = sign_in(sprayer, "staff39", PASSWORD)
    assert refused.status_code == 429
    assert "Try again in 60 minutes" in refused.content.decode()
    # ...while everyone else signs in as usual.
    assert sign_in(behind_proxy("198.51.100.20"), "staff39", PASSWORD).status_code == 302


def test_many_addresses_against_one_username_meet_a_back_off_not_a_lock(victim, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for i in range(settings.SIGN_IN_USERNAME_LIMIT):
            sign_in(behind_proxy(f"203.0.113.{i}"), "amina", "guess guess guess")
        refused = sign_in(behind_proxy("198.51.100.20"), "amina", PASSWORD)
    assert refused.status_code == 429
    assert "Try again in 1 minute" in refused.content.decode()
    # A minute later the owner, at their own address, gets in.
    with time_machine.travel(start + dt.timedelta(minutes=1, seconds=5), tick=False):
        owner = behind_proxy("198.51.100.20")
        assert sign_in(owner, "amina", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("failures", "minutes"), [(9, 0), (10, 1), (11, 2), (12, 4), (13, 8), (14, 15), (30, 15)]
)
def test_the_back_off_doubles_and_stops_at_fifteen_minutes(db, rf, failures, minutes):
    for _ in range(failures):
        log.record(None, log.Kind.SIGN_IN_FAILED, username="amina")
    request = rf.post(LOGIN, REMOTE_ADDR="198.51.100.20")
    assert sign_in_wait(request, "amina") == minutes


def test_password_reset_sends_at_most_three_mails_an_hour_to_one_inbox(
    victim, mailoutbox, django_capture_on_commit_callbacks, settings, tasks_in_process
):
    settings.TRUSTED_PROXY_COUNT = 1
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(25):
            response = behind_proxy(f"203.0.113.{i}").post(RESET, {"email": "amina@example.org"})
            answers.append((response.status_code, response["Location"]))
    assert len(mailoutbox) == settings.PASSWORD_RESET_TARGET_LIMIT == 3
    # Every request got the same answer: the limit tells nothing about the address.
    assert set(answers) == {(302, reverse("password_reset_done"))}


def test_password_reset_is_limited_per_address(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = behind_proxy("203.0.113.77")
    codes = [
        client.post(RESET, {"email": f"someone{i}@example.org"}).status_code for i in range(12)
    ]
    limit = settings.PASSWORD_RESET_ADDRESS_LIMIT
    assert codes[:limit] == [302] * limit and set(codes[limit:]) == {429}


def test_password_reset_does_no_more_work_for_a_known_address_than_an_unknown(
    victim, django_assert_num_queries
):
    # The lookup and the sending happen after the response: the request runs the same
    # queries (two counts for the limits, the log row) whatever the address.
    for email in ("amina@example.org", "nobody@example.org"):
        with django_assert_num_queries(3):
            Client().post(RESET, {"email": email})
