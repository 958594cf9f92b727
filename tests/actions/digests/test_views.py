"""Digest pages: preview and delivery log (coordinators), one-click unsubscribe, settings."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from actions.digests import delivery, email, snapshot
from actions.digests.email import UNSUBSCRIBE_MAX_AGE, unsubscribe_token
from actions.digests.weeks import week_label
from actions.models import DigestDelivery
from participants.models import Person
from tests.actions.digests import scenario as s
from tests.factories import UserFactory


@pytest.fixture
def scenario(plan, organizations, coordinator):
    data = s.build(plan=plan, organizations=organizations, coordinator=coordinator)
    with s.at(2024, 3, 11, 7, 0) as traveller:
        data.traveller = traveller
        yield data


def preview_url(person, week=s.WEEK) -> str:
    return f"{reverse('digest_preview')}?person={person.pk}&week={week}"


def digest_enabled(person) -> bool:
    return Person.objects.get(pk=person.pk).digest_enabled


# --- Preview --------------------------------------------------------------------------------
def test_coordinator_previews_exactly_the_email_a_person_would_get(scenario, coordinator):
    response = coordinator.get(preview_url(scenario.ivo))
    assert response.status_code == 200
    loaded = snapshot.Snapshot.load(period=s.PERIOD, people=[scenario.ivo.pk])
    expected = email.compose(person=scenario.ivo, kind="partner", period=s.PERIOD, snapshot=loaded)
    page = response.content.decode()
    assert "1 overdue — Test action plan" in page
    assert response.context["preview"].composed.text == expected.text
    assert "10 days overdue" in page
    assert 'src="/digests/preview/email/?person=' in page


def test_the_framed_html_is_the_emails_with_its_own_styles_allowed(scenario, coordinator):
    response = coordinator.get(
        reverse("digest_preview_html") + f"?person={scenario.dana.pk}&week={s.WEEK}"
    )
    assert response.status_code == 200
    assert response.content.decode().startswith("<!doctype html>")
    assert "Weekly digest" not in response.content.decode()[:20]
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_preview_says_why_someone_would_get_nothing(scenario, coordinator):
    response = coordinator.get(preview_url(scenario.mo))
    assert "This person would get nothing this week" in response.content.decode()
    assert response.context["preview"].composed is None
    response = coordinator.get(preview_url(scenario.nora))
    assert "no e-mail address" in response.content.decode()


def test_preview_with_a_bad_week_shows_the_forms_message(scenario, coordinator):
    response = coordinator.get(preview_url(scenario.ivo, week="2024-99"))
    assert response.status_code == 200
    assert "Write the week as YYYY-Www" in response.content.decode()
    assert response.context["preview"] is None


def test_preview_without_parameters_offers_this_week(scenario, coordinator):
    response = coordinator.get(reverse("digest_preview"))
    assert response.status_code == 200
    assert 'value="2024-W11"' in response.content.decode()


@pytest.mark.parametrize("url_name", ["digest_preview", "digest_preview_html", "digest_log"])
def test_partners_and_viewers_cannot_see_digest_pages(scenario, partner_iom, viewer, url_name):
    url = reverse(url_name) + f"?person={scenario.dana.pk}&week={s.WEEK}"
    assert partner_iom.get(url).status_code == 403
    assert viewer.get(url).status_code == 403


def test_anonymous_is_sent_to_sign_in_for_the_preview(scenario, anonymous):
    response = anonymous.get(preview_url(scenario.ivo))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Delivery log ----------------------------------------------------------------------------
def test_coordinator_sees_who_got_what_and_what_failed(scenario, coordinator, settings):
    delivery.prepare_week(s.PERIOD)
    DigestDelivery.objects.filter(person=scenario.dana).update(
        status=DigestDelivery.State.FAILED, attempts=5, error="SMTPDataError: (451, b'busy')"
    )
    delivery.deliver_batch(delivery.prepare_week(s.PERIOD), period=s.PERIOD)
    response = coordinator.get(reverse("digest_log") + f"?week={s.WEEK}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Digest deliveries, 2024-W11" in page
    assert "SMTPDataError: (451, b&#x27;busy&#x27;)" in page
    assert "no e-mail address" in page
    assert "11 Mar 2024 07:00" in page  # sent, in site time
    counts = dict(response.context["counts"])
    assert (counts["Sent"], counts["Failed"], counts["Skipped"]) == (2, 1, 1)


def test_delivery_log_runs_a_fixed_number_of_queries(
    scenario, coordinator, django_assert_num_queries
):
    delivery.deliver_batch(delivery.prepare_week(s.PERIOD), period=s.PERIOD)
    url = reverse("digest_log") + f"?week={s.WEEK}"
    coordinator.get(url)  # warm the session and role caches
    # session, user with its role groups and person (navigation), recent weeks, counts per
    # status, the number of rows (for the pages), one page of deliveries with their people
    # and organisations
    with django_assert_num_queries(6):
        coordinator.get(url)


def test_the_delivery_log_comes_a_page_at_a_time(scenario, coordinator, monkeypatch):
    monkeypatch.setattr("actions.digests.views.LOG_PAGE_SIZE", 3)
    delivery.deliver_batch(delivery.prepare_week(s.PERIOD), period=s.PERIOD)
    url = reverse("digest_log") + f"?week={s.WEEK}"
    first = coordinator.get(url).content.decode()
    second = coordinator.get(url + "&page=2").content.decode()
    rows = re.compile(r'<tr class="delivery-')
    assert (len(rows.findall(first)), len(rows.findall(second))) == (3, 1)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert len(rows.findall(coordinator.get(url + "&page=99").content.decode())) == 1


# --- Unsubscribe ----------------------------------------------------------------------------
def unsubscribe_url(person) -> str:
    return reverse("digest_unsubscribe", args=[unsubscribe_token(person)])


def test_link_in_the_email_unsubscribes_in_one_click_without_signing_in(scenario, settings):
    delivery.deliver_batch(delivery.prepare_week(s.PERIOD), period=s.PERIOD)
    message = next(m for m in mail.outbox if "Ivo" in m.to[0])
    link = re.fullmatch(r"<(.+)>", message.extra_headers["List-Unsubscribe"])[1]
    assert link.startswith(settings.SITE_URL)
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", with no cookie or token.
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        link.removeprefix(settings.SITE_URL),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not digest_enabled(scenario.ivo)


def test_opening_the_link_only_asks_to_confirm(scenario, anonymous):
    response = anonymous.get(unsubscribe_url(scenario.ivo))
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert digest_enabled(scenario.ivo)  # a link scanner's GET changes nothing


def test_a_tampered_link_changes_nothing(scenario, anonymous):
    token = unsubscribe_token(scenario.ivo)
    forged = f"{scenario.dana.pk}:{token.split(':', 1)[1]}"
    for bad in (forged, token[:-2] + "xx", "nonsense"):
        url = reverse("digest_unsubscribe", args=[bad])
        assert anonymous.post(url).status_code == 400
        assert "not valid" in anonymous.get(url).content.decode()
    assert digest_enabled(scenario.ivo) and digest_enabled(scenario.dana)


def test_an_expired_link_changes_nothing(scenario, anonymous):
    url = unsubscribe_url(scenario.ivo)
    scenario.traveller.shift(UNSUBSCRIBE_MAX_AGE + datetime.timedelta(minutes=1))
    response = anonymous.post(url)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert digest_enabled(scenario.ivo)


def test_a_link_still_works_just_before_it_expires(scenario, anonymous):
    url = unsubscribe_url(scenario.ivo)
    scenario.traveller.shift(UNSUBSCRIBE_MAX_AGE - datetime.timedelta(minutes=1))
    assert anonymous.post(url).status_code == 200
    assert not digest_enabled(scenario.ivo)


def test_unsubscribed_person_gets_no_digest_next_week(scenario, anonymous):
    anonymous.post(unsubscribe_url(scenario.ivo))
    with time_machine.travel(s.NOW + datetime.timedelta(days=7), tick=False):
        period = s.PERIOD + datetime.timedelta(days=7)
        delivery.deliver_batch(delivery.prepare_week(period), period=period)
    assert not [m for m in mail.outbox if "Ivo" in m.to[0]]


# --- Notification settings -------------------------------------------------------------------
def test_signed_in_person_turns_the_digest_back_on(scenario, partner_iom):
    person = partner_iom.person
    Person.objects.filter(pk=person.pk).update(digest_enabled=False)
    url = reverse("notification_settings")
    assert not partner_iom.get(url).context["form"]["digest_enabled"].value()
    response = partner_iom.post(url, {"digest_enabled": "on"}, follow=True)
    assert "You will receive the weekly digest." in response.content.decode()
    assert digest_enabled(person)
    partner_iom.post(url, {})
    assert not digest_enabled(person)


def test_settings_need_signing_in(anonymous, db):
    response = anonymous.post(reverse("notification_settings"), {"digest_enabled": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_account_without_a_person_is_told_so(db):
    client = Client()
    client.force_login(UserFactory(username="lonely"))
    response = client.get(reverse("notification_settings"))
    assert "not linked to a person" in response.content.decode()


def uncertain_row(scenario) -> DigestDelivery:
    row = DigestDelivery.objects.create(
        person=scenario.dana, kind="core_group", period=s.PERIOD, attempts=1
    )
    DigestDelivery.objects.filter(pk=row.pk).update(
        status=DigestDelivery.State.UNCERTAIN, error="reply lost"
    )
    return row


def test_a_coordinator_sends_again_a_digest_that_may_not_have_arrived(
    coordinator, scenario, django_capture_on_commit_callbacks, eager
):
    row = uncertain_row(scenario)
    log = coordinator.get(f"/digests/?week={week_label(s.PERIOD)}").content.decode()
    assert "Maybe sent" in log and f"/digests/{row.pk}/resend/" in log
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(f"/digests/{row.pk}/resend/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == DigestDelivery.State.SENT  # the task ran in-process (eager)
    assert [m.to for m in mail.outbox] == [["Dana Core <dana.core@example.org>"]]
    # A second click finds nothing waiting for a decision, and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(f"/digests/{row.pk}/resend/")
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("role", ["partner_iom", "viewer", "anonymous"])
def test_only_coordinators_may_send_a_digest_again(request, scenario, role):
    row = uncertain_row(scenario)
    response = request.getfixturevalue(role).post(f"/digests/{row.pk}/resend/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
    row.refresh_from_db()
    assert row.status == DigestDelivery.State.UNCERTAIN
    assert mail.outbox == []
