"""A session ends after eight idle hours, and seven days after signing in whatever the use."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def signed_in(db):
    UserFactory(username="amina", groups=["Viewers"])
    client = Client()
    with time_machine.travel(START, tick=False):
        response = client.post(reverse("login"), {"username": "amina", "password": PASSWORD})
    assert response.status_code == 302
    return client


def opens_the_dashboard(client: Client, at: dt.datetime) -> bool:
    with time_machine.travel(at, tick=False):
        response = client.get("/")
        return response.status_code == 200 and SESSION_KEY in client.session


def test_a_session_idle_for_less_than_eight_hours_goes_on(signed_in):
    assert opens_the_dashboard(signed_in, START + dt.timedelta(hours=7, minutes=50))


def test_a_session_idle_for_more_than_eight_hours_ends(signed_in):
    with time_machine.travel(START + dt.timedelta(hours=8, minutes=5), tick=False):
        response = signed_in.get("/", follow=True)
        assert SESSION_KEY not in signed_in.session
    assert response.redirect_chain[-1][0].startswith(reverse("login"))


def test_use_every_few_hours_does_not_keep_a_session_past_seven_days(signed_in):
    for hours in range(4, 7 * 24, 4):
        assert opens_the_dashboard(signed_in, START + dt.timedelta(hours=hours))
    with time_machine.travel(START + dt.timedelta(days=7, minutes=10), tick=False):
        response = signed_in.get("/", follow=True)
        assert SESSION_KEY not in signed_in.session
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "Your session ended. Please sign in again." in response.content.decode()


def test_the_idle_timeout_is_a_setting(signed_in, settings):
    settings.SESSION_COOKIE_AGE = 60 * 60
    assert not opens_the_dashboard(signed_in, START + dt.timedelta(hours=1, minutes=5))
