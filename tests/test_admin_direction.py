"""The admin's lists and fields give user text its own direction (static/css/admin.css)."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_admin_pages_load_the_direction_stylesheet(admin_client):
    html = admin_client.get("/admin/actions/actionpoint/").content.decode()
    assert 'href="/static/css/admin.css"' in html


def test_list_cells_and_text_fields_take_the_direction_of_their_text():
    css = Path(finders.find("css/admin.css")).read_text(encoding="utf-8")
    assert "#result_list td, #result_list th" in css
    assert "unicode-bidi: plaintext" in css
