"""Sign-in forms (the site's and the admin's) answer 429 while a throttle holds, before the
password is even checked (throttles.py)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from . import throttles


class SignInThrottleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path in (reverse("login"), reverse("admin:login")):
            minutes = throttles.sign_in_wait(request, str(request.POST.get("username", "")))
            if minutes:
                return render(
                    request, "registration/throttled.html", {"minutes": minutes}, status=429
                )
        return self.get_response(request)
