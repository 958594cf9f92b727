"""The navigation is drawn once per process for each role, page and language (base.html's
cache): who sees it, where and in which language must still show."""

import re

from django.contrib.auth.models import Group, User
from django.test import Client

from tests.actions.conftest import html_of


def nav_of(client, path: str = "/") -> str:
    found = re.search(r'<nav class="site-nav".*?</nav>', html_of(client.get(path)), re.S)
    assert found, "no navigation on the page"
    return found.group(0)


def test_each_role_sees_its_own_links_whoever_came_first(coordinator, partner_iom, viewer):
    for _ in range(2):  # the second round is drawn from the cache
        assert 'href="/actions/new/"' in nav_of(coordinator)
        partner = nav_of(partner_iom)
        assert 'href="/actions/new/"' not in partner and 'href="/people/"' not in partner
        assert 'href="/my/"' in partner
        assert 'href="/actions/new/"' not in nav_of(viewer)


def test_the_current_page_is_marked_on_each_page(viewer):
    for _ in range(2):
        assert re.search(r'href="/actions/"\s*aria-current="page"', nav_of(viewer, "/actions/"))
        home = nav_of(viewer, "/")
        assert re.search(r'href="/"\s*aria-current="page"', home)
        assert not re.search(r'href="/actions/"\s*aria-current', home)


def test_the_language_of_the_page(viewer):
    assert "Action points" in nav_of(viewer)
    viewer.cookies["django_language"] = "ar"
    arabic = nav_of(viewer)
    assert "Action points" not in arabic and "نقاط العمل" in arabic
    viewer.cookies["django_language"] = "en"
    assert "Action points" in nav_of(viewer)


def test_a_coordinator_made_staff_gets_the_admin_link(coordinator):
    assert 'href="/admin/"' not in nav_of(coordinator)
    User.objects.filter(username="coordinator").update(is_staff=True)
    assert 'href="/admin/"' in nav_of(coordinator)


def test_my_items_only_for_an_account_linked_to_a_person(viewer, db):
    assert 'href="/my/"' in nav_of(viewer)
    unlinked = User.objects.create_user("unlinked-viewer")
    unlinked.groups.add(Group.objects.get_or_create(name="Viewers")[0])
    client = Client()
    client.force_login(unlinked)
    nav = nav_of(client)
    assert 'href="/my/"' not in nav and 'href="/actions/"' in nav
