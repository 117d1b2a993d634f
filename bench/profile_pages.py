"""Profile of the render path: one public page rendered in-process, many times, with every cache off.

Prepares the demo content in a throw-away SQLite file (or reuses ``--workdir``), then calls the WSGI
application directly (the same settings as bench/pages.py: dev settings, DEBUG off, page cache,
fragment cache and routing memo off) and prints the milliseconds per request of each page, and with
``--profile`` a pyinstrument profile (``pip install pyinstrument``) of the chosen pages.

    .venv/bin/python bench/profile_pages.py                          # ms per request, all five pages
    .venv/bin/python bench/profile_pages.py --profile --only strategy --requests 300
    .venv/bin/python bench/profile_pages.py --queries --requests 1     # the SQL of each page

It prints the CPU time per request of this thread (``time.thread_time``), which other load on the
machine disturbs far less than wall time, the profile tree, the functions with the most inclusive time
and the self time by area (database access, template engine, images, i18n, forms, blocks, other).
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, ROOT, app_env, manage_json  # noqa: E402

PAGES = ("home", "news_index", "news", "strategy", "workshop")
FIND_PAGES = """
import json
from strategy_pages.models import HomePage, NewsIndexPage, NewsPage, StrategyPage
from forms.models import WorkshopPage
found = {}
for key, model in [("home", HomePage), ("news_index", NewsIndexPage), ("news", NewsPage),
                   ("strategy", StrategyPage), ("workshop", WorkshopPage)]:
    page = model.objects.live().public().order_by("path").first()
    found[key] = page.get_url() if page else None
print(json.dumps(found))
"""


def print_top(root, count):
    """The functions with the most time inclusive of what they call (each counted once per stack), as a
    share of the whole: where the time goes, whatever the depth of the template nodes above it."""
    totals = {}

    def walk(frame, seen):
        key = f"{frame.function}  {frame.file_path_short}:{frame.line_no}"
        if key not in seen:
            totals[key] = totals.get(key, 0.0) + frame.time
            seen = seen | {key}
        for child in frame.children:
            walk(child, seen)

    walk(root, frozenset())
    whole = root.time or 1.0
    # Self time by what the stack is doing: database access (the ORM building queries, making
    # objects, the driver), else the first matching area from the top of the stack.
    areas = {}

    def area_of(frame, inherited):
        path = frame.file_path or ""
        if inherited == "database (ORM + driver)":
            return inherited
        if "django/db/" in path:
            return "database (ORM + driver)"
        for marker, name in (("django/forms/", "Django forms"), ("wagtail/images", "images (renditions)"),
                             ("wagtail/blocks", "StreamField blocks"), ("django/utils/formats", "i18n/formats"),
                             ("django/utils/translation", "i18n/formats"), ("django/utils/dateformat", "i18n/formats"),
                             ("django/template/", "template engine")):
            if marker in path:
                return name
        return inherited

    def walk_areas(frame, inherited):
        current = area_of(frame, inherited)
        own = frame.time - sum(child.time for child in frame.children)
        areas[current] = areas.get(current, 0.0) + own
        for child in frame.children:
            walk_areas(child, current)

    walk_areas(root, "other (middleware, routing, views, project code)")
    print("Self time by area:")
    for name, value in sorted(areas.items(), key=lambda item: -item[1]):
        print(f"{100 * value / whole:6.1f} %  {name}")
    print(f"Top {count} functions by inclusive time (share of all requests):")
    for key, value in sorted(totals.items(), key=lambda item: -item[1])[:count]:
        print(f"{100 * value / whole:6.1f} %  {key}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", help="directory of a database prepared before (kept)")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(PAGES)}")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="pyinstrument profile of the requests")
    parser.add_argument("--cpu-timer", action="store_true", help="sample on CPU time (slow) instead of wall time")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one request per page")
    parser.add_argument("--top", type=int, default=60, help="functions listed by inclusive time (60)")
    parser.add_argument("--caches", action="store_true", help="fragment cache and routing memo on")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="profile-pages-"))
    workdir.mkdir(exist_ok=True)
    extra = {"PAGE_CACHE_SECONDS": 0, "FRAGMENT_CACHE_SECONDS": 3600 if args.caches else 0,
             "ROUTE_MEMO": 1 if args.caches else 0, "MEDIA_ROOT": workdir / "media", "DB_CONN_MAX_AGE": 60,
             "FORM_RATE_LIMIT": "0/0"}
    env = app_env("sqlite", workdir, "bench_profile_settings", **extra)
    if not (workdir / "urls.json").exists():
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([PYTHON, "manage.py", "load_demo_content"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        (workdir / "urls.json").write_text(json.dumps(manage_json(env, FIND_PAGES)))
    urls = json.loads((workdir / "urls.json").read_text())
    os.environ.update({key: value for key, value in env.items() if key not in os.environ or key in extra
                       or key in ("DJANGO_SETTINGS_MODULE", "SQLITE_PATH", "PYTHONPATH", "STATIC_ROOT")})
    sys.path[:0] = [str(ROOT), str(workdir)]

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    application = WSGIHandler()

    def get(path):
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1",
        }
        statuses = []
        body = b"".join(application(environ, lambda status, headers: statuses.append(status)))
        assert statuses[0].startswith("200"), (path, statuses)
        return body

    keys = [key for key in PAGES if (not args.only or key in args.only.split(",")) and urls.get(key)]
    for key in keys:  # warm-up: imports, renditions, template compilation
        for _ in range(3):
            get(urls[key])
    if args.queries:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for key in keys:
            with CaptureQueriesContext(connection) as captured:
                get(urls[key])
            print(f"--- {key}: {len(captured.captured_queries)} queries")
            for query in captured.captured_queries:
                print(f"  {query['time']}  {query['sql'][:400]}")
    profiler = None
    if args.profile:
        from pyinstrument import Profiler
        from pyinstrument.stack_sampler import get_stack_sampler

        if args.cpu_timer:
            # CPU time of this thread, not wall time (other processes do not count), at a high overhead.
            get_stack_sampler().timer_func = time.thread_time
        profiler = Profiler(interval=0.0005)
        profiler.start()
    for key in keys:
        started, cpu_started = time.perf_counter(), time.thread_time()
        for _ in range(args.requests):
            body = get(urls[key])
        elapsed, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
        print(f"{key:12} {1000 * cpu / args.requests:7.2f} ms CPU per request ({1000 * elapsed / args.requests:.2f} ms "
              f"wall), {len(body)} bytes", file=sys.stderr)
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False, short_mode=False))
        print_top(profiler.last_session.root_frame(), args.top)
    print(f"workdir: {workdir}", file=sys.stderr)


if __name__ == "__main__":
    main()
