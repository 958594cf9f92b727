"""Odd requests to every URL of the project, as every role: never a server error, and
nothing changed by those who may change nothing.

tests/fuzz.py generates the requests from a fixed seed (the same ones on every run), for
each role: every URL pattern is fetched as a page would link to it and then sent an odd
request; every form found on those pages is sent with each kind of bad value in all its
fields, and every link with a query string is followed with bad values in it; then more
odd requests to random patterns. The roles that may write nothing (viewer, an account
without a role, anonymous) are checked after each write request: every row of the plan,
the people and the accounts but their own is as it was (after each write that was not
refused with a 4xx status, and once more at the end).
"""

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.test import Client

from actions.models import CalendarFeed, SavedView
from participants.models import Person
from tests.conftest import pass_two_step
from tests.factories import ActionPointFactory, UserFactory
from tests.fuzz import (
    BODY_METHODS,
    FORM_VALUES,
    FuzzRequest,
    RequestGenerator,
    odd_link,
    page_links_and_forms,
    project_routes,
    submissions,
)

# Requests per role beyond one for each URL pattern (about 175 patterns today).
EXTRA_REQUESTS = 20
READ_ONLY_ROLES = {"viewer", "no_role", "anonymous"}
ROLES = ["coordinator", "partner_iom", "viewer", "no_role", "anonymous", "admin"]


@pytest.fixture
def no_role(db) -> Client:
    user = UserFactory(username="stranger")
    client = Client()
    client.force_login(user)
    pass_two_step(client, user)  # the admin asks for the second step first
    client.user = user
    return client


@pytest.fixture
def admin(db) -> Client:
    """A superuser, to reach every page of the admin and its filters."""
    user = UserFactory(username="root")
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def world(plan, organizations, coordinator, partner_iom, partner_acted, viewer):
    parent = ActionPointFactory(
        area=plan.areas.get(code="C"), code="C-8", leads=[organizations["IOM"]]
    )
    child = ActionPointFactory(area=parent.area, code="C-8.1", parent=parent)
    ActionPointFactory(
        area=plan.areas.get(code="A"), code="A-1", focal=[partner_acted.person], leads=[]
    )
    ids = sorted({parent.pk, child.pk, plan.pk, coordinator.person.pk, partner_iom.person.pk})
    return {"ids": ids, "words": ["IOM", "UNHCR", "C-8", "MQ", "set-password"]}


# Rows that belong to one account, which that account may write whatever its role.
OWN_ROWS = (SavedView, CalendarFeed)


def snapshot(acting: User | None) -> dict:
    """Every row of the plan, the people and the accounts, but the acting user's own
    (a viewer may change their own language and notifications, save their own views of
    the list and make their own calendar address)."""
    state = {}
    models = [
        *apps.get_app_config("actions").get_models(),
        *apps.get_app_config("participants").get_models(),
        User,
        User.groups.through,
    ]
    for model in models:
        rows = model.objects.order_by("pk")
        if acting is not None and model is User:
            rows = rows.exclude(pk=acting.pk)
        if acting is not None and model is Person:
            rows = rows.exclude(user=acting)
        if acting is not None and model in OWN_ROWS:
            rows = rows.exclude(user=acting)
        if model is User:
            rows = rows.defer("last_login")
        state[model._meta.label] = [
            {k: v for k, v in row.items() if k != "last_login"} for row in rows.values()
        ]
    return state


def send(client: Client, request: FuzzRequest, generator: RequestGenerator):
    url = request.path + (f"?{request.query}" if request.query else "")
    method = request.method.lower()
    if request.method not in BODY_METHODS:
        return getattr(client, method)(url)
    if request.content_type == "multipart/form-data":
        return (
            client.generic(method, url)
            if method != "post"
            else client.post(url, generator.multipart_fields())
        )
    return client.generic(method, url, request.body or b"", content_type=request.content_type)


def fuzz_requests(generator: RequestGenerator, routes, pages) -> Iterator[FuzzRequest]:
    """The requests to send; ``pages`` receives (path, html) of each page fetched, and the
    forms and links found there are tried as the pages come."""
    forms_seen: set = set()
    links_seen: set = set()
    for route in routes:
        yield FuzzRequest("GET", generator.path_for(route.route, real=True))
        yield generator.request(route)
        while pages:
            path, html = pages.pop()
            links, forms = page_links_and_forms(path, html)
            for form in forms:
                if form.shape not in forms_seen:
                    forms_seen.add(form.shape)
                    yield from submissions(form)
            for link in sorted(links):
                key = _link_shape(link)
                if key not in links_seen:
                    links_seen.add(key)
                    yield odd_link(link, FORM_VALUES[len(links_seen) % len(FORM_VALUES)])
    for _ in range(EXTRA_REQUESTS):
        yield generator.request(generator.random.choice(routes))


def _link_shape(link: str) -> tuple:
    path, _, query = link.partition("?")
    return path, tuple(sorted({p.split("=")[0] for p in query.split("&")}))


@pytest.mark.parametrize("role", ROLES)
def test_odd_requests_to_every_url_never_fail_and_change_nothing_they_may_not(request, world, role):
    client: Client = request.getfixturevalue(role)
    client.raise_request_exception = False
    user = getattr(client, "user", None)
    generator = RequestGenerator(ROLES.index(role), world["ids"], world["words"])
    routes = project_routes()
    assert len(routes) > 100  # the admin's too, and every app's
    failures = []
    pages: list[tuple[str, str]] = []
    before = snapshot(user) if role in READ_ONLY_ROLES else None
    sent = 0
    for fuzz in fuzz_requests(generator, routes, pages):
        response = send(client, fuzz, generator)
        sent += 1
        if (
            fuzz.method == "GET"
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
        ):
            pages.append((fuzz.path, response.content.decode("utf-8", "replace")))
        if response.status_code >= 500:
            failures.append(f"{fuzz} -> {response.status_code} {response.exc_info!r:.300}")
        # A refusal (4xx) is taken at its word here; the last snapshot below checks it.
        if before is not None and fuzz.method in BODY_METHODS and response.status_code < 400:
            after = snapshot(user)
            if after != before:
                failures.append(f"{fuzz} changed the data as {role}")
                before = after
        # A sign-out URL signs the role out; the next requests are sent as that role again.
        if user is not None and SESSION_KEY not in client.session:
            client.force_login(user)
            if role in ("coordinator", "admin"):  # and past the second step, as before
                pass_two_step(client, user)
    assert sent > len(routes) * 2
    if before is not None and snapshot(user) != before:
        failures.append(f"the data changed as {role}")
    assert not failures, "\n".join(failures)
