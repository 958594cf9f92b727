"""Fixed data for the digest tests: one plan, a core group, focal points, a journal.

Time is Monday 11 March 2024, 07:00 in Tripoli (UTC+2), week 2024-W11. Everything was
created on 1 February; the journal then has:

- 1 Mar  B-1 done (ACTED)                 -- before everyone's window
- 8 Mar  A-1 not started -> in progress   -- with a note full of markup characters
- 9 Mar  B-2 not started -> blocked
"""

import datetime
import zoneinfo
from types import SimpleNamespace

import time_machine

from actions import services
from actions.models import DigestDelivery, Status
from participants.models import Membership
from tests.factories import (
    ActionPointFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
)

TRIPOLI = zoneinfo.ZoneInfo("Africa/Tripoli")
NOW = datetime.datetime(2024, 3, 11, 7, 0, tzinfo=TRIPOLI)
WEEK = "2024-W11"
PERIOD = datetime.date(2024, 3, 11)
A1_TITLE = 'Share definitions of "returnees" <& IDPs>'
A1_NOTE = "Started with <b>partners</b> & co."


def at(*args: int) -> time_machine.travel:
    return time_machine.travel(datetime.datetime(*args, tzinfo=TRIPOLI), tick=False)


def build(*, plan, organizations, coordinator) -> SimpleNamespace:
    """The scenario; ``coordinator`` is the conftest client (UNHCR, PWG lead)."""
    drc = OrganizationFactory(acronym="DRC", name="Danish Refugee Council")
    areas = {area.code: area for area in plan.areas.all()}
    with at(2024, 2, 1, 9, 0):
        dana = PersonFactory(first_name="Dana", last_name="Core", organization=drc)
        MembershipFactory(person=dana, role=Membership.Role.CO_LEAD)
        lea = PersonFactory(
            first_name="Lea",
            last_name="Left",
            organization=organizations["UNHCR"],
            left_on=datetime.date(2024, 2, 20),
        )
        MembershipFactory(person=lea, role=Membership.Role.CORE)
        olga = PersonFactory(first_name="Olga", last_name="Former", organization=drc)
        MembershipFactory(
            person=olga, role=Membership.Role.CORE, end_date=datetime.date(2024, 1, 31)
        )
        mo = PersonFactory(first_name="Mo", last_name="Member", organization=drc)
        MembershipFactory(person=mo, role=Membership.Role.MEMBER)
        ivo = PersonFactory(first_name="Ivo", last_name="Focal", organization=organizations["IOM"])
        ada = PersonFactory(first_name="Ada", last_name="Done", organization=organizations["ACTED"])
        nora = PersonFactory(first_name="Nora", last_name="Noemail", organization=drc, email="")
        gus = PersonFactory(first_name="Gus", last_name="Gone", organization=drc, is_active=False)

        def item(code, title, status=Status.NOT_STARTED, **kwargs):
            return ActionPointFactory(
                area=areas[code[0]], code=code, title=title, status=status, **kwargs
            )

        a1 = item(
            "A-1",
            A1_TITLE,
            due_date=datetime.date(2024, 3, 1),
            leads=[organizations["IOM"]],
            focal=[ivo],
        )
        a2 = item(
            "A-2",
            "Service mapping",
            due_date=datetime.date(2024, 3, 20),
            leads=[organizations["UNHCR"]],
            focal=[dana],
        )
        b1 = item("B-1", "Data sharing protocol", leads=[organizations["ACTED"]], focal=[ada])
        b2 = item("B-2", "Information sharing protocol", leads=[drc])
        c1 = item("C-1", "Core group terms of reference", due_date=datetime.date(2024, 4, 30))
        c1.focal_points.set([nora, gus])
        d1 = item("D-1", "Feedback mechanism", status=Status.DROPPED)
    by = coordinator.user
    with at(2024, 3, 1, 10, 0):
        services.change_action_point(action_point=b1, by=by, status=Status.DONE)
    with at(2024, 3, 8, 10, 30):
        services.change_action_point(
            action_point=a1, by=by, status=Status.IN_PROGRESS, note=A1_NOTE
        )
    with at(2024, 3, 9, 16, 45):
        services.change_action_point(
            action_point=b2, by=by, status=Status.BLOCKED, note="Waiting for the IMWG."
        )
    # The coordinator's previous digest was made last week on Friday noon.
    DigestDelivery.objects.create(
        person=coordinator.person,
        kind=DigestDelivery.Kind.CORE_GROUP,
        period=datetime.date(2024, 3, 4),
        status=DigestDelivery.State.SENT,
        created_at=datetime.datetime(2024, 3, 8, 12, 0, tzinfo=TRIPOLI),
        sent_at=datetime.datetime(2024, 3, 8, 12, 1, tzinfo=TRIPOLI),
    )
    return SimpleNamespace(
        plan=plan,
        coordinator=coordinator.person,
        dana=dana,
        lea=lea,
        olga=olga,
        mo=mo,
        ivo=ivo,
        ada=ada,
        nora=nora,
        gus=gus,
        items={i.code: i for i in (a1, a2, b1, b2, c1, d1)},
    )
