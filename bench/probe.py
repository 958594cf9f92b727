"""In-process half of the benchmark, run once per database (``python -m bench.probe OUT``).

Picks what each page shows (a partner with many items, an item with its journal, a deep
page, a search term), signs the synthetic users in by creating their sessions directly,
and captures with ``django.test.Client`` the SQL every page runs: the query count per
request and the statements the floor view replays. Then times a change, the write every
save of the update form or a comment makes (``time_changes``). Writes one JSON file.
"""

import datetime
import json
import math
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from actions.models import ActionPlan, ActionPoint  # noqa: E402
from actions.services import change_action_point  # noqa: E402
from actions.synthetic import PLAN_KEY  # noqa: E402
from participants.models import Organization, Person  # noqa: E402
from pimtracker.security import mfa, sessions  # noqa: E402

PAGE_SIZE = 50
DEEP_PAGE = 500
# Two words that follow each other in about one description in thirty: a search that
# matches a few percent of the rows, as a person looking for a topic would type it.
SEARCH = "referral pathway"
COORDINATOR = "load-001"


@dataclass
class Page:
    name: str
    path: str
    user: str
    note: str = ""
    status: int = 0
    bytes: int = 0
    queries: int = 0
    statements: list[str] = field(default_factory=list)


def sign_in(username: str) -> str:
    """A session for ``username`` as ``login()`` would write it; returns the cookie header."""
    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # Signed in now, and past the second step where the role asks for one, as a browser is
    # after the sign-in page: otherwise a coordinator's pages answer with the code's page.
    session[sessions.STARTED] = session[sessions.SEEN] = timezone.now().timestamp()
    if mfa.is_required(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def busiest_partner() -> Person:
    """The partner (no role group) whose organisation leads the most items."""
    busiest = (
        Organization.objects.filter(acronym__startswith="SYN")
        .annotate(n=Count("led_action_points"))
        .order_by("-n", "acronym")
    )
    for organization in busiest:
        person = (
            Person.objects.filter(
                organization=organization,
                user__username__startswith="load-",
                user__groups__isnull=True,
                is_active=True,
            )
            .order_by("user__username")
            .first()
        )
        if person:
            return person
    raise SystemExit("No synthetic partner found: is the data set loaded?")


def item_with_journal() -> ActionPoint:
    """An item with two leads, focal points and the longest journal: a full detail page."""
    candidates = ActionPoint.objects.filter(plan__key=PLAN_KEY).order_by("pk")[:500]
    return max(
        candidates.annotate(
            n_updates=Count("updates", distinct=True),
            n_leads=Count("lead_organizations", distinct=True),
            n_focal=Count("focal_points", distinct=True),
        ),
        key=lambda i: (i.n_updates, i.n_leads + i.n_focal, -i.pk),
    )


def pages() -> list[Page]:
    total = ActionPoint.objects.filter(plan__key=PLAN_KEY).count()
    deep = min(DEEP_PAGE, max(1, math.ceil(total / PAGE_SIZE)))
    partner = busiest_partner()
    if partner.user is None:  # busiest_partner picks people with an account
        raise RuntimeError(f"{partner} has no account to sign in with")
    acronym = partner.organization.acronym
    item = item_with_journal()
    code = f"C-{max(1, total // 8)}"
    plan = ActionPlan.objects.get(key=PLAN_KEY)
    return [
        Page("dashboard", "/", COORDINATOR),
        Page("list", "/actions/", COORDINATOR),
        Page(
            "list-filtered",
            f"/actions/?area=B&status=in_progress&organization={acronym}&sort=due_date",
            COORDINATOR,
            note=f"area B, in progress, led by {acronym}, by due date",
        ),
        Page("list-deep", f"/actions/?page={deep}", COORDINATOR, note=f"page {deep}"),
        Page("search", f"/actions/?q={SEARCH.replace(' ', '+')}", COORDINATOR, note=SEARCH),
        Page("search-code", f"/actions/?q={code}", COORDINATOR, note=f"one item's code, {code}"),
        Page("my-items", "/my/", partner.user.username, note=f"{acronym} partner"),
        Page("detail", f"/actions/{item.pk}/", COORDINATOR, note=item.code),
        Page("plan", f"/plans/{plan.pk}/", COORDINATOR, note="first items of every area"),
        Page("organization", f"/organizations/{acronym}/", COORDINATOR, note=acronym),
        Page("api-list", "/api/actions/", COORDINATOR, note="JSON, first page"),
        Page("export-csv", "/actions/export.csv", COORDINATOR, note="every item"),
    ]


def available(path: str) -> bool:
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


def capture(page: Page, cookie: str) -> None:
    """Request the page twice to warm caches, then record the third request's SQL."""
    client = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)
    name, _, key = cookie.partition("=")
    client.cookies[name] = key
    for _ in range(2):
        _consume(client.get(page.path))
    with CaptureQueriesContext(connection) as context:
        response = client.get(page.path)
        page.bytes = _consume(response)
    page.status = response.status_code
    page.queries = len(context.captured_queries)
    page.statements = [query["sql"] for query in context.captured_queries]


def _consume(response) -> int:
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


CHANGES = 20


def time_changes() -> dict[str, float | int]:
    """A coordinator moves the due date of ``CHANGES`` open items that have focal points,
    each through the service the update form calls (journal, counts, search, notices),
    each undone after: the median milliseconds of one change."""
    coordinator = User.objects.get(username=COORDINATOR)
    items = (
        ActionPoint.objects.open()
        .filter(focal_points__isnull=False)
        .order_by("pk")
        .only("pk", "due_date")
        .distinct()
    )
    times = []
    for item in items[: CHANGES + 2]:
        later = (item.due_date or datetime.date(2030, 1, 1)) + datetime.timedelta(days=1)
        with transaction.atomic():
            start = time.perf_counter()
            change_action_point(action_point=item.pk, by=coordinator, due_date=later)
            times.append((time.perf_counter() - start) * 1000)
            transaction.set_rollback(True)
    return {"changes": len(times[2:]), "p50_ms": round(statistics.median(times[2:]), 1)}


def main(out: Path) -> None:
    cookies: dict[str, str] = {}
    result: dict[str, Any] = {"pages": [], "missing": []}
    for page in pages():
        if not available(page.path):
            result["missing"].append({"name": page.name, "reason": "no such URL"})
            continue
        cookie = cookies.setdefault(page.user, sign_in(page.user))
        capture(page, cookie)
        if page.status != 200:
            result["missing"].append({"name": page.name, "reason": f"answers {page.status}"})
            continue
        result["pages"].append({**asdict(page), "cookie": cookie})
    result["change"] = time_changes()
    out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
