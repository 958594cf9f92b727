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
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["status"] == "down"


@pytest.mark.services
@pytest.mark.django_db
def test_healthz_sees_a_real_redis_broker(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == {"status": "ok", "transport": "redis"}
