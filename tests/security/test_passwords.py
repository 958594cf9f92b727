"""Passwords: at least twelve characters, not a common one, not like the account's name."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


@pytest.mark.parametrize(
    "password",
    ["Tr0pical-7", "password1234", "aminakhalil2026"],
    ids=["eleven characters", "common", "like the username"],
)
def test_weak_passwords_are_refused(db, password):
    user = UserFactory(username="aminakhalil", first_name="Amina", last_name="Khalil")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_password_is_accepted(db):
    user = UserFactory(username="aminakhalil")
    validate_password("olive-harbour-lantern", user)


def test_the_password_change_page_tells_the_rule(db, client):
    user = UserFactory(username="amina")
    client.force_login(user)
    html = client.get(reverse("password_change")).content.decode()
    assert "at least 12 characters" in html
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short-pw1", "new_password2": "short-pw1"},
    )
    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in (
        response.content.decode()
    )
