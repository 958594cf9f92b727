"""``load_demo``: the 2017 plan, one fictional account per role, sample progress; twice is
the same as once."""

import re

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from actions import services
from actions.models import ActionPoint, ActionUpdate, Status
from actions.permissions import Role, role_of
from participants.models import Membership, Person

ACCOUNT_LINE = re.compile(r"^\s+(coordinator|partner|viewer)\s+(\S+)\s+(\S+)\s+\((\S+)\)$")


def run_load_demo(capsys) -> tuple[str, dict[str, str]]:
    """Run the command; return its output and the printed password of each username."""
    call_command("load_demo")
    out = capsys.readouterr().out
    passwords = {m[2]: m[3] for m in map(ACCOUNT_LINE.match, out.splitlines()) if m}
    return out, passwords


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "people": Person.objects.count(),
        "memberships": Membership.objects.count(),
        "journal": ActionUpdate.objects.count(),
        "sample notes": ActionUpdate.objects.filter(note__startswith="[Sample data]").count(),
        "action points": ActionPoint.objects.count(),
    }


def sign_in(username: str, password: str) -> User | None:
    # django-axes needs the request that a sign-in comes with.
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username=username, password=password)


@pytest.fixture
def demo(db, capsys):
    return run_load_demo(capsys)


def test_demo_has_one_account_per_role_with_a_fictional_person(demo):
    _, passwords = demo
    assert set(passwords) == {"demo-coordinator", "demo-iom", "demo-acted", "demo-viewer"}
    roles = {name: role_of(User.objects.get(username=name)) for name in passwords}
    assert roles == {
        "demo-coordinator": Role.COORDINATOR,
        "demo-iom": Role.PARTNER,
        "demo-acted": Role.PARTNER,
        "demo-viewer": Role.VIEWER,
    }
    organisations = {
        name: User.objects.get(username=name).person.organization for name in passwords
    }
    assert {name: org.acronym for name, org in organisations.items()} == {
        "demo-coordinator": "UNHCR",
        "demo-iom": "IOM",
        "demo-acted": "ACTED",
        "demo-viewer": "DEMO",
    }
    assert organisations["demo-viewer"].name == "Demo Donor"
    assert organisations["demo-viewer"].kind == "donor"
    for name in passwords:
        person = User.objects.get(username=name).person
        assert person.first_name == "Demo"
        assert person.email == f"{name}@example.org"


def test_no_account_or_email_is_attached_to_a_real_person_of_the_report(demo):
    real = Person.objects.exclude(first_name="Demo")
    assert real.count() == 24
    assert not real.filter(user__isnull=False).exists()
    assert not real.exclude(email="").exists()


def test_printed_passwords_sign_in_and_change_at_every_run(demo, capsys):
    out, first = demo
    assert "Sign in at http://127.0.0.1:8000/accounts/login/" in out
    for username, password in first.items():
        assert sign_in(username, password).username == username
    _, second = run_load_demo(capsys)
    for username, password in second.items():
        assert password != first[username]
        assert sign_in(username, password).username == username
        assert sign_in(username, first[username]) is None


def test_coordinator_and_iom_partner_are_in_the_pwg_core_group(demo):
    core = Membership.objects.core_group("PWG")
    assert {(m.person.user.username, m.role) for m in core} == {
        ("demo-coordinator", Membership.Role.LEAD),
        ("demo-iom", Membership.Role.CORE),
    }


def test_running_twice_gives_the_same_counts(demo, capsys):
    before = counts()
    out, _ = run_load_demo(capsys)
    assert counts() == before
    assert "already up to date" in out
    assert before["action points"] == 35
    # 35 "created" entries from the import, one sample entry per sample item.
    assert before["journal"] == 35 + before["sample notes"]


def test_the_2017_plan_is_unchanged_by_the_demo(demo):
    assert ActionPoint.objects.count() == 35
    assert ActionPoint.objects.filter(parent__isnull=True).count() == 26
    leads = {
        item.code: {o.acronym for o in item.lead_organizations.all()}
        for item in ActionPoint.objects.prefetch_related("lead_organizations")
        if item.lead_organizations.all()
    }
    assert leads == {"A-5": {"UNHCR", "IOM"}, "B-7": {"IOM"}, "B-8": {"ACTED"}, "C-4": {"UNHCR"}}


def test_sample_progress_is_marked_and_shows_overdue_and_due_soon_items(demo):
    today = timezone.localdate()
    sample = ActionUpdate.objects.exclude(kind=ActionUpdate.Kind.CREATED)
    assert sample.count() >= 5
    assert all(entry.note.startswith("[Sample data] ") for entry in sample)
    items = ActionPoint.objects.all()
    assert items.overdue(today).count() >= 2
    assert items.due_soon(today).count() >= 2
    assert items.filter(status=Status.DONE).exists()
    assert items.filter(status=Status.BLOCKED).exists()
    iom = Person.objects.get(user__username="demo-iom")
    assert set(iom.focal_action_points.values_list("code", flat=True)) == {"A-5", "B-7"}
    assert sample.filter(author__username="demo-iom").exists()


def test_sample_progress_does_not_overwrite_real_work(db, capsys):
    call_command("import_plan", "actions/plans/libya-pim-2017.toml")
    item = ActionPoint.objects.get(code="C-4")
    services.change_action_point(action_point=item, by=None, status=Status.DONE, note="Done.")
    run_load_demo(capsys)
    item.refresh_from_db()
    assert item.status == Status.DONE
    assert item.due_date is None
    assert not item.updates.filter(note__startswith="[Sample data]").exists()
