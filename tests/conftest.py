"""Shared fixtures: one per role, named as the permission tests read.

- ``coordinator``: in the Coordinators group, UNHCR, PWG core group.
- ``partner_iom`` / ``partner_acted``: partners (no group) of IOM and ACTED.
- ``viewer``: in the Viewers group.
- ``anonymous``: an unauthenticated client.

Each role fixture is a logged-in ``Client`` with ``.user`` and ``.person`` attached.
"""

import os
import shutil
import time

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

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


def pass_two_step(client: Client, user) -> TOTPDevice:
    """Give ``user`` an authenticator and mark the client's session as past the second step,
    as a coordinator's browser is after entering a code (pimtracker/security/mfa.py)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the person's authenticator app shows now, as a phone would compute it (the
    next one if this one was used already: a code works once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time = time.time() + device.step
    return f"{totp.token():0{device.digits}d}"


def enter_code(client: Client, user) -> None:
    """Take the second step of signing in through its form, with a real code."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    response = client.post("/security/mfa/", {"code": current_code(device)})
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.fixture
def tasks_in_process():
    """Celery tasks run in-process, as in the embedded mode, even with a broker configured
    (a password reset's e-mail, for one, is then sent where the test can read it)."""
    from pimtracker.celery import app as celery_app

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def admin_client(admin_user) -> Client:
    """pytest-django's superuser client, past the second step as the admin requires."""
    client = Client()
    client.force_login(admin_user)
    pass_two_step(client, admin_user)
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
    client = _client_for(user)
    pass_two_step(client, user)
    return client


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
