"""The demo: the 2017 Libya plan, one fictional account per role, and sample progress.

``load_demo`` guarantees:

- The accounts and their people are fictional (``Demo …``, ``@example.org``): no account or
  e-mail is ever attached to a real person of the report.
- Idempotent: running it again creates no second person, membership or sample journal
  row; it only gives each demo account a new password, returned so that it can be shown.
- Sample progress goes through ``services.change_action_point`` (journaled), each note
  starts with ``[Sample data]``, and it is applied only to items nobody has touched:
  still without a due date and without a sample note. Real work is never overwritten.
"""

import datetime
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset as reset_lockouts
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from participants.models import Forum, Membership, Organization, Person
from participants.roles import COORDINATORS, VIEWERS

from . import services
from .models import ActionPlan, Status
from .plan_files.importing import ImportResult, import_plan

SHIPPED_PLAN = Path(__file__).resolve().parent / "plans" / "libya-pim-2017.toml"
SAMPLE_MARK = "[Sample data]"
CORE_GROUP_FORUM = "PWG"
DEMO_DONOR = {"acronym": "DEMO", "name": "Demo Donor", "kind": Organization.Kind.DONOR}


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    last_name: str  # the first name is always "Demo"
    organization: str
    group: str | None = None
    core_group_role: str | None = None
    is_staff: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@example.org"


ACCOUNTS = (
    # Coordinators work in the admin as well, where their group's permissions apply.
    DemoAccount(
        "coordinator", "demo-coordinator", "Coordinator", "UNHCR", COORDINATORS,
        Membership.Role.LEAD, is_staff=True,
    ),
    DemoAccount("partner", "demo-iom", "IOM Partner", "IOM", None, Membership.Role.CORE),
    DemoAccount("partner", "demo-acted", "ACTED Partner", "ACTED"),
    DemoAccount("viewer", "demo-viewer", "Viewer", DEMO_DONOR["acronym"], VIEWERS),
)  # fmt: skip


@dataclass(frozen=True)
class SampleProgress:
    code: str
    author: str  # username of a demo account
    status: str
    due_in_days: int  # from today: negative is overdue
    note: str
    focal_points: tuple[str, ...] = ()


SAMPLE_PROGRESS = (
    SampleProgress(
        "A-5", "demo-iom", Status.IN_PROGRESS, 10,
        "UNHCR and IOM compared their maritime incident figures for the last quarter; "
        "a joint template is being drafted.",
        focal_points=("demo-iom",),
    ),
    SampleProgress(
        "B-1", "demo-coordinator", Status.DONE, -20,
        "Shared repository reopened with one folder per area and a naming convention.",
    ),
    SampleProgress(
        "B-2", "demo-coordinator", Status.IN_PROGRESS, -2,
        "First draft of the information-sharing protocol circulated to partners.",
    ),
    SampleProgress(
        "B-7", "demo-iom", Status.IN_PROGRESS, -6,
        "Draft categories of returnees shared with the PWG for comments.",
        focal_points=("demo-iom",),
    ),
    SampleProgress(
        "B-8", "demo-acted", Status.BLOCKED, 5,
        "List of data points ready; waiting for agreement on the sharing protocol (B-2).",
    ),
    SampleProgress(
        "C-4", "demo-coordinator", Status.IN_PROGRESS, 7,
        "First monthly joint update drafted; a UNHCR staff member is assigned to it.",
    ),
    SampleProgress(
        "C-5", "demo-coordinator", Status.NOT_STARTED, -15,
        "Call for INGO co-lead candidates to go out at the next PWG meeting.",
    ),
    SampleProgress(
        "C-8.5", "demo-coordinator", Status.IN_PROGRESS, 12,
        "Service mapping template agreed; partners asked to send their data.",
    ),
)  # fmt: skip


@dataclass
class DemoResult:
    imported: ImportResult
    accounts: list[tuple[DemoAccount, str]]  # with the password set by this run
    sample_applied: list[str]  # codes of the items given sample progress by this run
    login_url: str


def load_demo(*, today: datetime.date | None = None) -> DemoResult:
    """Import the 2017 plan, set up the demo accounts and sample progress, atomically.

    Returns the new passwords, which exist nowhere else. See the module docstring for what
    is guaranteed.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        imported = import_plan(SHIPPED_PLAN)
        Organization.objects.update_or_create(acronym=DEMO_DONOR["acronym"], defaults=DEMO_DONOR)
        people, accounts = {}, []
        for account in ACCOUNTS:
            password = secrets.token_urlsafe(12)
            people[account.username] = _set_up_account(account, password)
            accounts.append((account, password))
        applied = _apply_sample_progress(imported.plan, people, today)
    # A fresh password is of no use to an account still locked by failed sign-ins.
    usernames = [account.username for account in ACCOUNTS]
    for username in AccessAttempt.objects.filter(username__in=usernames).values_list(
        "username", flat=True
    ):
        reset_lockouts(username=username)
    return DemoResult(
        imported=imported,
        accounts=accounts,
        sample_applied=applied,
        login_url=f"{settings.SITE_URL}/accounts/login/",
    )


def _set_up_account(account: DemoAccount, password: str) -> Person:
    """The account's user and fictional person, in its role's group and core group role."""
    user, _ = User.objects.get_or_create(username=account.username)
    user.first_name, user.last_name, user.email = "Demo", account.last_name, account.email
    user.is_active, user.is_staff, user.is_superuser = True, account.is_staff, False
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name=account.group) if account.group else [])

    organization = Organization.objects.get(acronym=account.organization)
    person = (
        Person.objects.filter(user=user).first()
        or Person.objects.filter(email__iexact=account.email).first()
        or Person(email=account.email)
    )
    person.first_name, person.last_name = "Demo", account.last_name
    person.organization, person.user = organization, user
    person.is_active, person.left_on = True, None
    person.save()

    if account.core_group_role:
        Membership.objects.get_or_create(
            person=person,
            forum=Forum.objects.get(acronym=CORE_GROUP_FORUM),
            role=account.core_group_role,
            end_date=None,
        )
    return person


def _apply_sample_progress(
    plan: ActionPlan, people: dict[str, Person], today: datetime.date
) -> list[str]:
    untouched = {
        item.code: item
        for item in plan.action_points.filter(
            code__in=[s.code for s in SAMPLE_PROGRESS],
            status=Status.NOT_STARTED,
            due_date__isnull=True,
            focal_points__isnull=True,
        ).exclude(updates__note__startswith=SAMPLE_MARK)
    }
    applied = []
    for sample in SAMPLE_PROGRESS:
        item = untouched.get(sample.code)
        if item is None:
            continue
        changes: dict[str, Any] = {
            "status": sample.status,
            "due_date": today + datetime.timedelta(days=sample.due_in_days),
        }
        if sample.focal_points:
            changes["focal_points"] = [people[u] for u in sample.focal_points]
        services.change_action_point(
            action_point=item,
            by=people[sample.author].user,
            expected_version=item.version,
            note=f"{SAMPLE_MARK} {sample.note}",
            **changes,
        )
        applied.append(sample.code)
    return applied
