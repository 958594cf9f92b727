"""The one error page Django has no handler for: 429, shown when nginx refuses a request.

The nginx site of the deploy recipe limits the sign-in rate and, when it refuses, asks the
application for this page (``error_page 429``), so the refusal looks like the rest of the site.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@login_not_required
@never_cache
def too_many_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "429.html", status=429)
