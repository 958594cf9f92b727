"""A notice never carries a note that looked like personal data: its writer confirmed it,
the journal keeps it, the e-mail says it was withheld (as digests do)."""

import io

import pytest
from django.core.management import call_command

from actions import comments

pytestmark = [pytest.mark.django_db, pytest.mark.services]

PHONE = "+218 91 234 5678"


def test_a_confirmed_comment_is_withheld_from_the_notice(
    smtp, partner_iom, acted_contact, acted_item
):
    comments.add_comment(
        action_point=acted_item,
        by=partner_iom.user,
        text=f"Call the Sabha office on {PHONE}.",
        pii_confirmed=True,
    )
    out = io.StringIO()
    call_command("send_notices", stdout=out)
    assert "1 e-mail(s) sent" in out.getvalue()
    (message,) = smtp.inbox.messages
    for part in ("plain", "html"):
        body = message.get_body((part,)).get_content()
        assert "note withheld: it may hold personal data" in body
        assert "234 5678" not in body
