import pytest

from pimtracker.celery import app as celery_app


@pytest.fixture
def eager():
    """Tasks run in-process, as in the embedded mode, even when a broker is configured."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
