"""Fixtures of the import tests: a private var/ for pending imports, and three items."""

import datetime

import pytest
from django.utils import timezone

from actions.models import Status
from pimtracker.celery import app as celery_app
from tests.factories import ActionPointFactory, ForumFactory, PersonFactory


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def pwg(db):
    return ForumFactory(acronym="PWG", name="Protection Working Group")


@pytest.fixture
def items(plan, organizations, partner_iom, pwg):
    """C-8 (IOM leads, the IOM partner and someone without an e-mail as focal points, due
    in ten days) with its sub-item C-8.1, and B-2 (not started, UNHCR leads)."""
    area_c = plan.areas.get(code="C")
    quiet = PersonFactory(
        first_name="No", last_name="Mail", email="", organization=organizations["IOM"]
    )
    parent = ActionPointFactory(
        area=area_c,
        code="C-8",
        position=8,
        title="Establish a PWG core group",
        description="Drive the work forward.",
        status=Status.IN_PROGRESS,
        due_date=timezone.localdate() + datetime.timedelta(days=10),
        leads=[organizations["IOM"]],
        focal=[partner_iom.person, quiet],
        forum=pwg,
    )
    child = ActionPointFactory(
        area=area_c, code="C-8.1", position=9, parent=parent, title="Service mapping"
    )
    other = ActionPointFactory(
        area=plan.areas.get(code="B"),
        code="B-2",
        position=2,
        title="Sharing protocol",
        leads=[organizations["UNHCR"]],
    )
    return {"C-8": parent, "C-8.1": child, "B-2": other}  # fmt: skip


@pytest.fixture(autouse=True)
def eager():
    """The import task runs in-process, as in the embedded mode, even when a broker is
    configured; the worker test turns this off."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
