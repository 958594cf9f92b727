"""Sending notices against a real SMTP server (aiosmtpd): one e-mail per person per run,
exactly once, at most every 15 minutes, with the digests' unsubscribe headers."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from actions import comments
from actions.models import NoticeDelivery
from actions.notices import delivery
from participants.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def send_notices() -> str:
    out = io.StringIO()
    call_command("send_notices", stdout=out)
    return out.getvalue()


def test_an_iom_comment_on_an_acted_item_reaches_acteds_contact_once(
    smtp, partner_iom, acted_contact, acted_item
):
    comments.add_comment(
        action_point=acted_item, by=partner_iom.user, text="IOM can share its <5Ws> template."
    )
    assert "1 e-mail(s) sent" in send_notices()
    assert "0 e-mail(s) sent" in send_notices()  # a second run sends nothing
    (message,) = smtp.inbox.messages
    assert str(message["To"]) == "Amal Contact <amal.contact@example.org>"
    assert message["Subject"].strip() == "B-8: comment by Iom_partner Demo"
    text = message.get_body(("plain",)).get_content()
    assert "- B-8 Share protection monitoring data points: comment by Iom_partner Demo" in text
    assert '"IOM can share its <5Ws> template."' in text
    assert f"/actions/{acted_item.pk}/" in text
    html = message.get_body(("html",)).get_content()
    assert "IOM can share its &lt;5Ws&gt; template." in html and "<5Ws>" not in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notices/unsubscribe/" in message["List-Unsubscribe"]
    row = NoticeDelivery.objects.get(person=acted_contact)
    assert (row.status, row.attempts, message["Message-ID"]) == ("sent", 1, row.message_id)


def test_several_notices_make_one_email_and_a_later_one_waits_15_minutes(
    smtp, partner_iom, coordinator, acted_contact, acted_item
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        comments.add_comment(action_point=acted_item, by=partner_iom.user, text="One.")
        comments.add_comment(action_point=acted_item, by=coordinator.user, text="Two.")
        send_notices()
        comments.add_comment(action_point=acted_item, by=partner_iom.user, text="Three.")
        send_notices()
    assert len(smtp.inbox.messages) == 1
    assert smtp.inbox.messages[0]["Subject"].strip() == "2 news about your action points"
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        send_notices()
        send_notices()
    assert len(smtp.inbox.messages) == 2
    assert '"Three."' in smtp.inbox.messages[1].get_body(("plain",)).get_content()


def test_a_delivery_is_claimed_once(smtp, partner_iom, acted_contact, acted_item):
    comments.add_comment(action_point=acted_item, by=partner_iom.user, text="One.")
    (pk,) = delivery.gather()
    assert delivery.claim(pk)
    assert not delivery.claim(pk)  # a second sender, a rerun, a duplicated task
    assert delivery.deliver(pk).outcome == "not claimed"
    assert smtp.inbox.messages == []


def test_with_the_server_down_the_notices_wait_for_the_next_run(
    settings, partner_iom, acted_contact, acted_item
):
    from tests.actions.digests.test_smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    comments.add_comment(action_point=acted_item, by=partner_iom.user, text="One.")
    assert delivery.send_notices() == []
    row = NoticeDelivery.objects.get(person=acted_contact)
    assert (row.status, row.attempts) == ("pending", 0)


def test_someone_who_left_gets_no_email(smtp, partner_iom, acted_contact, acted_item):
    comments.add_comment(action_point=acted_item, by=partner_iom.user, text="One.")
    Person.objects.filter(pk=acted_contact.pk).update(left_on=timezone.localdate())
    send_notices()
    assert smtp.inbox.messages == []
    row = NoticeDelivery.objects.get(person=acted_contact)
    assert (row.status, row.error) == ("skipped", "left their post")
