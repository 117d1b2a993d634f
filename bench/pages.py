"""Benchmark: public pages per second under gunicorn, read against a framework floor and a physical floor.

For the home page, the news index, a news page, a strategy page, a workshop page, the working-group
sign-up page, the open consultation page, the consultation report (of the ended consultation) and the
survey page of the demo site it measures requests per second and p50/p99 latency with a load generator
on loopback, against:

* the project under gunicorn (2 sync workers by default), four times: with every cache off (page
  cache, fragment cache and the routing memo: ``ROUTE_MEMO=0`` — what the first visitor after a
  publication, previews, a POST's result page and the admin cost); with no cache (page and fragment
  caches off, the routing memo on: ``PAGE_CACHE_SECONDS=0 FRAGMENT_CACHE_SECONDS=0``); with the page
  cache off — the *uncached*
  page: every request goes through all of Django's middleware, Wagtail's site lookup, routing,
  view-restriction check, ``serve()`` and the page template, with the shared parts and the page's
  main content taken from the fragment cache and places and CSRF token filled in fresh — and with the
  page cache on (anonymous responses served before most of Django). The cache is each worker's
  memory, the default set-up (``--cache redis``: Redis); Redis is the task broker when installed;
* the framework floor: bench/floor_wsgi.py, a Django application with one view returning the same
  bytes, under the same gunicorn settings;
* the physical floor: nginx serving the same bytes as static files (2 worker processes).

"% of framework floor" is the page's throughput as a share of the floor's for the same bytes. Targets
run in interleaved rounds and keep their best, so other load on the machine hits all of them alike.
"SQL first" is the number of queries of the first anonymous request after the cache is cleared
(Django's CaptureQueriesContext), "SQL next" of the following one. The second table shows the peak
resident memory (VmHWM) of each gunicorn worker and of the django-q2 cluster's processes, which run
through the load while a burst of registrations queues notification tasks.

Run by hand from the repository root (about 5 minutes with the defaults, loopback only):

    apt-get install -y wrk nginx redis-server          # load generator, static floor, cache and broker
    .venv/bin/python bench/pages.py                    # demo content in a throw-away SQLite file
    .venv/bin/python bench/pages.py --duration 4 --only home,news
    .venv/bin/python bench/pages.py --database-url postgres://postgres@127.0.0.1:5446/bench --cache redis

Without wrk a threaded Python client with keep-alive is used (it saturates sooner: the figures are then
lower bounds); without nginx Python's http.server stands in for the static floor (with a warning: it
is no floor at all). A PostgreSQL database must exist and be empty or previously benchmarked.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from _common import (
    PYTHON,
    ROOT,
    app_env,
    child_pids,
    free_port,
    manage_json,
    peak_rss_mib,
    percentile,
    print_table,
    start_gunicorn,
    stop,
    wait_until_up,
)

BENCH_DIR = Path(__file__).resolve().parent
PAGES = ("home", "news_index", "news", "strategy", "workshop", "working_groups", "consultation", "report", "survey")
# Answered by Wagtail on every request (forms hold a CSRF token; the report changes when its consultation ends).
NEVER_PAGE_CACHED = frozenset({"workshop", "working_groups", "consultation", "report", "survey"})

FIND_PAGES = """
import json
from strategy_pages.models import HomePage, NewsIndexPage, NewsPage, StrategyPage
from django.utils import timezone
from forms.models import ConsultationPage, ConsultationReportPage, SurveyPage, WorkingGroupSignupPage, WorkshopPage
now = timezone.now()
found = {}
for key, pages in [("home", HomePage.objects), ("news_index", NewsIndexPage.objects), ("news", NewsPage.objects),
                   ("strategy", StrategyPage.objects), ("workshop", WorkshopPage.objects),
                   ("working_groups", WorkingGroupSignupPage.objects),
                   ("consultation", ConsultationPage.objects.filter(starts_at__lte=now, ends_at__gt=now)),
                   ("report", ConsultationReportPage.objects),  # the ended consultation's
                   ("survey", SurveyPage.objects)]:
    page = pages.live().public().order_by("path").first()
    found[key] = page.get_url() if page else None
