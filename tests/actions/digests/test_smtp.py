"""Digests against a real SMTP server: aiosmtpd on loopback, on a free port.

EMAIL_URL is parsed by the settings' own helper, as in production; delivered messages are
parsed back and checked.
"""

import asyncio
import datetime
import email
import email.policy
import io
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command

from actions.digests import delivery
from actions.models import DigestDelivery
from participants.models import Person
from pimtracker.settings import _email_settings
from tests.actions.digests import scenario as s

pytestmark = pytest.mark.services


class Inbox:
    """An aiosmtpd handler that keeps what it receives and counts SMTP sessions."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[list[str]] = []
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(list(envelope.rcpt_tos))
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"

    @property
    def to(self) -> list[str]:
        return sorted(str(m["To"]) for m in self.messages)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server():
    """A server on a free port, not started: tests start it (or leave it down)."""
    server = SMTPServer()
    yield server
    server.stop()


@pytest.fixture
def scenario(plan, organizations, coordinator, settings, smtp_server):
    for name, value in _email_settings(f"smtp://127.0.0.1:{smtp_server.port}").items():
        setattr(settings, name, value)
    settings.EMAIL_TIMEOUT = 5
    data = s.build(plan=plan, organizations=organizations, coordinator=coordinator)
    with s.at(2024, 3, 11, 7, 0) as traveller:
        data.traveller = traveller
        yield data


def send_digests() -> str:
    out = io.StringIO()
    call_command("send_digests", stdout=out)
    return out.getvalue()


EXPECTED = [
    "Coordinator Demo <coordinator.demo@example.org>",
    "Dana Core <dana.core@example.org>",
    "Ivo Focal <ivo.focal@example.org>",
]


def test_send_digests_twice_delivers_one_digest_per_recipient(scenario, smtp_server):
    smtp_server.start()
    send_digests()
    send_digests()
    inbox = smtp_server.inbox
    assert inbox.to == EXPECTED
    assert sorted(rcpt for envelope in inbox.envelopes for rcpt in envelope) == [
        "coordinator.demo@example.org",
        "dana.core@example.org",
        "ivo.focal@example.org",
    ]
    # One connection for the batch of three, and none for the second run.
    assert inbox.sessions == 1


def test_delivered_message_is_a_complete_digest(scenario, smtp_server):
    smtp_server.start()
    send_digests()
    message = next(m for m in smtp_server.inbox.messages if "Ivo" in str(m["To"]))
    assert message["Subject"] == "1 overdue — Test action plan"
    assert message["From"] == "PIM Tracker <pimtracker@localhost>"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"- A-1 {s.A1_TITLE} (In progress; lead: IOM; focal points: Ivo Focal)" in text
    assert "&lt;b&gt;partners&lt;/b&gt;" in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Folded onto its own line (it is long): the value is the same.
    assert (
        message["List-Unsubscribe"]
        .strip()
        .startswith("<http://127.0.0.1:8000/digests/unsubscribe/")
    )
    delivery = DigestDelivery.objects.get(person=scenario.ivo, period=s.PERIOD)
    assert message["Message-ID"] == delivery.message_id
    # Monday 07:00 in Tripoli (UTC+2), dated with the site's offset.
    assert message["Date"].endswith("+0200")
    assert message["Date"].datetime.hour == 7


def test_smtp_down_then_up_delivers_exactly_once(scenario, smtp_server):
    with pytest.raises(CommandError):
        send_digests()  # nothing listens on the port
    rows = DigestDelivery.objects.filter(period=s.PERIOD)
    assert not rows.filter(status=DigestDelivery.State.SENT).exists()
    failed = rows.get(attempts=1)
    assert failed.status == DigestDelivery.State.PENDING
    assert "Connection refused" in failed.error

    smtp_server.start()
    send_digests()  # within the minute: the batch's rows wait out the server's back-off
    assert smtp_server.inbox.to == []
    scenario.traveller.shift(datetime.timedelta(seconds=delivery.RETRY_BACKOFF[0] + 1))
    send_digests()
    assert smtp_server.inbox.to == EXPECTED
    assert rows.filter(status=DigestDelivery.State.SENT).count() == 3


def test_a_recipient_refused_by_the_server_fails_and_the_others_are_delivered(
    scenario, smtp_server
):
    class Refusing(Inbox):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.startswith("dana"):
                return "550 5.1.1 No such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    smtp_server.inbox = Refusing()
    smtp_server.start()
    send_digests()
    assert smtp_server.inbox.to == [EXPECTED[0], EXPECTED[2]]
    refused = DigestDelivery.objects.get(person=scenario.dana, period=s.PERIOD)
    assert refused.status == DigestDelivery.State.FAILED
    assert "550" in refused.error


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://user:p%40ss@mail.example.org:587/?tls=True",
            {
                "EMAIL_BACKEND": "pimtracker.mail.EmailBackend",
                "EMAIL_HOST": "mail.example.org",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "user",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_TLS": True,
            },
        ),
        ("smtp://127.0.0.1:2525", {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": 2525}),
        ("smtp+ssl://u:p@mail.example.org:465", {"EMAIL_USE_SSL": True, "EMAIL_PORT": 465}),
        ("console:", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        (
            "file:///srv/pimtracker/var/mail",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": "/srv/pimtracker/var/mail",
            },
        ),
    ],
)
def test_email_url_examples_are_understood(url, expected):
    config = _email_settings(url)
    assert {k: config.get(k) for k in expected} == expected


def test_a_recipient_whose_name_breaks_the_header_fails_alone(scenario, smtp_server):
    # A line break pasted into a name: the e-mail's To header cannot carry it.
    Person.objects.filter(pk=scenario.dana.pk).update(last_name="Core\nBcc: someone@example.org")
    smtp_server.start()
    send_digests()
    assert smtp_server.inbox.to == [EXPECTED[0], EXPECTED[2]]
    broken = DigestDelivery.objects.get(person=scenario.dana, period=s.PERIOD)
    assert broken.status == DigestDelivery.State.FAILED
    assert "cannot be used in an e-mail" in broken.error
    assert all("someone@example.org" not in envelope for envelope in smtp_server.inbox.envelopes)


class StoresThenHangsUp(Inbox):
    """Keeps every message, but for the named person's drops the connection instead of
    answering "250": the message is stored, and the sender never learns it."""

    def __init__(self, victim: str) -> None:
        super().__init__()
        self.victim = victim

    async def handle_DATA(self, server, session, envelope):
        await super().handle_DATA(server, session, envelope)
        if any(rcpt.startswith(self.victim) for rcpt in envelope.rcpt_tos):
            server.transport.close()
            return "250 never heard"
        return "250 Message accepted for delivery"


def test_a_lost_reply_after_the_message_is_maybe_sent_and_never_sent_twice(scenario, smtp_server):
    smtp_server.inbox = StoresThenHangsUp("dana")
    smtp_server.start()
    send_digests()
    send_digests()  # a second run, as the sweeper or a second trigger would
    assert smtp_server.inbox.to == EXPECTED  # Dana's is there, once, and the others too
    row = DigestDelivery.objects.get(person=scenario.dana, period=s.PERIOD)
    assert row.status == DigestDelivery.State.UNCERTAIN
    assert "may have been delivered" in row.error
    sent = DigestDelivery.objects.filter(period=s.PERIOD, status=DigestDelivery.State.SENT)
    assert sent.count() == 2


class AnswersLate(Inbox):
    """Keeps every message and answers Dana's later than the sender waits."""

    async def handle_DATA(self, server, session, envelope):
        await super().handle_DATA(server, session, envelope)
        if any(rcpt.startswith("dana") for rcpt in envelope.rcpt_tos):
            await asyncio.sleep(2)
        return "250 Message accepted for delivery"


def test_a_reply_later_than_the_timeout_is_maybe_sent_too(scenario, smtp_server, settings):
    settings.EMAIL_TIMEOUT = 1
    smtp_server.inbox = AnswersLate()
    smtp_server.start()
    send_digests()
    send_digests()
    assert smtp_server.inbox.to == EXPECTED
    row = DigestDelivery.objects.get(person=scenario.dana, period=s.PERIOD)
    assert row.status == DigestDelivery.State.UNCERTAIN
