"""More of the role, URL and verb matrix (tests/actions/test_permissions.py): pages and
writes that touch no action point, so they compare their own tables before and after."""

import pytest

from . import test_permissions as matrix
from .test_permissions import READERS, ROLES, _expect_login, snapshot

# The matrix's fixtures, shared: the same world, the same roles.
world = matrix.world
no_role = matrix.no_role


# Background imports: the page of a confirmed import, coordinators only; it changes nothing.
@pytest.mark.parametrize("role", ROLES)
def test_the_page_of_an_import_is_for_coordinators_and_changes_nothing(request, world, role):
    from actions.models import ImportRun

    run = ImportRun.objects.create(
        token="t" * 43, user=request.getfixturevalue("coordinator").user, source="plan.csv",
        fingerprint="f", state="done",
        outcome={"created": ["C-9"], "updated": [], "organizations": []},
    )  # fmt: skip
    client = request.getfixturevalue(role)
    before = snapshot(), list(ImportRun.objects.values())
    response = client.get(f"/actions/import/runs/{run.pk}/")
    if role == "anonymous":
        _expect_login(response)
    else:
        assert response.status_code == (200 if role == "coordinator" else 403)
    posted = client.post(f"/actions/import/runs/{run.pk}/")
    # A page to read: a POST is refused before anything is looked at (anonymous: sign in).
    if role == "anonymous":
        _expect_login(posted)
    else:
        assert posted.status_code == 405
    assert (snapshot(), list(ImportRun.objects.values())) == before


# --- Organisation contacts and notice choices (issue 15): they change people, not items.
PEOPLE_WRITES = [
    ("/people/{person}/contact/", {"is_contact": "1"}, {"coordinator"}),
    ("/settings/notices/", {}, READERS),  # each their own choices: every kind off
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("path", "data", "allowed"), PEOPLE_WRITES, ids=[w[0] for w in PEOPLE_WRITES]
)
def test_post_people_writes(request, world, partner_acted, role, path, data, allowed):
    from participants.models import Person

    client = request.getfixturevalue(role)
    before = list(Person.objects.order_by("pk").values())
    response = client.post(path.format(person=partner_acted.person.pk), data)
    if role in allowed:
        assert response.status_code == 302
        assert list(Person.objects.order_by("pk").values()) != before
        return
    if role == "anonymous":
        _expect_login(response)
    else:
        assert response.status_code == 403
    assert list(Person.objects.order_by("pk").values()) == before