print(json.dumps(found))
"""

COUNT_QUERIES = """
import json
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
counts = {}
for key, url in URLS.items():
    client = Client()
    cache.clear()
    row = {}
    for phase in ("cold", "warm"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, (url, response.status_code)
        row[phase] = len(queries)
    counts[key] = row
cache.clear()
print(json.dumps(counts))
"""

REGISTER_BURST = """
import datetime, json
from django.utils import timezone
from forms import services
from forms.models import WorkshopPage, WorkshopSession
page = WorkshopPage.objects.live().order_by("path").first()
start = timezone.now() + datetime.timedelta(days=30)
session = WorkshopSession.objects.create(page=page, title="Benchmark burst", starts_at=start,
                                         ends_at=start + datetime.timedelta(hours=2), capacity=COUNT)
for number in range(COUNT):
    services.register(page, sessions=[session], full_name=f"Osoba {number}", email=f"burst{number}@example.org",
                      enforce_window=False)
print(json.dumps({"session": session.pk}))
"""

NGINX_CONF = """worker_processes {workers};
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {dir}/tmp;
    proxy_temp_path {dir}/tmp;
    fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp;
    scgi_temp_path {dir}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {www};
        default_type "text/html; charset=utf-8";
        location / {{ index index.html; try_files $uri $uri/index.html =404; }}
    }}
}}
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="sqlite", help='"sqlite" (default) or a postgres:// URL')
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per target, all rounds (10)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections (8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync worker)")
    parser.add_argument("--cache-seconds", type=int, default=300, help="PAGE_CACHE_SECONDS of the cached run")
    parser.add_argument("--cache", choices=("local", "redis"), default="local",
                        help="Django cache of the app: each worker's memory (local, the default setup) or Redis")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(PAGES)}")
    parser.add_argument("--registrations", type=int, default=200, help="burst queued during the load (200)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds per target, best kept (2)")
    return parser.parse_args()


# --- load generators -----------------------------------------------------------------------------

