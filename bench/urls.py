"""The benchmark's URLconf: the project's pages plus the floor view (bench/floor.py).

Selected with ``ROOT_URLCONF=bench.urls`` by the benchmark's server only.
"""

from django.urls import include, path

from bench.floor import floor

urlpatterns = [
    path("bench/floor/<slug:page>/", floor, name="bench_floor"),
    path("", include("pimtracker.urls")),
]
