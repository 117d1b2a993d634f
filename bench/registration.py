"""Benchmark: workshop registrations per second over HTTP, and whether capacity ever overbooks.

Many concurrent clients (threads with urllib, one CSRF cookie each) all post the public
registration form for ONE session of a fresh workshop page. The app runs under gunicorn
(2 sync workers by default) on loopback, against a database this script prepares itself
(``manage.py migrate`` + a workshop page made through Django). At the end it counts the
confirmed and waitlisted rows: confirmed must equal min(capacity, accepted posts) and never
exceed the capacity, so an overbooking would show (and the exit status would be 1).

Run by hand from the repository root:

    .venv/bin/python bench/registration.py                      # SQLite (throw-away file)
    .venv/bin/python bench/registration.py --database-url postgres://postgres@127.0.0.1:5442/bench
    .venv/bin/python bench/registration.py --database-url sqlite --database-url "$DATABASE_URL"

A PostgreSQL URL needs a running server and an existing, empty or previously benchmarked
database; a throw-away cluster: see docs/environment.md, or ``source scripts/lib.sh;
start_postgres`` (exports DATABASE_URL_POSTGRES; then ``createdb`` is not needed for the
"postgres" database: use .../postgres). Options: --clients (50), --requests (total posts,
2000), --duration (seconds, 60; whichever bound comes first), --capacity (30), --workers (2),
--threads (gunicorn threads per worker, 1).

The app runs with the dev settings and DEBUG off (a settings module written to the run's
temporary directory), so debug bookkeeping does not slow it. Output: one table row per database.
"""

import argparse
import http.cookiejar
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from _common import (
    PYTHON,
    ROOT,
    app_env,
    free_port,
    manage_json,
    percentile,
    start_gunicorn,
    stop,
    wait_until_up,
)
from _common import print_table as print_markdown_table

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

PREPARE = """
import json, datetime
from django.utils import timezone
from wagtail.models import Site
from forms.models import FormIndexPage, WorkshopPage, WorkshopSession
root = Site.objects.get(is_default_site=True).root_page
index = FormIndexPage.objects.child_of(root).filter(slug="bench-ankiety").first()
if index is None:
    index = FormIndexPage(title="Ankiety (benchmark)", slug="bench-ankiety")
    root.add_child(instance=index)
now = timezone.now()
start = now + datetime.timedelta(days=14)
page = WorkshopPage(
    title="Benchmark", slug="bench-%d" % int(now.timestamp() * 1000), venue="Sala",
    registration_opens_at=now - datetime.timedelta(hours=1), registration_closes_at=now + datetime.timedelta(days=7),
    sessions=[WorkshopSession(title="Sesja", starts_at=start, ends_at=start + datetime.timedelta(hours=2),
                              capacity=CAPACITY)],
)
index.add_child(instance=page)
page.save_revision().publish()
print(json.dumps({"path": page.url_path[len(root.url_path) - 1:], "session": page.sessions.get().pk}))
"""

COUNT = """
import json
from forms.models import Registration
rows = Registration.objects.filter(session_id=SESSION)
print(json.dumps({s: rows.filter(status=s).count() for s in ("confirmed", "waitlisted", "cancelled")}))
"""


class Load:
    """Posts shared between client threads: bounded by a count and a deadline."""

    def __init__(self, total, duration):
        self.total, self.deadline = total, time.monotonic() + duration
        self.lock = threading.Lock()
        self.issued = 0
        self.latencies, self.statuses, self.errors = [], {}, []

    def next_number(self):
        with self.lock:
            if self.issued >= self.total or time.monotonic() >= self.deadline:
                return None
            self.issued += 1
            return self.issued

    def record(self, latency, status):
        with self.lock:
            self.latencies.append(latency)
            self.statuses[status] = self.statuses.get(status, 0) + 1


def client(load, url, session_id, barrier):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        with opener.open(url, timeout=60) as response:
            token = CSRF_INPUT.search(response.read().decode()).group(1)
    except Exception as exc:  # noqa: BLE001 - reported in the summary
        load.errors.append(repr(exc))
        barrier.abort()
        return
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        return
    while (number := load.next_number()) is not None:
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "full_name": f"Osoba {number}",
                "email": f"bench{number}@example.org",
                "sessions": session_id,
                "consent": "on",
            }
        ).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        started = time.perf_counter()
        try:
            with opener.open(request, timeout=120) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except Exception as exc:  # noqa: BLE001 - reported in the summary
            load.errors.append(repr(exc))
            continue
        load.record(time.perf_counter() - started, status)


def run(database_url, args):
    workdir = tempfile.mkdtemp(prefix="bench-registration-")
    env = app_env(database_url, workdir)
    label = "SQLite" if database_url == "sqlite" else "PostgreSQL"
    print(f"[{label}] migrating…", file=sys.stderr)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    workshop = manage_json(env, PREPARE.replace("CAPACITY", str(args.capacity)))
    port = free_port()
    gunicorn = start_gunicorn(env, port, workers=args.workers, threads=args.threads)
    url = f"http://127.0.0.1:{port}{workshop['path']}"
    try:
        wait_until_up(url, gunicorn)
        load = Load(args.requests, args.duration)
        barrier = threading.Barrier(args.clients + 1)
        threads = [
            threading.Thread(target=client, args=(load, url, workshop["session"], barrier)) for _ in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        print(f"[{label}] {args.clients} clients posting…", file=sys.stderr)
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        stop(gunicorn)
    counts = manage_json(env, COUNT.replace("SESSION", str(workshop["session"])))
    shutil.rmtree(workdir, ignore_errors=True)
    accepted = load.statuses.get(200, 0)
    return {
        "database": label,
        "clients": args.clients,
        "posts": len(load.latencies),
        "ok_200": accepted,
        "other": sum(n for s, n in load.statuses.items() if s != 200) + len(load.errors),
        "per_second": len(load.latencies) / elapsed if elapsed else 0.0,
        "p50_ms": 1000 * statistics.median(load.latencies) if load.latencies else 0.0,
        "p99_ms": 1000 * percentile(load.latencies, 0.99) if load.latencies else 0.0,
        "capacity": args.capacity,
        "confirmed": counts["confirmed"],
        "waitlisted": counts["waitlisted"],
        "sound": counts["confirmed"] == min(args.capacity, accepted)
        and counts["confirmed"] + counts["waitlisted"] == accepted,
        "errors": load.errors[:3],
        "statuses": load.statuses,
    }


def print_table(rows):
    columns = [
        ("database", "Database", "{}"), ("clients", "Clients", "{}"), ("posts", "Posts", "{}"),
        ("ok_200", "200 OK", "{}"), ("other", "Other/err", "{}"), ("per_second", "Reg/s", "{:.1f}"),
        ("p50_ms", "p50 ms", "{:.0f}"), ("p99_ms", "p99 ms", "{:.0f}"), ("capacity", "Capacity", "{}"),
        ("confirmed", "Confirmed", "{}"), ("waitlisted", "Waitlisted", "{}"),
        ("sound", "Confirmed ≤ capacity, none lost", "{}"),
    ]
    print_markdown_table(columns, rows)
    for row in rows:
        if row["errors"] or set(row["statuses"]) - {200}:
            print(f"{row['database']}: statuses {row['statuses']}, first errors {row['errors']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append", help='"sqlite" or a postgres:// URL; repeatable')
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--capacity", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    rows = [run(url, args) for url in (args.database_url or ["sqlite"])]
    print_table(rows)
    return 0 if all(row["sound"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
