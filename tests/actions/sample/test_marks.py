"""With ``load_demo``'s sample data in, every page says so and every sample row is marked;
after ``load_demo --remove``, nothing does."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from actions.models import ActionPlan, ActionPoint
from tests.conftest import pass_two_step
from tests.factories import UserFactory

SAMPLE_CODES = {"A-5", "B-1", "B-2", "B-7", "B-8", "C-4", "C-5", "C-8.5"}


def client_of(username: str) -> Client:
    client = Client()
    user = User.objects.get(username=username)
    client.force_login(user)
    pass_two_step(client, user)  # the demo coordinator, like any coordinator, has two steps
    return client


@pytest.fixture
def demo(db, capsys):
    call_command("load_demo")
    capsys.readouterr()


def pages() -> list[str]:
    plan = ActionPlan.objects.get()
    item = ActionPoint.objects.get(code="B-8")
    return [
        "/",
        "/actions/",
        f"/actions/{item.pk}/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/update/",
        "/organizations/",
        "/organizations/ACTED/",
        "/my/",
        "/settings/",
        "/glossary/",
        "/data-we-hold/",
    ]


@pytest.mark.parametrize("username", ["demo-coordinator", "demo-acted", "demo-viewer"])
def test_every_page_carries_the_demo_banner(demo, username):
    client = client_of(username)
    for path in pages():
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'id="demo-banner"' in response.content.decode(), path


def test_the_banner_goes_with_the_sample_data(demo, capsys):
    call_command("load_demo", "--remove")
    UserFactory(username="real", groups=["Coordinators"])
    client = client_of("real")
    for path in pages():
        assert 'id="demo-banner"' not in client.get(path).content.decode(), path


def test_sample_items_are_marked_in_the_list_and_on_their_page(demo):
    client = client_of("demo-viewer")
    html = client.get("/actions/?plan=&page=1").content.decode()
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr")[1:]
    code = re.compile(r'<td class="code"><a href="[^"]+">([^<]+)</a>')
    marked = {code.search(r).group(1) for r in rows if "sample-mark" in r}
    assert marked == SAMPLE_CODES
    page = client.get(f"/actions/{ActionPoint.objects.get(code='B-8').pk}/").content.decode()
    assert page.count('class="sample-mark"') >= 2  # the status and the sample journal note


def test_sample_rows_are_marked_in_the_csv_and_the_api(demo):
    client = client_of("demo-viewer")
    text = b"".join(client.get("/actions/export.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["Code"] for r in rows if r["Sample data"] == "Sample"} == SAMPLE_CODES
    assert {r["Sample data"] for r in rows} == {"Sample", ""}
    data = client.get("/api/actions/?page_size=100").json()
    assert {r["code"] for r in data["results"] if r["sample"]} == SAMPLE_CODES
    a5 = next(r for r in data["results"] if r["code"] == "A-5")
    assert [p["sample"] for p in a5["focal_points"]] == [True]


def test_sample_people_are_marked_on_their_organisation_page(demo):
    html = client_of("demo-viewer").get("/organizations/ACTED/").content.decode()
    staff = html.split('id="people-heading"', 1)[1]
    line = next(li for li in staff.split("<li>") if "Demo" in li)
    assert "sample-mark" in line
