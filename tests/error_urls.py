"""A URLconf with a view that fails, to see the 500 page as a visitor would."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse

from pimtracker.urls import urlpatterns as site_urlpatterns


@login_not_required
def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


from django.urls import path  # noqa: E402

urlpatterns = [path("fail/", fail), *site_urlpatterns]
