"""Helpers shared by the HTTP benchmarks (bench/registration.py, bench/pages.py).

Each benchmark prepares its own database, starts the project under gunicorn on a free loopback
port with the dev settings and DEBUG off (a settings module written to the run's temporary
directory), and prints a Markdown table. Nothing here listens on anything but 127.0.0.1.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

SETTINGS = """from cms.settings.dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(database_url, workdir, settings_name="bench_registration_settings", settings_text=SETTINGS, **extra):
    """Environment for manage.py and gunicorn: the bench settings module, the database, ``extra`` variables.

    ``database_url`` is "sqlite" (a throw-away file in ``workdir``) or a database URL.
    """
    Path(workdir, f"{settings_name}.py").write_text(settings_text)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_name, "LOG_LEVEL": "WARNING"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), str(workdir), env.get("PYTHONPATH")]))
    env.pop("DATABASE_URL", None)
    if database_url == "sqlite":
        env["SQLITE_PATH"] = os.path.join(workdir, "bench.sqlite3")
    else:
        env["DATABASE_URL"] = database_url
    # The bench requests pages only; an empty STATIC_ROOT spares WhiteNoise's missing-directory warning.
    if "STATIC_ROOT" not in env:
        env["STATIC_ROOT"] = str(Path(workdir, "static"))
        Path(env["STATIC_ROOT"]).mkdir(exist_ok=True)
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage_json(env, code):
    """Run Python inside ``manage.py shell`` and return the JSON it prints last."""
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py shell failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def start_gunicorn(env, port, *, workers=2, threads=1, app="cms.wsgi:application", cwd=ROOT, extra_args=()):
    return subprocess.Popen(
        [GUNICORN, app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
         "--backlog", "2048", "--timeout", "120", "--log-level", "warning", *extra_args],
        cwd=cwd, env=env,
    )


def wait_until_up(url, process, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server for {url} exited early")
        try:
            # A shared, loaded machine may take many seconds for a first, cold page.
            with urllib.request.urlopen(url, timeout=60) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {timeout} s")


def stop(process, timeout=30):
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def child_pids(pid):
    """Direct children of ``pid`` (from /proc; Linux only)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(child) for child in handle.read().split()]
    except OSError:
        return []


def peak_rss_mib(pid):
    """Peak resident memory (VmHWM) of a process in MiB, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def print_table(columns, rows):
    """Markdown table: ``columns`` is a list of (key, title, format); a cell whose value is None shows "–"."""
    cells = [[("–" if row.get(key) is None else fmt.format(row[key])) for key, _, fmt in columns] for row in rows]
    widths = [max(len(title), *(len(c[i]) for c in cells)) for i, (_, title, _) in enumerate(columns)]

    def line(values):
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    print(line([title for _, title, _ in columns]))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells:
        print(line(row))
