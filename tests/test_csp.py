"""A strict Content-Security-Policy, and pages that need nothing inline to work under it.

The policy forbids inline scripts and styles; a page that relied on them would break
silently in the browser. So every main page is checked twice: the header is there and
strict, and the HTML has no inline ``<script>`` content, ``<style>`` element, ``style=""``
attribute, ``on…=`` event handler or ``javascript:`` link.
"""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ActionPointFactory

UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*")


class InlineCodeFinder(HTMLParser):
    """Collects every piece of inline script or style in a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._open_inline: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            if not attributes.get("src"):
                self._open_inline = "<script> without src"
        elif tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            elif name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            elif name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_data(self, data: str) -> None:
        if self._open_inline and data.strip():
            self.found.append(f"{self._open_inline}: {data.strip()[:60]}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open_inline = None


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in directives}


def assert_strict_and_clean(response) -> None:
    assert response.status_code in (200, 429), response.status_code
    policy = policy_of(response)
    assert policy, "no Content-Security-Policy header"
    assert "Content-Security-Policy-Report-Only" not in response.headers
    for directive in ("default-src", "script-src", "style-src"):
        assert policy[directive] == ["'self'"], (directive, policy[directive])
    assert policy["object-src"] == ["'none'"]
    for sources in policy.values():
        assert not set(sources) & set(UNSAFE_SOURCES), sources
    assert inline_code(response.content.decode()) == []


def test_the_finder_catches_every_kind_of_inline_code():
    html = """
      <script>alert(1)</script><script src="/static/x.js"></script>
      <style>p { color: red }</style>
      <p style="color: red">x</p><button onclick="go()">go</button>
      <a href="javascript:go()">go</a><script type="application/json">{}</script>
    """
    assert len(inline_code(html)) == 6


@pytest.fixture
def item(plan, organizations, partner_iom):
    return ActionPointFactory(
        area=plan.areas.get(code="A"),
        code="A-1",
        title="Agree the protection monitoring tools",
        leads=[organizations["IOM"]],
        focal=[partner_iom.person],
    )


@pytest.mark.parametrize(
    "path",
    [
        reverse("login"),
        reverse("password_reset"),
        reverse("password_reset_done"),
        reverse("password_reset_complete"),
        reverse("password_reset_confirm", args=["MQ", "not-a-token"]),
    ],
)
def test_sign_in_pages_carry_a_strict_policy_and_no_inline_code(anonymous, db, path):
    assert_strict_and_clean(anonymous.get(path))


def test_sign_in_errors_and_lockout_carry_a_strict_policy_and_no_inline_code(anonymous, db):
    wrong = {"username": "nobody", "password": "wrong"}
    assert_strict_and_clean(anonymous.post(reverse("login"), wrong))
    for _ in range(4):
        response = anonymous.post(reverse("login"), wrong)
    assert response.status_code == 429
    assert_strict_and_clean(response)


MAIN_PAGES = [
    "/",
    "/actions/",
    "/actions/?area=A&status=not_started&status=in_progress",
    "/actions/?status=no-such-status&due_before=not-a-date",
    "/actions/{item}/",
    "/my/",
    "/plans/{plan}/",
    "/accounts/password_change/",
]


@pytest.mark.parametrize("role", ["coordinator", "partner_iom", "viewer"])
@pytest.mark.parametrize("path", MAIN_PAGES)
def test_main_pages_carry_a_strict_policy_and_no_inline_code(request, item, role, path):
    client: Client = request.getfixturevalue(role)
    response = client.get(path.format(item=item.pk, plan=item.plan_id))
    assert_strict_and_clean(response)
