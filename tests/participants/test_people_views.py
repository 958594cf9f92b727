"""People and access pages: only coordinators (without staff or superuser status) reach
them; everyone else gets 403 on every URL and nothing changes."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from actions.models import ActionUpdate, DigestDelivery
from participants import services
from participants.models import AccessChange, Person
from tests.factories import ActionPointFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

INVITE = {
    "first_name": "Omar",
    "last_name": "Salem",
    "email": "omar.salem@example.org",
    "organization": "iom",
    "role": "partner",
}


@pytest.fixture
def invited(coordinator, organizations):
    return services.invite_person(
        by=coordinator.user,
        first_name="Lina",
        last_name="Nasser",
        email="lina.nasser@example.org",
        organization=organizations["ACTED"],
        role="partner",
        send_email=False,
    )


def state_of_everything() -> dict:
    """What a refused request must leave exactly as it was."""
    return {
        "people": list(Person.objects.order_by("pk").values()),
        "accounts": list(
            User.objects.order_by("pk").values("pk", "is_active", "password", "username")
        ),
        "groups": sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        "access_changes": AccessChange.objects.count(),
        "journal": ActionUpdate.objects.count(),
    }


def every_people_url(person_pk: int) -> list[tuple[str, str, dict]]:
    return [
        ("get", "/people/", {}),
        ("get", "/people/?role=partner", {}),
        ("get", "/people/invite/", {}),
        ("post", "/people/invite/", INVITE),
        ("get", "/people/log/", {}),
        ("get", f"/people/{person_pk}/", {}),
        ("post", f"/people/{person_pk}/invite/", {"email": "x@example.org", "role": "viewer"}),
        ("post", f"/people/{person_pk}/role/", {"role": "coordinator"}),
        ("post", f"/people/{person_pk}/deactivate/", {}),
        ("post", f"/people/{person_pk}/reactivate/", {}),
        ("post", f"/people/{person_pk}/resend/", {}),
        ("post", f"/people/{person_pk}/cancel/", {}),
        ("get", f"/people/{person_pk}/leave/", {}),
        ("post", f"/people/{person_pk}/leave/", {"left_on": "2026-01-15"}),
        # Organisation contacts
        ("post", f"/people/{person_pk}/contact/", {"is_contact": "1"}),
    ]


@pytest.mark.parametrize("role", ["viewer", "partner_iom"])
def test_viewer_and_partner_get_403_on_every_people_url_and_nothing_changes(
    request, role, invited, partner_acted, mailoutbox, django_capture_on_commit_callbacks
):
    client = request.getfixturevalue(role)
    recorded = PersonFactory(first_name="Nour", last_name="Ali", email="")
    before = state_of_everything()
    for target in (invited, partner_acted.person, recorded):
        for method, url, data in every_people_url(target.pk):
            with django_capture_on_commit_callbacks(execute=True):
                response = getattr(client, method)(url, data)
            assert response.status_code == 403, (method, url, response.status_code)
            page = response.content.decode()
            assert "<h1>You cannot do this</h1>" in page
            assert "Lina" not in page and "lina.nasser" not in page
    assert state_of_everything() == before
    assert mailoutbox == []


def test_an_account_without_a_role_gets_the_no_role_page(invited):
    client = Client()
    client.force_login(UserFactory(username="newcomer"))
    for method, url, data in every_people_url(invited.pk):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403
        assert "Your account has no role yet" in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(anonymous, invited):
    before = state_of_everything()
    for method, url, data in every_people_url(invited.pk):
        response = getattr(anonymous, method)(url, data)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert state_of_everything() == before


def test_coordinator_is_neither_staff_nor_superuser(coordinator):
    assert not coordinator.user.is_staff and not coordinator.user.is_superuser
    assert '<a href="/people/"' in coordinator.get("/").content.decode()


def test_the_list_shows_everyone_with_role_and_invitation_state(
    coordinator, partner_iom, viewer, invited
):
    PersonFactory(first_name="Nour", last_name="Ali", email="")
    page = coordinator.get("/people/").content.decode()
    assert "5 people" in page
    for name in ("Coordinator Demo", "Iom_partner Demo", "Viewer Demo", "Lina Nasser", "Nour Ali"):
        assert name in page
    row = page.split("Lina Nasser</a>", 1)[1].split("</tr>", 1)[0]
    assert "ACTED" in row and "Partner" in row and "Invited, no password yet" in row
    row = page.split("Nour Ali</a>", 1)[1].split("</tr>", 1)[0]
    assert "No account" in row


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("organization=ACTED", ["Lina Nasser"], ["Iom_partner Demo", "Coordinator Demo"]),
        ("role=viewer", ["Viewer Demo"], ["Iom_partner Demo", "Coordinator Demo"]),
        ("role=coordinator", ["Coordinator Demo"], ["Viewer Demo", "Lina Nasser"]),
        ("role=partner", ["Iom_partner Demo", "Lina Nasser"], ["Viewer Demo"]),
        ("state=left", ["Gone Away"], ["Viewer Demo"]),
        ("state=active", ["Viewer Demo"], ["Gone Away"]),
    ],
)
def test_the_list_filters_by_organisation_role_and_state(
    coordinator, partner_iom, viewer, invited, query, shown, hidden
):
    PersonFactory(first_name="Gone", last_name="Away", left_on=datetime.date(2025, 5, 1))
    page = coordinator.get(f"/people/?{query}").content.decode()
    for name in shown:
        assert f">{name}</a>" in page, name
    for name in hidden:
        assert f">{name}</a>" not in page, name


def test_an_invalid_filter_is_explained_and_shows_nobody(coordinator, partner_iom):
    response = coordinator.get("/people/?role=king")
    assert response.status_code == 200
    page = response.content.decode()
    assert "These filters are not valid" in page
    assert "Iom_partner Demo" not in page


def test_the_list_runs_the_same_queries_for_many_people(coordinator, organizations):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert coordinator.get("/people/").status_code == 200
        return len(queries)

    few = count()
    for n in range(20):
        PersonFactory(
            organization=organizations["IOM"],
            user=UserFactory(username=f"many{n}", groups=["Viewers"] if n % 2 else []),
        )
    assert count() == few


def test_coordinator_invites_a_partner_who_is_e_mailed_a_link(
    coordinator, organizations, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post("/people/invite/", INVITE, follow=True)
    person = Person.objects.get(email="omar.salem@example.org")
    assert response.redirect_chain[-1][0] == f"/people/{person.pk}/"
    page = response.content.decode()
    assert "Omar Salem is invited" in page
    assert "Invited, no password yet" in page
    assert person.organization == organizations["IOM"]
    assert services.role_of_person(person) == "partner"
    [mail] = mailoutbox
    assert mail.to == ["omar.salem@example.org"]
    assert "http://127.0.0.1:8000/accounts/set-password/" in mail.body
    log = coordinator.get("/people/log/").content.decode()
    assert "Invited" in log and "Omar Salem (IOM)" in log and "Coordinator Demo" in log


def test_inviting_a_known_e_mail_is_a_clear_error_and_creates_nothing(
    coordinator, partner_iom, mailoutbox
):
    before = state_of_everything()
    data = dict(INVITE, email=partner_iom.person.email.upper())
    response = coordinator.post("/people/invite/", data)
    assert response.status_code == 200
    assert "is already in PIM Tracker" in response.content.decode()
    assert state_of_everything() == before
    assert mailoutbox == []


def test_inviting_into_an_unknown_organisation_is_refused(coordinator):
    response = coordinator.post("/people/invite/", dict(INVITE, organization="NOPE"))
    assert "No organisation has the acronym NOPE." in response.content.decode()
    assert not Person.objects.filter(email="omar.salem@example.org").exists()


def test_person_page_shows_their_items_and_deliveries(coordinator, plan, partner_iom):
    person = partner_iom.person
    ActionPointFactory(area=plan.areas.get(code="B"), code="B-7", focal=[person])
    DigestDelivery.objects.create(
        person=person, period=datetime.date(2026, 1, 5), kind="partner", status="sent"
    )
    page = coordinator.get(f"/people/{person.pk}/").content.decode()
    assert ">B-7</a>" in page
    assert "5 Jan 2026" in page
    assert person.email in page


def test_coordinator_changes_a_role_deactivates_and_reactivates(coordinator, partner_iom):
    person = partner_iom.person
    url = f"/people/{person.pk}/"
    page = coordinator.post(url + "role/", {"role": "viewer"}, follow=True).content.decode()
    assert "The role of Iom_partner Demo was changed." in page
    assert services.role_of_person(Person.objects.get(pk=person.pk)) == "viewer"

    page = coordinator.post(url + "deactivate/", follow=True).content.decode()
    assert "can no longer sign in" in page
    assert not User.objects.get(pk=partner_iom.user.pk).is_active
    # Their open session ends with it.
    assert partner_iom.get("/").status_code == 302

    coordinator.post(url + "reactivate/")
    assert User.objects.get(pk=partner_iom.user.pk).is_active
    kinds = list(AccessChange.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["role_changed", "deactivated", "reactivated"]


def test_a_refused_change_says_why_and_changes_nothing(coordinator):
    url = f"/people/{coordinator.person.pk}/"
    page = coordinator.post(url + "role/", {"role": "viewer"}, follow=True).content.decode()
    assert "You cannot change the role of yourself" in page
    assert services.role_of_person(coordinator.person) == "coordinator"
    assert not AccessChange.objects.exists()


def test_resend_and_cancel_an_invitation_from_the_page(
    coordinator, invited, mailoutbox, django_capture_on_commit_callbacks
):
    url = f"/people/{invited.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        page = coordinator.post(url + "resend/", follow=True).content.decode()
    assert "A new link was e-mailed to Lina Nasser" in page
    assert len(mailoutbox) == 1
    page = coordinator.post(url + "cancel/", follow=True).content.decode()
    assert "The invitation of Lina Nasser was cancelled" in page
    assert not User.objects.filter(username="lina.nasser@example.org").exists()


def test_hand_over_from_the_leave_page(coordinator, plan, partner_iom, partner_acted):
    leaver, successor = partner_iom.person, partner_acted.person
    items = [
        ActionPointFactory(area=plan.areas.get(code="C"), code=f"C-{n}", focal=[leaver])
        for n in (1, 2)
    ]
    url = f"/people/{leaver.pk}/leave/"
    form = coordinator.get(url).content.decode()
    assert ">C-1</a>" in form and ">C-2</a>" in form
    assert f'<option value="{successor.pk}">' in form
    assert f'<option value="{leaver.pk}">' not in form

    response = coordinator.post(
        url, {"left_on": "2026-01-15", "successor": successor.pk}, follow=True
    )
    assert "Iom_partner Demo has left; 2 item(s) handed over." in response.content.decode()
    for item in items:
        assert list(item.focal_points.all()) == [successor]
        assert item.updates.filter(kind="reassignment", author=coordinator.user).count() == 1
    leaver.refresh_from_db()
    assert leaver.left_on == datetime.date(2026, 1, 15)
    log = coordinator.get("/people/log/").content.decode()
    assert "2 item(s) handed over to Acted_partner Demo" in log


def test_a_leave_form_without_a_date_changes_nothing(coordinator, partner_iom):
    before = state_of_everything()
    response = coordinator.post(f"/people/{partner_iom.person.pk}/leave/", {"left_on": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert state_of_everything() == before


def test_an_unknown_person_is_404_for_a_coordinator(coordinator):
    assert coordinator.get("/people/999999/").status_code == 404
    assert coordinator.post("/people/999999/deactivate/").status_code == 404


def test_someone_recorded_without_an_account_is_given_one_from_their_page(
    coordinator, plan, organizations, mailoutbox, django_capture_on_commit_callbacks
):
    nour = PersonFactory(
        first_name="Nour", last_name="Ali", email="", organization=organizations["IOM"]
    )
    item = ActionPointFactory(area=plan.areas.get(code="A"), code="A-1", focal=[nour])
    page = coordinator.get(f"/people/{nour.pk}/").content.decode()
    assert 'id="give-access-form"' in page

    with django_capture_on_commit_callbacks(execute=True):
        page = coordinator.post(
            f"/people/{nour.pk}/invite/",
            {"email": "Nour.Ali@example.org", "role": "partner"},
            follow=True,
        ).content.decode()
    assert "Nour Ali is invited" in page
    nour.refresh_from_db()
    assert nour.email == "nour.ali@example.org"
    assert services.invitation_state(nour) == "invited"
    assert services.role_of_person(nour) == "partner"
    assert list(item.focal_points.all()) == [nour]
    [mail] = mailoutbox
    assert mail.to == ["nour.ali@example.org"]


def test_giving_access_with_someone_elses_e_mail_changes_nothing(coordinator, partner_iom):
    nour = PersonFactory(first_name="Nour", last_name="Ali", email="")
    before = state_of_everything()
    page = coordinator.post(
        f"/people/{nour.pk}/invite/",
        {"email": partner_iom.person.email, "role": "partner"},
        follow=True,
    ).content.decode()
    assert "is already in PIM Tracker" in page
    assert state_of_everything() == before
