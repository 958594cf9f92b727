"""Each person chooses their notices on /settings/, and one click in a notice stops them
all; who may post to those URLs."""

import pytest
from django.test import Client

from actions.notices.email import unsubscribe_token
from participants.models import Person
from tests.actions.conftest import html_of, section
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SWITCHES = ("notify_assignment", "notify_change", "notify_comment", "notify_due")


def switches(person) -> dict[str, bool]:
    return dict(Person.objects.filter(pk=person.pk).values(*SWITCHES).get())


def test_a_partner_turns_off_comment_notices_on_the_settings_page(partner_iom):
    page = html_of(partner_iom.get("/settings/"))
    form = section(page, "settings-notices")
    assert "Someone comments on one of my action points" in form
    assert form.count("checked") == 4
    response = partner_iom.post(
        "/settings/notices/", {"notify_assignment": "on", "notify_change": "on", "notify_due": "on"}
    )
    assert response.status_code == 302 and response.url == "/settings/#settings-notices"
    assert switches(partner_iom.person) == {
        "notify_assignment": True,
        "notify_change": True,
        "notify_comment": False,
        "notify_due": True,
    }
    page = html_of(partner_iom.get("/settings/"))
    assert "Your choice of notices is saved." in page
    assert section(page, "settings-notices").count("checked") == 3


def test_the_one_click_link_asks_on_get_and_stops_every_notice_on_post(anonymous, partner_iom):
    url = f"/notices/unsubscribe/{unsubscribe_token(partner_iom.person)}/"
    page = html_of(anonymous.get(url))
    assert "Stop sending instant notices to Iom_partner Demo?" in page
    assert all(switches(partner_iom.person).values())  # a link scanner's GET changes nothing
    response = anonymous.post(url, {"List-Unsubscribe": "One-Click"})
    assert "will no longer receive instant notices" in html_of(response)
    assert not any(switches(partner_iom.person).values())
    assert Person.objects.get(pk=partner_iom.person.pk).digest_enabled  # the digest stays


def test_a_tampered_link_changes_nothing(anonymous, partner_iom):
    token = unsubscribe_token(partner_iom.person)
    response = anonymous.post(f"/notices/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 400
    assert all(switches(partner_iom.person).values())


# --- Who may post the choices (see also tests/actions/test_permissions.py) -------------


@pytest.mark.parametrize("role", ["coordinator", "partner_iom", "partner_acted", "viewer"])
def test_every_role_with_a_person_saves_its_own_choices(request, role):
    client = request.getfixturevalue(role)
    assert client.post("/settings/notices/", {}).status_code == 302
    assert not any(switches(client.person).values())
    # A GET goes to the settings page.
    assert client.get("/settings/notices/")["Location"] == "/settings/"


def test_an_account_without_a_person_gets_403_and_nothing_changes(partner_iom):
    client = Client()
    client.force_login(UserFactory(username="stranger"))
    before = list(Person.objects.order_by("pk").values())
    assert client.post("/settings/notices/", {}).status_code == 403
    assert list(Person.objects.order_by("pk").values()) == before


def test_anonymous_is_sent_to_sign_in(anonymous, partner_iom):
    response = anonymous.post("/settings/notices/", {})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert all(switches(partner_iom.person).values())
