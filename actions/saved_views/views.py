"""The two writes of "My views": save the list's current filters, delete one's own view.
Both POST only; the list page shows the views (``actions.views.action_list``)."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions import permissions
from actions.models import SavedView
from pimtracker.drafts import post_only

from .services import MAX_VIEWS, TooManyViews, delete_view, save_view


class SaveViewForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of this view"),
        max_length=SavedView._meta.get_field("name").max_length,
    )
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


def _list_page(*args: object, **kwargs: object) -> str:
    return reverse("action_list")


@post_only(_list_page)
def save(request: permissions.SignedInRequest) -> HttpResponse:
    permissions.require_reader(request.user)
    form = SaveViewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the view a name of at most 80 characters."))
        return redirect(f"{_list_page()}?{request.POST.get('query', '')[:2000]}")
    try:
        view = save_view(user=request.user, **form.cleaned_data)
    except TooManyViews:
        messages.error(
            request, _("You keep %(count)s views already: delete one first.") % {"count": MAX_VIEWS}
        )
        return redirect(f"{_list_page()}?{form.cleaned_data['query']}")
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(f"{_list_page()}?{view.query}")


@post_only(_list_page)
def delete(request: permissions.SignedInRequest, pk: int) -> HttpResponse:
    permissions.require_reader(request.user)
    if not delete_view(user=request.user, pk=pk):
        raise Http404("no such view of yours")
    messages.success(request, _("View deleted."))
    return redirect(_list_page())
