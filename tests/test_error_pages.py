"""Error pages as a visitor sees them with DEBUG off (pytest-django runs with DEBUG off):
the site's own layout and stylesheet, a plain explanation, and no technical detail."""

import pytest
from django.test import Client

STYLESHEET = '<link rel="stylesheet" href="/static/css/site.css">'


def assert_branded(response, status: int, heading: str) -> str:
    assert response.status_code == status
    page = response.content.decode()
    assert STYLESHEET in page
    assert f"<h1>{heading}</h1>" in page
    assert "Traceback" not in page
    assert "URLconf" not in page
    return page


@pytest.mark.django_db
def test_anonymous_visitor_gets_the_branded_404_without_url_patterns(anonymous):
    page = assert_branded(anonymous.get("/no-such-page/"), 404, "Page not found")
    assert "admin/" not in page
    assert 'href="/"' in page


@pytest.mark.django_db
def test_signed_in_user_keeps_the_navigation_on_a_404(coordinator):
    page = assert_branded(coordinator.get("/actions/999999/"), 404, "Page not found")
    assert "Action points" in page
    assert "Sign out" in page


def test_500_page_is_branded_and_needs_no_database(settings):
    # No django_db mark: pytest-django makes any database query here fail the test.
    settings.ROOT_URLCONF = "tests.error_urls"
    client = Client(raise_request_exception=False)
    page = assert_branded(client.get("/fail/"), 500, "Something went wrong on our side")
    assert "a bug" not in page


def test_400_page_for_a_host_the_site_does_not_serve():
    response = Client().get("/accounts/login/", HTTP_HOST="attacker.example")
    assert_branded(response, 400, "This request could not be understood")


def test_429_page_for_nginx_rate_limit():
    response = Client().get("/too-many-requests/")
    assert_branded(response, 429, "Too many requests")
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_form_without_csrf_token_gets_the_branded_403_and_nothing_happens():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    page = assert_branded(response, 403, "This form could not be accepted")
    assert "CSRF" not in page
