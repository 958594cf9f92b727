"""``manage.py send_digests``: the same work as the tasks, without a broker."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from actions.digests import delivery
from actions.models import DigestDelivery
from tests.actions.digests import scenario as s

from .test_delivery import EXPECTED, FlakyBackend, recipients_of_outbox


@pytest.fixture
def scenario(plan, organizations, coordinator, settings):
    settings.EMAIL_BACKEND = "tests.actions.digests.test_delivery.FlakyBackend"
    FlakyBackend.failure = None
    data = s.build(plan=plan, organizations=organizations, coordinator=coordinator)
    with s.at(2024, 3, 11, 7, 0) as traveller:
        data.traveller = traveller
        yield data
    FlakyBackend.failure = None


def send_digests(*args: str) -> str:
    out = io.StringIO()
    call_command("send_digests", *args, stdout=out)
    return out.getvalue()


def test_dry_run_lists_who_would_get_what_and_changes_nothing(scenario):
    out = send_digests("--dry-run")
    assert "Dry run for 2024-W11 (week of 11 Mar 2024): nothing is sent or recorded." in out
    lines = [line.split() for line in out.splitlines()[1:]]
    assert [(words[0], words[-1]) for words in lines] == [
        ("send", "<coordinator.demo@example.org>"),
        ("send", "<dana.core@example.org>"),
        ("send", "<ivo.focal@example.org>"),
        ("skip:", "(DRC)"),
    ]
    assert "core_group" in out and "partner" in out and "no e-mail address" in out
    assert mail.outbox == []
    assert not DigestDelivery.objects.filter(period=s.PERIOD).exists()


def test_dry_run_after_sending_says_there_is_nothing_to_do(scenario):
    send_digests()
    out = send_digests("--dry-run", "--week", s.WEEK)
    assert out.count("nothing to do: Sent") == 3


def test_running_twice_sends_one_digest_per_recipient(scenario):
    out = send_digests()
    assert "Digests for 2024-W11 (week of 11 Mar 2024): 4 to send." in out
    assert "3 sent, 1 skipped, 0 failed, 0 to retry, 0 taken elsewhere." in out
    out = send_digests("--week", s.WEEK)
    assert "0 to send" in out
    assert recipients_of_outbox() == EXPECTED


def test_with_the_server_down_nothing_is_marked_sent_and_the_next_run_delivers(scenario):
    FlakyBackend.failure = ConnectionRefusedError(111, "Connection refused")
    with pytest.raises(CommandError, match="4 digest"):
        send_digests()
    assert not DigestDelivery.objects.filter(status=DigestDelivery.State.SENT).exclude(
        period__lt=s.PERIOD
    )
    FlakyBackend.failure = None
    send_digests()  # within the minute: the batch's rows wait out the server's back-off
    assert recipients_of_outbox() == []
    scenario.traveller.shift(datetime.timedelta(seconds=delivery.RETRY_BACKOFF[0] + 1))
    send_digests()
    assert recipients_of_outbox() == EXPECTED


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2024-11", "Write the week as YYYY-Www"),
        ("2023-W53", "2023-W53 is not a week of that year."),
        ("2024-W12", "2024-W12 has not started yet."),
    ],
)
def test_a_bad_week_is_refused_with_a_clear_message(scenario, week, message):
    with pytest.raises(CommandError, match=message):
        send_digests("--week", week)
    assert not DigestDelivery.objects.filter(period__gte=s.PERIOD).exists()


def test_in_embedded_mode_the_emails_land_as_files_and_the_output_says_where(
    scenario, settings, tmp_path
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    out = send_digests()
    assert f"E-mails were written as files under {tmp_path / 'mail'}." in out
    written = "".join(f.read_text() for f in (tmp_path / "mail").iterdir())
    # Django's file backend ends every message with a line of 79 dashes; how many
    # files hold them depends on the backend's object ids, so count messages instead.
    assert written.count("\n" + "-" * 79 + "\n") == 3
    # The subject is not ASCII ("·", "—"): it is written encoded, as it is sent.
    assert "\nSubject: =?utf-8?" in written
    assert "Overdue\n- A-1 " in written
