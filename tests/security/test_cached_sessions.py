"""Sessions read from a shared Redis cache (CACHE_URL): a query fewer a page, and a session
ended on the server ends everywhere, cache included."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.celery_worker import own_redis_db
from tests.conftest import _person_user, pass_two_step

CACHE_REDIS_DB = 7


def use_redis_sessions(settings, redis_url: str) -> None:
    settings.CACHES = {
        **settings.CACHES,  # the page fragments' cache (settings) stays as it is
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": own_redis_db(redis_url, CACHE_REDIS_DB),
            "KEY_PREFIX": "pimtracker-test",
        },
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    caches["default"].clear()


@pytest.fixture
def redis_sessions(settings, redis_url):
    use_redis_sessions(settings, redis_url)
    yield
    caches["default"].clear()


def test_a_page_reads_the_session_from_the_cache_not_the_database(
    settings, redis_url, organizations
):
    user = _person_user("amina", organizations["IOM"])

    def queries_of_a_page() -> list[str]:
        client = Client()
        client.force_login(user)
        client.get("/my/")
        with CaptureQueriesContext(connection) as context:
            assert client.get("/my/").status_code == 200
        return [query["sql"] for query in context.captured_queries]

    in_the_database = queries_of_a_page()
    use_redis_sessions(settings, redis_url)
    try:
        cached = queries_of_a_page()
    finally:
        caches["default"].clear()
    assert any("django_session" in sql for sql in in_the_database)
    assert not any("django_session" in sql for sql in cached)
    assert len(cached) == len(in_the_database) - 1


def test_a_reset_signs_the_person_out_of_the_cached_session_too(
    redis_sessions, coordinator, organizations
):
    colleague_user = _person_user("amina", organizations["IOM"], groups=["Coordinators"])
    colleague = Client()
    colleague.force_login(colleague_user)
    pass_two_step(colleague, colleague_user)
    assert colleague.get("/").status_code == 200
    person = colleague_user.person
    assert coordinator.post(f"/people/{person.pk}/mfa-reset/").status_code == 302
    assert colleague.get("/")["Location"].startswith("/accounts/login/")
