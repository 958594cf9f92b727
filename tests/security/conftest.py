"""The action point fixture of the action page tests, for the names tests."""

from tests.actions.conftest import item  # noqa: F401
