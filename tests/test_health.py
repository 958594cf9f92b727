import pytest


@pytest.mark.django_db
def test_healthz_answers_without_signing_in_and_names_each_dependency(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["status"] == "ok"
    assert body["broker"]["status"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_a_broker_that_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    from pimtracker.celery import app

    app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = None
    assert response.status_code == 503
    assert response.json()["broker"]["status"] == "down"
