"""The update link as it arrives: a digest sent through a real SMTP server (aiosmtpd)
carries, for each of the recipient's items, a link that works without a password."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from actions.models import ActionUpdate, Status, UpdateVia
from tests.actions.digests.test_smtp import scenario, send_digests, smtp_server  # noqa: F401

pytestmark = pytest.mark.services


def test_the_link_in_a_delivered_digest_updates_the_item(scenario, smtp_server, settings):  # noqa: F811
    cache.clear()
    smtp_server.start()
    send_digests()
    message = next(m for m in smtp_server.inbox.messages if "Ivo" in str(m["To"]))
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    links = re.findall(r"Update it without signing in: (\S+)", text)
    assert links, text
    assert all(f'href="{link}"' in html for link in links)
    link = links[0].removeprefix(settings.SITE_URL)

    page = Client().get(link)
    assert page.status_code == 200
    item = page.context["item"]
    assert scenario.ivo in item.focal_points.all()
    response = Client().post(
        link, {"status": Status.BLOCKED, "note": "Waiting for IOM's list.", "version": item.version}
    )
    assert response.status_code == 302
    entry = ActionUpdate.objects.filter(action_point=item).latest()
    assert (entry.author_name, entry.via, entry.status_after) == (
        "Ivo Focal",
        UpdateVia.EMAIL_LINK,
        Status.BLOCKED,
    )
