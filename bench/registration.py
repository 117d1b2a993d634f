"""Benchmark: the write path — public form posts per second over HTTP, against a page GET and the framework floor.

For each database (SQLite and PostgreSQL by default) it prepares the demo content plus a fresh
workshop page with one session of ``--capacity`` places, starts the project under gunicorn (2 sync
workers by default) on loopback with every cache off (page cache, fragment cache, routing memo: what a
POST's result page costs), and loads it with ``wrk`` in interleaved rounds (each target keeps its
best round, so other load on the machine hits all alike), all with the same number of connections:

* the framework floor: bench/floor_wsgi.py returning the workshop page's bytes;
* a GET of the workshop page (every cache off);
* a registration POST for the session (unique e-mail per post, one CSRF cookie for all);
* a working-group sign-up POST (demo sign-up page, one group);
* a consultation submission POST (demo open consultation, one thematic area).

"POST / GET" is each POST's throughput as a share of the workshop GET's in the same run (the
target: at least 0.5, a POST costing at most twice a cache-off page). Every post is an ordinary
valid submission: its transaction, its outbox rows (``notifications.Notification``) and the
django-q2 enqueue on commit run as in production; the rows are counted afterwards. For the
registrations, confirmed must equal min(capacity, rows) and never exceed the capacity, and no
accepted post may be lost: an overbooking, a lost post or refused posts make the exit status 1.

The form rate limit (``FORM_RATE_LIMIT``) is switched OFF for the run (``FORM_RATE_LIMIT=0/0``, and
the script says so): every post comes from one address, which the limit would refuse after ten. If
most posts are refused anyway (any status but 200), the script fails loudly.

Run by hand from the repository root (needs ``apt-get install -y wrk``; PostgreSQL from Debian's
``postgresql`` package: a throw-away cluster is started on loopback unless ``--database-url`` names one):

    .venv/bin/python bench/registration.py                       # SQLite and PostgreSQL
    .venv/bin/python bench/registration.py --database-url sqlite --duration 10
    .venv/bin/python bench/registration.py --database-url postgres://postgres@127.0.0.1:5442/bench

Options: --clients (connections, 8), --duration (seconds of load per target, all rounds, 10),
--rounds (2), --capacity (30), --workers (2), --threads (gunicorn threads per worker, 1).
The app runs with the dev settings and DEBUG off (a settings module written to the run's temporary
directory). Output: one table row per database and target, with the floor of the same run.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from _common import (
    PYTHON,
    ROOT,
    app_env,
    free_port,
    manage_json,
    print_table,
    start_gunicorn,
    stop,
    wait_until_up,
)

BENCH_DIR = Path(__file__).resolve().parent
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
EVERY_CACHE_OFF = {"PAGE_CACHE_SECONDS": "0", "FRAGMENT_CACHE_SECONDS": "0", "ROUTE_MEMO": "0"}
RATE_LIMIT_OFF = "0/0"

PREPARE = """
import json, datetime
from django.utils import timezone
from wagtail.models import Site
from forms.models import (ConsultationPage, FormIndexPage, ThematicArea, WorkingGroupSignupPage, WorkshopPage,
                          WorkshopSession)
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
prefix = len(root.url_path) - 1
signup = WorkingGroupSignupPage.objects.live().order_by("path").first()
consultation = next(p for p in ConsultationPage.objects.live().order_by("path") if p.is_open())
print(json.dumps({
    "workshop": page.url_path[prefix:], "session": page.sessions.get().pk,
    "signup": signup.url_path[prefix:], "signup_page": signup.pk, "group": signup.open_groups().first().pk,
    "signup_represents": signup.representation_list()[0],
    "consultation": consultation.url_path[prefix:], "consultation_page": consultation.pk,
    "area": ThematicArea.objects.order_by("sort_order", "pk").first().pk,
    "consultation_represents": consultation.representation_list()[0],
}))
"""

COUNT = """
import json
from django.contrib.contenttypes.models import ContentType
from forms.models import ConsultationSubmission, Registration, WorkingGroupSignup
from notifications.models import Notification
rows = Registration.objects.filter(session_id=SESSION, email__startswith="bench")
signups = WorkingGroupSignup.objects.filter(page_id=SIGNUP_PAGE, email__startswith="bench")
submissions = ConsultationSubmission.objects.filter(page_id=CONSULTATION_PAGE, email__startswith="bench")