_WRK_LATENCY = re.compile(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(url, duration, connections):
    result = subprocess.run(
        # wrk takes whole seconds only.
        ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency", "--timeout", "10s", url],
        capture_output=True, text=True, check=True,
    )
    out = result.stdout
    latencies = {m.group(1): float(m.group(2)) * _UNITS[m.group(3)] for m in _WRK_LATENCY.finditer(out)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0)
    return {"rps": rps, "p50": latencies.get("50"), "p99": latencies.get("99"), "failed": failed}


def run_python_client(url, duration, connections):
    """Fallback load generator: one thread per connection, HTTP/1.1 keep-alive, reconnecting when closed."""
    parsed = urllib.request.urlparse(url)
    deadline = time.monotonic() + duration
    latencies, failures, lock = [], [0], threading.Lock()

    def worker():
        conn, mine, failed = None, [], 0
        while time.monotonic() < deadline:
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
                started = time.perf_counter()
                conn.request("GET", parsed.path or "/")
                response = conn.getresponse()
                response.read()
                mine.append((time.perf_counter() - started) * 1000)
                if response.status >= 400:
                    failed += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                failed += 1
                conn = None
        with lock:
            latencies.extend(mine)
            failures[0] += failed

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if not latencies:
        return {"rps": 0.0, "p50": None, "p99": None, "failed": failures[0]}
    return {"rps": len(latencies) / elapsed, "p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99),
            "failed": failures[0]}


def load(url, args):
    if shutil.which("wrk"):
        return run_wrk(url, args.duration, args.connections)
    return run_python_client(url, args.duration, args.connections)


# --- servers -------------------------------------------------------------------------------------

def start_redis(workdir):
    if not shutil.which("redis-server"):
        print("WARNING: redis-server not installed; the cached run uses the local-memory cache", file=sys.stderr)
        return None, None
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            with http.client.socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, port
        except OSError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def start_static_floor(www, workdir, workers):
    port = free_port()
    if shutil.which("nginx"):
        Path(workdir, "tmp").mkdir(exist_ok=True)
        conf = Path(workdir, "nginx.conf")
        user = "user root;" if os.geteuid() == 0 else ""
        conf.write_text(NGINX_CONF.format(workers=workers, dir=workdir, port=port, www=www, user=user))
        process = subprocess.Popen(["nginx", "-p", str(workdir), "-c", str(conf)])
        return process, port, "nginx"
    print("WARNING: nginx not installed (apt-get install -y nginx); python http.server is NOT a physical floor",
          file=sys.stderr)
    process = subprocess.Popen(
        [PYTHON, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(www)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return process, port, "http.server"


def worker_peaks(master):
    return [peak for pid in child_pids(master.pid) if (peak := peak_rss_mib(pid)) is not None]


def process_tree(pid):
    pids = [pid]
    for child in child_pids(pid):
        pids.extend(process_tree(child))
    return pids


# --- the run -------------------------------------------------------------------------------------

TARGETS = (
    ("every cache off", {"PAGE_CACHE_SECONDS": "0", "FRAGMENT_CACHE_SECONDS": "0", "ROUTE_MEMO": "0"}),
    ("no cache", {"PAGE_CACHE_SECONDS": "0", "FRAGMENT_CACHE_SECONDS": "0"}),
    ("page cache off", {"PAGE_CACHE_SECONDS": "0"}),
    ("page cache", {}),
)


def start_app(env, args):
    port = free_port()
    return start_gunicorn(env, port, workers=args.workers, threads=args.threads), port


def main():
    args = parse_args()
    keys = [key for key in PAGES if not args.only or key in args.only.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    workdir.chmod(0o755)
    redis, redis_port = start_redis(workdir)
    cache_url = f"redis://127.0.0.1:{redis_port}/0" if redis_port and args.cache == "redis" else ""
    broker = {"Q_BROKER": "redis", "Q_REDIS_URL": f"redis://127.0.0.1:{redis_port}/1"} if redis_port else {}
    common = {"MEDIA_ROOT": workdir / "media", "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
              "CACHE_URL": cache_url, "DB_CONN_MAX_AGE": 60, "FORM_RATE_LIMIT": "1000000/1",
              "PAGE_CACHE_SECONDS": args.cache_seconds, "FRAGMENT_CACHE_SECONDS": 3600, **broker}
    env = app_env(args.database_url, workdir, "bench_pages_settings", **common)
    servers, qcluster = {}, None
    try:
        print("migrating and loading the demo content…", file=sys.stderr)
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([PYTHON, "manage.py", "load_demo_content"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        urls = {key: url for key, url in manage_json(env, FIND_PAGES).items() if key in keys and url}
        queries = {
            name: manage_json({**env, **extra}, COUNT_QUERIES.replace("URLS", repr(urls)))
            for name, extra in TARGETS[:3]
        }
        for name, extra in TARGETS:
            servers[name] = start_app({**env, **extra}, args)
        bodies = {}
        for key, url in urls.items():
            for process, port in servers.values():
                wait_until_up(f"http://127.0.0.1:{port}{url}", process)
            with urllib.request.urlopen(f"http://127.0.0.1:{servers['no cache'][1]}{url}", timeout=30) as response:
                bodies[key] = response.read()

        www = workdir / "www"
        for key, url in urls.items():
            target = www / url.strip("/") / "index.html" if url.strip("/") else www / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(bodies[key])
        for path in [www, *www.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        floor_env = {**os.environ, "FLOOR_DIR": str(www),
                     "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR), os.environ.get("PYTHONPATH")]))}
        floor_port = free_port()
        servers["framework floor"] = (
            start_gunicorn(floor_env, floor_port, workers=args.workers, threads=args.threads,
                           app="floor_wsgi:application", cwd=BENCH_DIR),
            floor_port,
        )
        static, static_port, static_name = start_static_floor(www, workdir, args.workers)
        servers[f"static floor ({static_name})"] = (static, static_port)
        for process, port in servers.values():
            wait_until_up(f"http://127.0.0.1:{port}{next(iter(urls.values()))}", process)

        # The queue worker runs through the whole load, with a burst of registrations queuing its tasks.
        qcluster = subprocess.Popen([PYTHON, "manage.py", "qcluster"], cwd=ROOT, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        burst = threading.Thread(
            target=manage_json, args=(env, REGISTER_BURST.replace("COUNT", str(args.registrations)))
        )
        burst.start()

        # Rounds interleave the targets, and each keeps its best round: other processes on the machine
        # then disturb every target alike instead of whichever happened to run at the wrong moment.
        results = {}
        round_args = argparse.Namespace(**{**vars(args), "duration": args.duration / args.rounds})
        for key, url in urls.items():
            for round_number in range(args.rounds):
                for name, (_process, port) in servers.items():
                    print(f"[{key}] {name}, round {round_number + 1}", file=sys.stderr)
                    result = load(f"http://127.0.0.1:{port}{url}", round_args)
                    best = results.get((key, name))
                    if best is None or result["rps"] > best["rps"]:
                        results[(key, name)] = result
        burst.join()
        time.sleep(2)  # let the cluster finish the burst's tasks
        queue_peaks = [peak for pid in process_tree(qcluster.pid) if (peak := peak_rss_mib(pid)) is not None]
        memory = [
            {"process": f"gunicorn worker, {name}", "count": len(peaks), "peak": ", ".join(f"{p:.0f}" for p in peaks)}
            for name, (process, _port) in servers.items()
            if not name.startswith("static") and (peaks := worker_peaks(process))
        ]
        memory.append({"process": f"qcluster (all processes; {args.registrations} registrations queued)",
                       "count": len(queue_peaks), "peak": ", ".join(f"{p:.0f}" for p in queue_peaks)})
    finally:
        if qcluster is not None:
            qcluster.send_signal(signal.SIGTERM)
            try:
                qcluster.wait(timeout=30)
            except subprocess.TimeoutExpired:
                qcluster.kill()
        for process, _port in servers.values():
            stop(process)
        stop(redis)

    rows = []
    for key in urls:
        floor_rps = results[(key, "framework floor")]["rps"]
        for name in servers:
            result = results[(key, name)]
            row = {"page": key, "target": name, "bytes": len(bodies[key]), **result,
                   "ratio": 100 * result["rps"] / floor_rps if floor_rps else None, "queries": None, "warm": None}
            if name in queries:
                row["queries"], row["warm"] = queries[name][key]["cold"], queries[name][key]["warm"]
            elif name == "page cache":  # a hit makes no query; form pages and the report are never cached
                cold, warm = queries["page cache off"][key]["cold"], queries["page cache off"][key]["warm"]
                row["queries"], row["warm"] = cold, warm if key in NEVER_PAGE_CACHED else 0
            else:
                row["queries"] = row["warm"] = 0
            rows.append(row)
    print()
    print(f"gunicorn {args.workers} workers × {args.threads} thread(s), {args.connections} connections, "
          f"best of {args.rounds} rounds of {args.duration / args.rounds:g} s per target, "
          f"load generator: {'wrk' if shutil.which('wrk') else 'python'}, "
          f"database: {'SQLite' if args.database_url == 'sqlite' else 'PostgreSQL'}, "
          f"cache: {'Redis' if cache_url else 'local memory'}")
    print()
    print_table(
        [("page", "Page", "{}"), ("target", "Target", "{}"), ("bytes", "Bytes", "{}"), ("rps", "Req/s", "{:.0f}"),
         ("p50", "p50 ms", "{:.2f}"), ("p99", "p99 ms", "{:.2f}"), ("ratio", "% of framework floor", "{:.1f} %"),
         ("queries", "SQL first", "{}"), ("warm", "SQL next", "{}"), ("failed", "Errors", "{}")],
        rows,
    )
    print()
    print_table(
        [("process", "Process", "{}"), ("count", "Processes", "{}"), ("peak", "Peak RSS per process (MiB)", "{}")],
        memory,
    )
    shutil.rmtree(workdir, ignore_errors=True)
    return 1 if any(row["failed"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
