"""Integration: the apps installed into a fresh Wagtail site, as the README's "Use in an existing Wagtail
site" says.

In a temporary directory: the wheel is built from a copy of the package sources (the apps, pyproject.toml,
README.md); ``wagtail start host`` creates the site; the wheel is pip-installed into a virtual environment
of its own (the third-party dependencies are those of this test environment, reached through a ``.pth``
file, so nothing is downloaded and no ``.pth`` of this environment, e.g. the editable install of the
repository, is processed there); the README's settings and urls snippets are appended to the site's
files exactly as written in the README. The site's ``manage.py`` runs with the site as its working
directory and no PYTHONPATH: the repository is not on its ``sys.path`` (checked: the apps' modules are
imported from the installed wheel and ``cms`` cannot be imported at all). Then: migrate (SQLite), a forms
section with a workshop of one session under the site's own home page (``home.HomePage``), runserver on a
free loopback port, a registration over HTTP, the confirmation in the outbox and, through a real
``qcluster``, sent.
"""

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .servers import ROOT, free_port, stop, wait_for

pytestmark = [pytest.mark.integration]

README = ROOT / "README.md"
SNIPPET = re.compile(r"<!-- host-install:(?P<name>[\w-]+) -->\n```python\n(?P<code>.*?)```", re.DOTALL)
PACKAGE_SOURCES = ("pyproject.toml", "README.md", "strategy_pages", "forms", "notifications")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
EMAIL = "mieszkanka@example.org"
WAGTAIL = str(Path(sys.executable).with_name("wagtail"))


def readme_snippets():
    snippets = {match["name"]: match["code"] for match in SNIPPET.finditer(README.read_text(encoding="utf-8"))}
    assert {"settings", "urls"} <= set(snippets), "README lost its host-install snippets"
    return snippets


def run(args, *, cwd, env=None, timeout=180):
    began = time.monotonic()
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    print(f"{time.monotonic() - began:6.1f} s  {' '.join(map(str, args))[-100:]}")
    output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"{args} failed ({result.returncode}):\n{output}"
    return result.stdout


def build_wheel(tmp_path):
    """The wheel, built from a copy of exactly the package's sources (no stale build/ of the checkout)."""
    source = tmp_path / "src"
    source.mkdir()
    for name in PACKAGE_SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(origin, source / name)
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q", "-w", str(dist),
         str(source)], cwd=tmp_path, timeout=300)
    (wheel,) = dist.glob("strategia_cms-*.whl")
    return wheel