def notes(queryset):
    model = queryset.model
    return Notification.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                       object_id__in=list(queryset.values_list("pk", flat=True))).count()

print(json.dumps({
    "registration": {"rows": rows.count(), "confirmed": rows.filter(status="confirmed").count(),
                     "waitlisted": rows.filter(status="waitlisted").count(), "notifications": notes(rows)},
    "signup": {"rows": signups.count(), "notifications": notes(signups)},
    "consultation": {"rows": submissions.count(), "notifications": notes(submissions)},
}))
"""

# wrk script for the POSTs: the body comes from the environment with NUMBER replaced by a number unique
# to the thread and request (so every post is a new person), the CSRF cookie and token from a GET.
POST_LUA = """
local template = os.getenv("BENCH_BODY")
local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Cookie"] = os.getenv("BENCH_COOKIE"),
  ["Referer"] = os.getenv("BENCH_REFERER"),
}
local prefix = os.getenv("BENCH_PREFIX")
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local n = 0
request = function()
  n = n + 1
  local body = string.gsub(template, "NUMBER", prefix .. "t" .. id .. "n" .. n)
  return wrk.format("POST", nil, headers, body)
end
"""

_WRK_LATENCY = re.compile(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(url, duration, connections, script=None, env=None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency", "--timeout", "30s"]
    if script:
        command += ["-s", str(script)]
    result = subprocess.run([*command, url], capture_output=True, text=True, check=True, env=env)
    out = result.stdout
    latencies = {m.group(1): float(m.group(2)) * _UNITS[m.group(3)] for m in _WRK_LATENCY.finditer(out)}
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latencies.get("50"), "p99": latencies.get("99"), "requests": total,
        "refused": int(bad.group(1)) if bad else 0, "errors": sum(map(int, errors.groups())) if errors else 0,
    }


def start_postgres(workdir):
    """A throw-away PostgreSQL cluster on loopback (Debian's binaries); returns (url, stop function) or None."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not bins:
        print("WARNING: PostgreSQL is not installed (apt-get install -y postgresql): SQLite only", file=sys.stderr)
        return None
    pgbin = bins[-1].parent
    Path(workdir).chmod(0o755)
    data = Path(workdir, "pg")
    data.mkdir()
    run_as = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(data, "postgres", "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run([*run_as, pgbin / "initdb", "-D", data / "data", "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--locale=C.UTF-8"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*run_as, pgbin / "pg_ctl", "-D", data / "data", "-l", data / "server.log", "-w", "-t", "30", "-o",
                    f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off -c synchronous_commit=off "
                    "-c max_connections=200", "start"], check=True, stdout=subprocess.DEVNULL)

    def stop_cluster():
        subprocess.run([*run_as, pgbin / "pg_ctl", "-D", data / "data", "-m", "fast", "-w", "stop"],
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    return f"postgres://postgres@127.0.0.1:{port}/postgres", stop_cluster


def csrf_cookie_and_token(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        token = CSRF_INPUT.search(response.read().decode()).group(1)
        cookies = [value.split(";")[0] for name, value in response.headers.items() if name.lower() == "set-cookie"]
    return "; ".join(cookies), token


def post_bodies(prepared, token):
    common = {"csrfmiddlewaretoken": token, "full_name": "Osoba NUMBER", "email": "benchNUMBER@example.org",
              "consent": "on"}
    return {
        "registration POST": (prepared["workshop"], {**common, "sessions": prepared["session"]}),
        "working-group sign-up POST": (prepared["signup"], {
            **common, "represents": prepared["signup_represents"], "groups": prepared["group"],
            "motivation": "Chcę pomóc w przygotowaniu strategii (benchmark)."}),
        "consultation submission POST": (prepared["consultation"], {
            **common, "represents": prepared["consultation_represents"], "area": prepared["area"],
            "title": "Propozycja NUMBER", "content": "Potrzebna jest nowa ścieżka rowerowa (benchmark).",
            "place": "Konstancin"}),
    }


def run(database_url, label, args):
    workdir = Path(tempfile.mkdtemp(prefix="bench-registration-"))
    workdir.chmod(0o755)
    env = app_env(database_url, workdir, FORM_RATE_LIMIT=RATE_LIMIT_OFF, DB_CONN_MAX_AGE=60,
                  EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", MEDIA_ROOT=workdir / "media",
                  PRIVATE_MEDIA_ROOT=workdir / "private", **EVERY_CACHE_OFF)
    print(f"[{label}] migrating and loading the demo content…", file=sys.stderr)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "load_demo_content"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    prepared = manage_json(env, PREPARE.replace("CAPACITY", str(args.capacity)))
    port = free_port()
    app = start_gunicorn(env, port, workers=args.workers, threads=args.threads)
    floor = None
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + prepared["workshop"], app)
        with urllib.request.urlopen(base + prepared["workshop"], timeout=60) as response:
            body = response.read()
        www = workdir / "www"
        target = www / prepared["workshop"].strip("/") / "index.html"
        target.parent.mkdir(parents=True)
        target.write_bytes(body)
        floor_env = {**os.environ, "FLOOR_DIR": str(www),
                     "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR), os.environ.get("PYTHONPATH")]))}
        floor_port = free_port()
        floor = start_gunicorn(floor_env, floor_port, workers=args.workers, threads=args.threads,
                               app="floor_wsgi:application", cwd=BENCH_DIR)
        wait_until_up(f"http://127.0.0.1:{floor_port}{prepared['workshop']}", floor)

        cookie, token = csrf_cookie_and_token(base + prepared["workshop"])
        script = workdir / "post.lua"
        script.write_text(POST_LUA)
        targets = {
            "framework floor (GET, same bytes)": (f"http://127.0.0.1:{floor_port}{prepared['workshop']}", None),
            "workshop page GET (every cache off)": (base + prepared["workshop"], None),
        }
        for name, (path, fields) in post_bodies(prepared, token).items():
            targets[name] = (base + path, urllib.parse.urlencode(fields))
        results = {}
        seconds = args.duration / args.rounds
        for round_number in range(args.rounds):
            for name, (url, form) in targets.items():
                print(f"[{label}] {name}, round {round_number + 1}", file=sys.stderr)
                wrk_env = None
                if form is not None:
                    wrk_env = {**os.environ, "BENCH_BODY": form, "BENCH_COOKIE": cookie, "BENCH_REFERER": url,
                               "BENCH_PREFIX": f"r{round_number}"}
                result = run_wrk(url, seconds, args.clients, script if form else None, wrk_env)
                result["all_requests"] = result["requests"] + results.get(name, {}).get("all_requests", 0)
                result["all_refused"] = result["refused"] + results.get(name, {}).get("all_refused", 0)
                result["all_errors"] = result["errors"] + results.get(name, {}).get("all_errors", 0)
                best = results.get(name)
                if best is None or result["rps"] > best["rps"]:
                    results[name] = result
                else:
                    best.update(all_requests=result["all_requests"], all_refused=result["all_refused"],
                                all_errors=result["all_errors"])
        time.sleep(1)  # posts wrk gave up on at its deadline may still be finishing
    finally:
        stop(app)
        stop(floor)
    counts = manage_json(env, COUNT.replace("SESSION", str(prepared["session"]))
                         .replace("SIGNUP_PAGE", str(prepared["signup_page"]))
                         .replace("CONSULTATION_PAGE", str(prepared["consultation_page"])))
    shutil.rmtree(workdir, ignore_errors=True)

    floor_rps = results["framework floor (GET, same bytes)"]["rps"]
    get_rps = results["workshop page GET (every cache off)"]["rps"]
    rows, problems = [], []
    for name, result in results.items():
        row = {"database": label, "target": name, "bytes": len(body) if "GET" in name else None, **result,
               "floor": 100 * result["rps"] / floor_rps if floor_rps else None,
               "ratio": result["rps"] / get_rps if "POST" in name and get_rps else None}
        if "POST" in name:
            kind = name.split()[0].replace("working-group", "signup")
            count = counts[kind]
            accepted = result["all_requests"] - result["all_refused"]
            row.update(rows=count["rows"], notifications=count["notifications"])
            # wrk counts only the posts it saw answered: a few more may have been stored at its deadline.
            if count["rows"] < accepted or count["rows"] > accepted + args.clients * args.rounds:
                problems.append(f"{label} {name}: {accepted} accepted posts but {count['rows']} rows")
            if result["all_refused"] + result["all_errors"] > result["all_requests"] / 2:
                problems.append(f"{label} {name}: most posts refused ({result['all_refused']} of "
                                f"{result['all_requests']} not 200, {result['all_errors']} socket errors)")
            elif result["all_refused"]:
                problems.append(f"{label} {name}: {result['all_refused']} posts refused")
            if kind == "registration":
                row.update(confirmed=count["confirmed"], waitlisted=count["waitlisted"])
                if count["confirmed"] > args.capacity or count["confirmed"] != min(args.capacity, count["rows"]):
                    problems.append(f"{label}: OVERBOOKED or places lost: {count['confirmed']} confirmed, "
                                    f"capacity {args.capacity}, {count['rows']} registrations")
        rows.append(row)
    return rows, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append",
                        help='"sqlite", "postgres" (a throw-away cluster) or a postgres:// URL; repeatable '
                             "(default: sqlite and postgres)")
    parser.add_argument("--clients", type=int, default=8,
                        help="concurrent connections of every target (8, as bench/pages.py)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per target, all rounds (10)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds per target, best kept (2)")
    parser.add_argument("--capacity", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench/registration.py needs wrk: apt-get install -y wrk")
    print(f"Form rate limit OFF for this run (FORM_RATE_LIMIT={RATE_LIMIT_OFF}): every post comes from one "
          "address.", file=sys.stderr)
    rows, problems, clusters = [], [], []
    try:
        for url in args.database_url or ["sqlite", "postgres"]:
            if url == "postgres":
                started = start_postgres(tempfile.mkdtemp(prefix="bench-registration-pg-"))
                if started is None:
                    continue
                url, stop_cluster = started
                clusters.append(stop_cluster)
            label = "SQLite" if url == "sqlite" else "PostgreSQL"
            more_rows, more_problems = run(url, label, args)
            rows += more_rows
            problems += more_problems
    finally:
        for stop_cluster in clusters:
            stop_cluster()
    print()
    print(f"gunicorn {args.workers} workers × {args.threads} thread(s), every cache off, form rate limit off "
          f"({RATE_LIMIT_OFF}), wrk {args.clients} connections, best of {args.rounds} rounds of "
          f"{args.duration / args.rounds:g} s per target; capacity {args.capacity}")
    print()
    print_table(
        [("database", "Database", "{}"), ("target", "Target", "{}"), ("rps", "Req/s", "{:.0f}"),
         ("p50", "p50 ms", "{:.1f}"), ("p99", "p99 ms", "{:.1f}"), ("floor", "% of framework floor", "{:.1f} %"),
         ("ratio", "POST / GET", "{:.2f}"), ("all_requests", "Answered", "{}"), ("all_refused", "Not 200", "{}"),
         ("rows", "Rows", "{}"), ("notifications", "Outbox rows", "{}"), ("confirmed", "Confirmed", "{}"),
         ("waitlisted", "Waitlisted", "{}")],
        rows,
    )
    if problems:
        print()
        for problem in problems:
            print(f"FAILED: {problem}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
