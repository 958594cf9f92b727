"""Static files with DEBUG off: collectstatic, then the sign-in page and its stylesheet as
WhiteNoise serves them. Runs in a fresh process, since DEBUG decides the storage and the
middleware when the settings are read."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.test_settings import PRODUCTION_KEY, SETTINGS_VARIABLES

BASE_DIR = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, re, django
from django.core.management import call_command
django.setup()
call_command("collectstatic", "--noinput", verbosity=0)
from django.test import Client
client = Client(HTTP_HOST="localhost")
page = client.get("/accounts/login/", secure=True)
href = re.search(r'<link rel="stylesheet" href="([^"]+)"', page.content.decode()).group(1)
css = client.get(href, secure=True, HTTP_ACCEPT_ENCODING="gzip")
missing = client.get("/static/css/no-such.css", secure=True)
print(json.dumps({
    "page": page.status_code, "href": href, "css": css.status_code,
    "cache": css.get("Cache-Control", ""), "encoding": css.get("Content-Encoding", ""),
    "missing": missing.status_code,
}))
"""


def test_production_serves_hashed_compressed_stylesheet_with_long_cache(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="pimtracker.settings",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        STATIC_ROOT=str(tmp_path / "static"),
        VAR_DIR=str(tmp_path / "var"),
    )
    process = subprocess.run(  # noqa: S603 — our own interpreter and a fixed script
        [sys.executable, "-c", SCRIPT],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    seen = json.loads(process.stdout.splitlines()[-1])
    assert seen["page"] == 200
    # A content hash in the name is what makes a year-long cache safe after an upgrade.
    assert seen["href"].startswith("/static/css/site.") and seen["href"] != "/static/css/site.css"
    assert seen["css"] == 200
    assert "max-age=315360000" in seen["cache"] and "immutable" in seen["cache"]
    assert seen["encoding"] == "gzip"
    assert seen["missing"] == 404
    assert (tmp_path / "static" / "staticfiles.json").exists()