def host_environment(tmp_path, wheel):
    """A virtual environment with the wheel pip-installed; the dependencies come from this test's."""
    venv = tmp_path / "hostenv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    # Installed before the dependencies are visible, so pip sees no strategia-cms already installed.
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
         "--disable-pip-version-check", "-q", str(wheel)], cwd=tmp_path)
    site_packages = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             cwd=tmp_path).strip())
    (site_packages / "zz_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return python, site_packages


def child_env():
    """No DJANGO_SETTINGS_MODULE (manage.py's own, host.settings.dev), no PYTHONPATH, no database URL."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")
    return {key: os.environ[key] for key in keep if key in os.environ} | {"PYTHONDONTWRITEBYTECODE": "1"}


SETUP_PAGES = """
import json, sys
from datetime import timedelta
from importlib.util import find_spec
from django.utils import timezone
from home.models import HomePage
import forms, notifications, strategy_pages
from forms.index import FormIndexPage
from forms.workshops.models import WorkshopPage, WorkshopSession

home = HomePage.objects.get()
assert FormIndexPage.can_create_at(home), FormIndexPage.allowed_parent_page_models()
index = home.add_child(instance=FormIndexPage(title="Formularze", slug="formularze"))
assert WorkshopPage.can_create_at(index)
now = timezone.now()
start = now + timedelta(days=14)
workshop = WorkshopPage(
    title="Warsztaty diagnostyczne", slug="warsztaty", venue="Sala posiedzeń",
    registration_opens_at=now - timedelta(days=1), registration_closes_at=now + timedelta(days=10),
    sessions=[WorkshopSession(title="Sesja 1", starts_at=start, ends_at=start + timedelta(hours=2), capacity=20)],
)
index.add_child(instance=workshop)
workshop.save_revision().publish()
workshop.refresh_from_db()
print(json.dumps({
    "url": workshop.url, "session": workshop.sessions.get().pk, "live": workshop.live,
    "files": {module.__name__: module.__file__ for module in (forms, notifications, strategy_pages)},
    "cms": find_spec("cms") is not None, "sys_path": sys.path,
}))
"""

OUTBOX = """
import json
from forms.workshops.models import Registration
from notifications.models import Notification
registration = Registration.objects.get()
rows = Notification.objects.filter(kind=Notification.Kind.REGISTRATION_CONFIRMED)
print(json.dumps({
    "registration": [registration.email, registration.status, registration.session.title],
    "confirmations": [[row.recipients, row.status, row.object_id, row.key] for row in rows],
}))
"""


def manage_json(python, host, env, code):
    return json.loads(run([str(python), "manage.py", "shell", "-c", code], cwd=host, env=env).strip().splitlines()[-1])


def test_wheel_in_a_fresh_wagtail_site_registers_and_records_the_confirmation(tmp_path):
    started = time.monotonic()
    snippets = readme_snippets()
    wheel = build_wheel(tmp_path)
    python, site_packages = host_environment(tmp_path, wheel)

    run([WAGTAIL, "start", "host"], cwd=tmp_path)
    host = tmp_path / "host"
    for name, target in (("settings", host / "host" / "settings" / "base.py"), ("urls", host / "host" / "urls.py")):
        with target.open("a", encoding="utf-8") as file:
            file.write("\n\n" + snippets[name])
    env = child_env()

    run([str(python), "manage.py", "migrate", "--noinput", "-v0"], cwd=host, env=env, timeout=300)
    setup = manage_json(python, host, env, SETUP_PAGES)
    print("host process imports:", setup["files"])
    # Imported from the installed wheel, never from the repository checkout.
    for module, path in setup["files"].items():
        assert Path(path).is_relative_to(site_packages), (module, path)
    assert not setup["cms"], "the host can import this repository's cms package"
    assert not any(Path(entry or ".").resolve() == ROOT for entry in setup["sys_path"]), setup["sys_path"]
    assert setup["live"] and setup["url"] == "/formularze/warsztaty/"

    port = free_port()
    log = (tmp_path / "runserver.log").open("w")
    worker_log = (tmp_path / "qcluster.log").open("w")
    server = subprocess.Popen([str(python), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                              cwd=host, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = None
    try:
        url = f"http://127.0.0.1:{port}{setup['url']}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

        def answers():
            try:
                with opener.open(url, timeout=5) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for(answers, timeout=60, message="the host's runserver", processes=[server])
        with opener.open(url, timeout=30) as response:
            page = response.read().decode()
        assert "Warsztaty diagnostyczne" in page and "Sesja 1" in page
        assert "/static/forms/forms.css" in page  # the extra_css block of the host's own base.html
        token = CSRF_INPUT.search(page).group(1)
        body = urllib.parse.urlencode({
            "csrfmiddlewaretoken": token, "full_name": "Anna Mieszkanka", "email": EMAIL,
            "sessions": setup["session"], "consent": "on", "website": "",
        }).encode()
        with opener.open(urllib.request.Request(url, data=body, headers={"Referer": url}), timeout=60) as response:
            assert response.status == 200
            result = response.read().decode()
        # The same answer for a new and a repeated address (no enumeration); the outcome is in the mail.
        assert "Dziękujemy za zapis" in result and "na podany adres e-mail" in result, result[-3000:]
        assert EMAIL not in result  # the redirected result page names nobody

        outbox = manage_json(python, host, env, OUTBOX)
        assert outbox["registration"] == [EMAIL, "confirmed", "Sesja 1"]
        assert len(outbox["confirmations"]) == 1
        recipients, status, _, key = outbox["confirmations"][0]
        assert recipients == EMAIL and status in {"queued", "sending", "sent"}, outbox

        # The worker of the README sends it (the host's dev settings print e-mail to the console).
        worker = subprocess.Popen([str(python), "manage.py", "qcluster"], cwd=host, env=env,
                                  stdout=worker_log, stderr=subprocess.STDOUT)

        # The console backend prints the message once sent; the row is marked sent right after.
        qcluster_log = tmp_path / "qcluster.log"
        wait_for(lambda: f"To: {EMAIL}" in qcluster_log.read_text(errors="replace"), timeout=120, interval=0.5,
                 message="the confirmation e-mail from qcluster", processes=[worker])
        wait_for(lambda: manage_json(python, host, env, OUTBOX)["confirmations"][0][1] == "sent", timeout=60,
                 interval=1, message="the confirmation marked sent", processes=[worker])
        worker_output = qcluster_log.read_text(errors="replace")
        assert "text/calendar" in worker_output, worker_output[-3000:]  # the .ics file of the session
    finally:
        for process in (worker, server):
            if process is not None:
                stop(process)
        log.close()
        worker_log.close()
    print(f"host project test: {time.monotonic() - started:.0f} s")
