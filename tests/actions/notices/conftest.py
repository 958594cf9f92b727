"""Fixtures of the notice tests: ACTED's contact, an ACTED-led item, an SMTP server."""

import datetime

import pytest
from django.utils import timezone

from actions.models import Notice
from pimtracker.settings import _email_settings
from tests.actions.digests.test_smtp import SMTPServer
from tests.factories import ActionPointFactory, PersonFactory, UserFactory


@pytest.fixture
def acted_contact(organizations):
    return PersonFactory(
        first_name="Amal",
        last_name="Contact",
        email="amal.contact@example.org",
        organization=organizations["ACTED"],
        is_contact=True,
        user=UserFactory(username="amal"),
    )


@pytest.fixture
def acted_item(plan, organizations, acted_contact):
    """Led by ACTED. Its creation told ACTED's contact it is theirs
    (test_collecting.py); the tests start after that notice went out."""
    item = ActionPointFactory(
        area=plan.areas.get(code="B"),
        code="B-8",
        title="Share protection monitoring data points",
        leads=[organizations["ACTED"]],
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    Notice.objects.filter(action_point=item).delete()
    return item


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    server.start()
    for name, value in _email_settings(f"smtp://127.0.0.1:{server.port}").items():
        setattr(settings, name, value)
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()
