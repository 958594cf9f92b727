"""The benchmark data set: the shape the performance issue asks for, the same for a seed."""

import pytest
from django.core.management import call_command

from actions.models import ActionPoint, ActionUpdate
from actions.synthetic import PLAN_KEY, generate_load_data, remove_load_data
from participants.models import Membership, Person


def _snapshot():
    return [
        (
            item.code,
            item.title,
            item.status,
            item.due_date,
            sorted(o.acronym for o in item.lead_organizations.all()),
            sorted(p.email for p in item.focal_points.all()),
        )
        for item in ActionPoint.objects.filter(plan__key=PLAN_KEY)
        .prefetch_related("lead_organizations", "focal_points")
        .order_by("code")
    ]


@pytest.mark.django_db
def test_the_data_set_has_the_documented_shape():
    result = generate_load_data(actions=40, seed=3)
    items = ActionPoint.objects.filter(plan=result.plan)
    assert items.count() == 40
    assert ActionUpdate.objects.filter(action_point__plan=result.plan).count() == 120
    assert Person.objects.filter(email__endswith="@load.example.org").count() == 200
    assert Membership.objects.core_group().count() == 20
    for _code, title, _status, _due, leads, focal in _snapshot():
        assert 1 <= len(leads) <= 2
        assert len(focal) <= 2
        assert 60 <= len(title) <= 80


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_another_seed_does_not():
    generate_load_data(actions=30, seed=7)
    first = _snapshot()
    remove_load_data()
    generate_load_data(actions=30, seed=7)
    assert _snapshot() == first
    remove_load_data()
    generate_load_data(actions=30, seed=8)
    assert _snapshot() != first


@pytest.mark.django_db
def test_the_command_refuses_a_second_data_set_unless_asked_to_replace_it(capsys):
    call_command("generate_load_data", actions=5)
    with pytest.raises(Exception, match="exists already"):
        call_command("generate_load_data", actions=5)
    call_command("generate_load_data", actions=8, replace=True)
    assert ActionPoint.objects.filter(plan__key=PLAN_KEY).count() == 8
    assert "Created 8 action points" in capsys.readouterr().out
