"""Shared fixtures: one per role, named as the permission tests read.

- ``coordinator``: in the Coordinators group, UNHCR, PWG core group.
- ``partner_iom`` / ``partner_acted``: partners (no group) of IOM and ACTED.
- ``viewer``: in the Viewers group.
- ``anonymous``: an unauthenticated client.

Each role fixture is a logged-in ``Client`` with ``.user`` and ``.person`` attached.
"""

import os
import shutil

import pytest
from django.test import Client

from participants.models import Membership

from .factories import (
    ActionPlanFactory,
    AreaFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
)

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def need_service(available: bool, what: str) -> None:
    """Skip a test whose service is missing, or fail it when REQUIRE_SERVICES=1."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # The default hasher is slow by design; the suite sets hundreds of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def chromium_paths() -> tuple[str, str]:
    browser = shutil.which("chromium") or "/usr/bin/chromium"
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    need_service(
        os.path.exists(browser) and os.path.exists(driver),
        "Chromium and chromedriver (apt-get install chromium chromium-driver)",
    )
    return browser, driver


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    available = False
    if url.startswith("redis://"):
        import redis

        try:
            available = bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
        except redis.RedisError:
            available = False
    need_service(available, f"Redis at CELERY_BROKER_URL ({url or 'unset'})")
    return url


@pytest.fixture
def organizations(db):
    return {
        acronym: OrganizationFactory(acronym=acronym, name=name, kind=kind)
        for acronym, name, kind in [
            ("UNHCR", "UNHCR", "un_agency"),
            ("IOM", "International Organization for Migration", "un_agency"),
            ("ACTED", "ACTED", "international_ngo"),
            ("ECHO", "European Commission Humanitarian Aid", "donor"),
        ]
    }


@pytest.fixture
def plan(db):
    plan = ActionPlanFactory(key="test-plan", title="Test action plan")
    for order, (code, name) in enumerate(
        [("A", "Harmonization"), ("B", "Data sharing"), ("C", "Coordination"), ("D", "AAP")]
    ):
        AreaFactory(plan=plan, code=code, name=name, order=order)
    return plan


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.user = user
    client.person = getattr(user, "person", None)
    return client


def _person_user(username: str, organization, groups=()):
    user = UserFactory(username=username, groups=list(groups))
    PersonFactory(
        first_name=username.capitalize(), last_name="Demo", organization=organization, user=user
    )
    user.refresh_from_db()
    return user


@pytest.fixture
def coordinator(organizations) -> Client:
    user = _person_user("coordinator", organizations["UNHCR"], groups=["Coordinators"])
    MembershipFactory(person=user.person, role=Membership.Role.LEAD)
    return _client_for(user)


@pytest.fixture
def partner_iom(organizations) -> Client:
    return _client_for(_person_user("iom_partner", organizations["IOM"]))


@pytest.fixture
def partner_acted(organizations) -> Client:
    return _client_for(_person_user("acted_partner", organizations["ACTED"]))


@pytest.fixture
def viewer(organizations) -> Client:
    return _client_for(_person_user("viewer", organizations["ECHO"], groups=["Viewers"]))


@pytest.fixture
def anonymous() -> Client:
    return Client()
