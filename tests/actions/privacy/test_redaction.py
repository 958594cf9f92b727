"""Redacting a journal note, flagged notes kept out of digests, and what the journal's
triggers still allow: exactly a redaction, on SQLite and PostgreSQL alike."""

import contextlib

import pytest
from django.db import IntegrityError, connection, transaction

from actions import services
from actions.digests.email import compose
from actions.digests.snapshot import Snapshot
from actions.models import ActionUpdate, DigestKind
from actions.privacy.redaction import REDACTED_NOTE
from tests.actions.digests import scenario as s
from tests.factories import ActionPointFactory

PHONE = "+218 91 234 5678"
IMMUTABLE = "journal entries are immutable"
TABLE = ActionUpdate._meta.db_table


@contextlib.contextmanager
def refused():
    with pytest.raises(IntegrityError, match=IMMUTABLE), transaction.atomic():
        yield


@pytest.fixture
def entry(plan, partner_iom):
    item = ActionPointFactory(area=plan.areas.get(code="B"), code="B-8")
    return services.change_action_point(
        action_point=item, by=partner_iom.user, note=f"Call Amal on {PHONE}", pii_confirmed=True
    )


def _redact_url(entry) -> str:
    return f"/actions/{entry.action_point_id}/journal/{entry.pk}/redact/"


def test_a_coordinator_redacts_a_note_and_the_journal_keeps_the_record(entry, coordinator):
    page = coordinator.get(f"/actions/{entry.action_point_id}/").content.decode()
    assert "Redact this note" in page
    response = coordinator.post(_redact_url(entry), {"reason": "A phone number of a person"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.note == REDACTED_NOTE
    assert (entry.redacted_by_name, entry.redaction_reason) == (
        "Coordinator Demo",
        "A phone number of a person",
    )
    assert entry.redacted_at is not None
    page = coordinator.get(f"/actions/{entry.action_point_id}/").content.decode()
    assert PHONE not in page
    assert "Note redacted by Coordinator Demo on" in page
    assert "Reason: A phone number of a person" in page


def test_a_redaction_needs_a_reason_and_happens_once(entry, coordinator):
    coordinator.post(_redact_url(entry), {"reason": "  "})
    entry.refresh_from_db()
    assert entry.note.startswith("Call Amal") and entry.redacted_at is None
    coordinator.post(_redact_url(entry), {"reason": "First"})
    coordinator.post(_redact_url(entry), {"reason": "Second"})
    entry.refresh_from_db()
    assert entry.redaction_reason == "First"


def test_partners_and_viewers_are_not_offered_a_redaction(entry, partner_iom, viewer):
    for client in (partner_iom, viewer):
        page = client.get(f"/actions/{entry.action_point_id}/").content.decode()
        assert "Redact this note" not in page


def test_the_api_shows_a_redacted_note_as_redacted(entry, coordinator):
    coordinator.post(_redact_url(entry), {"reason": "Phone number"})
    data = coordinator.get(f"/api/actions/{entry.action_point_id}/").json()
    latest = data["journal"][0]
    assert (latest["note"], latest["redacted"], latest["pii_confirmed"]) == (
        REDACTED_NOTE,
        True,
        True,
    )


# --- Digests --------------------------------------------------------------------------
@pytest.fixture
def scenario(plan, organizations, coordinator):
    data = s.build(plan=plan, organizations=organizations, coordinator=coordinator)
    with s.at(2024, 3, 10, 9, 0):
        services.change_action_point(
            action_point=data.items["B-2"],
            by=coordinator.user,
            note=f"Ring Amal on {PHONE} about the protocol.",
            pii_confirmed=True,
        )
    with s.at(2024, 3, 11, 7, 0):
        yield data


def test_a_confirmed_note_never_reaches_a_digest(scenario):
    snapshot = Snapshot.load(period=s.PERIOD, people=[scenario.coordinator.pk])
    mail = compose(
        person=scenario.coordinator, kind=DigestKind.CORE_GROUP, period=s.PERIOD, snapshot=snapshot
    )
    for body in (mail.text, mail.html):
        assert PHONE not in body
        assert "Ring Amal" not in body
        assert "note withheld" in body
    # B-2's entry in "What changed" still counts both changes; only the note is withheld
    # (other items' notes travel: tests/actions/digests/test_content.py).
    assert "B-2 Information sharing protocol (Blocked): 2 changes" in mail.text


# --- The triggers, with raw SQL ---------------------------------------------------------
def test_raw_sql_may_redact_a_note_and_nothing_more(entry):
    with connection.cursor() as cursor:
        with refused():  # a redaction that also changes the status after
            cursor.execute(
                f"UPDATE {TABLE} SET note = %s, redacted_at = %s, redacted_by_name = 'A', "  # noqa: S608
                "redaction_reason = 'why', status_after = 'done' WHERE id = %s",
                [REDACTED_NOTE, entry.created_at, entry.pk],
            )
        with refused():  # another text in place of the note
            cursor.execute(
                f"UPDATE {TABLE} SET note = 'Forged.', redacted_at = %s, "  # noqa: S608
                "redacted_by_name = 'A', redaction_reason = 'why' WHERE id = %s",
                [entry.created_at, entry.pk],
            )
        with refused():  # no record of who and why
            cursor.execute(
                f"UPDATE {TABLE} SET note = %s, redacted_at = %s WHERE id = %s",  # noqa: S608
                [REDACTED_NOTE, entry.created_at, entry.pk],
            )
        with refused():  # confirming after the fact
            cursor.execute(
                f"UPDATE {TABLE} SET pii_confirmed = %s WHERE id = %s",  # noqa: S608
                [False, entry.pk],
            )
        cursor.execute(
            f"UPDATE {TABLE} SET note = %s, redacted_at = %s, redacted_by_name = 'A', "  # noqa: S608
            "redaction_reason = 'why' WHERE id = %s",
            [REDACTED_NOTE, entry.created_at, entry.pk],
        )
        with refused():  # a redaction is not undone or rewritten
            cursor.execute(
                f"UPDATE {TABLE} SET redaction_reason = 'other' WHERE id = %s",  # noqa: S608
                [entry.pk],
            )
        with refused():
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])  # noqa: S608
    entry.refresh_from_db()
    assert (entry.note, entry.redaction_reason, entry.status_after) == (
        REDACTED_NOTE,
        "why",
        "not_started",
    )
