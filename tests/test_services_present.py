"""With REQUIRE_SERVICES=1 (CI) the suite must really run on PostgreSQL."""

import pytest
from django.db import connection

from tests.conftest import need_service


@pytest.mark.services
@pytest.mark.django_db
def test_the_suite_runs_on_postgresql_when_services_are_required():
    need_service(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0]
