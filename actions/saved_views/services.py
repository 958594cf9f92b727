"""Saving and deleting a saved view; the filters kept are the list's own, nothing else."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import QuerySet
from django.http import QueryDict

from actions.filters import ActionPointFilter
from actions.models import SavedView

# The list's filter parameters; the page number is where one was, not what one filters.
KEPT = [name for name in ActionPointFilter.base_filters if name != "page"]
MAX_VIEWS = 50


class TooManyViews(Exception):
    """The account already keeps ``MAX_VIEWS`` views."""


def list_query(query: str) -> str:
    """``query`` (a query string of ``/actions/``) with only the list's filters, in a
    fixed order and without empty values, so that the same filters read the same."""
    given = QueryDict(query)
    kept = QueryDict(mutable=True)
    for name in KEPT:
        values = [v for v in given.getlist(name) if v]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


def save_view(*, user: AuthUser, name: str, query: str) -> SavedView:
    """Keep ``query`` under ``name``; a view of that name already kept takes the new
    filters."""
    query = list_query(query)
    view = SavedView.objects.filter(user=user, name=name).first()
    if view is not None:
        view.query = query
        view.save(update_fields=["query"])
        return view
    if SavedView.objects.filter(user=user).count() >= MAX_VIEWS:
        raise TooManyViews()
    return SavedView.objects.create(user=user, name=name, query=query)


def delete_view(*, user: AuthUser, pk: int) -> bool:
    """Delete the account's own view ``pk``; False when it has no such view."""
    deleted, _ = SavedView.objects.filter(user=user, pk=pk).delete()
    return bool(deleted)


def views_of(user: AuthUser | AnonymousUser) -> "QuerySet[SavedView]":
    """The account's views by name (none for a visitor not signed in)."""
    if not user.is_authenticated:
        return SavedView.objects.none()
    return SavedView.objects.filter(user=user).order_by("name")
