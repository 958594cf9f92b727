"""What changed, grouped per item: one entry per item however many journal rows it had,
with its newest status, how many changes and the last note; comments count as changes."""

import pytest

from actions import comments, services
from actions.digests.email import compose
from actions.digests.snapshot import Snapshot
from actions.models import DigestKind, Status
from tests.actions.digests import scenario as s


@pytest.fixture
def scenario(plan, organizations, coordinator, partner_acted):
    data = s.build(plan=plan, organizations=organizations, coordinator=coordinator)
    b2 = data.items["B-2"]
    with s.at(2024, 3, 10, 9, 0):
        services.change_action_point(action_point=b2, by=coordinator.user, note="Chased IMWG.")
    with s.at(2024, 3, 10, 11, 0):
        comments.add_comment(
            action_point=b2, by=partner_acted.user, text="ACTED has a <draft> protocol."
        )
    with s.at(2024, 3, 11, 7, 0):
        yield data


def mail_for(person):
    snapshot = Snapshot.load(period=s.PERIOD, people=[person.pk])
    return compose(person=person, kind=DigestKind.CORE_GROUP, period=s.PERIOD, snapshot=snapshot)


def test_an_item_changed_three_times_is_one_entry_with_its_last_note(scenario):
    mail = mail_for(scenario.coordinator)
    changes = mail.text.split("What changed since 8 Mar 2024, 12:00\n")[1].split("\n\n")[0]
    entries = [line for line in changes.splitlines() if line.startswith("- ")]
    assert entries == [
        f"- B-2 Information sharing protocol ({Status.BLOCKED.label}): 3 changes; last: "
        "comment (Acted_partner Demo, 10 Mar 11:00)"
    ]
    assert '  "ACTED has a <draft> protocol."' in changes
    # Escaped in the HTML part.
    assert "ACTED has a &lt;draft&gt; protocol." in mail.html
    assert "<draft>" not in mail.html


def test_a_comment_alone_counts_as_changed(scenario, plan, coordinator, partner_acted):
    a2 = scenario.items["A-2"]
    with s.at(2024, 3, 10, 12, 0):
        comments.add_comment(action_point=a2, by=partner_acted.user, text="Can help.")
    changes = mail_for(scenario.coordinator).text.split("What changed since")[1]
    assert "- A-2 Service mapping (Not started): 1 change; last: comment" in changes
