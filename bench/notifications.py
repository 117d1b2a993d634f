"""Benchmark: time from a registration's commit to its confirmation reaching the SMTP server.

Real parts only: registrations go through ``forms.workshops.services.register`` (which records the message
and queues its task on commit), the django-q2 cluster runs as a separate ``manage.py qcluster``
process on the ORM broker, and the SMTP server is aiosmtpd on loopback. Two phases:

* paced: one registration every 1/RATE seconds, so the figure is the latency of one message;
* burst: all registrations at once, so the figure is throughput (and latency under a backlog).

Run from the repository root (about a minute; a fresh SQLite database in a temporary directory,
or the PostgreSQL database named by DATABASE_URL, which must be empty or disposable)::

    .venv/bin/python bench/notifications.py                      # 200 registrations, 2 workers
    .venv/bin/python bench/notifications.py -n 500 --workers 4 --poll 0.05 --rate 20

Prints median, p90, p99 and max latency and the throughput of each phase.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--registrations", type=int, default=200, help="per phase (default 200)")
    parser.add_argument("--workers", type=int, default=2, help="django-q2 workers (default 2)")
    parser.add_argument("--poll", type=float, default=0.5, help="ORM broker poll interval in s (default 0.5)")
    parser.add_argument("--rate", type=float, default=10, help="paced phase: registrations per second")
    return parser.parse_args()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(name, latencies, elapsed):
    ms = [value * 1000 for value in latencies]
    print(
        f"{name:>6}: n={len(ms)}  median {statistics.median(ms):7.1f} ms  p90 {percentile(ms, 0.9):7.1f} ms  "
        f"p99 {percentile(ms, 0.99):7.1f} ms  max {max(ms):7.1f} ms  throughput {len(ms) / elapsed:6.1f} msg/s"
    )


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ.update(Q_POLL=str(args.poll), Q_WORKERS=str(args.workers), LOG_LEVEL="WARNING")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Site

    from forms import services
    from forms.models import FormIndexPage, WorkshopPage, WorkshopSession
    from tests.notifications.servers import SmtpServer, Worker, wait_for

    print(f"Database: {os.environ.get('DATABASE_URL') or os.environ['SQLITE_PATH']}; migrating…", flush=True)
    call_command("migrate", verbosity=0)

    root = Site.objects.get(is_default_site=True).root_page
    index = FormIndexPage(title="Benchmark", slug=f"benchmark-{int(time.time())}")
    root.add_child(instance=index)
    now = timezone.now()
    page = WorkshopPage(
        title="Warsztaty (benchmark)",
        venue="Sala posiedzeń",
        registration_opens_at=now - timedelta(days=1),
        capacity_alerts=False,
        staff_notifications="off",
    )
    index.add_child(instance=page)
    session = WorkshopSession.objects.create(
        page=page,
        title="Sesja",
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=2),
        capacity=10 * args.registrations,
    )

    with SmtpServer() as smtp:
        worker = Worker(
            smtp.port,
            workdir / "qcluster.log",
            DJANGO_SETTINGS_MODULE=os.environ["DJANGO_SETTINGS_MODULE"],
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            Q_WORKERS=args.workers,
            Q_POLL=args.poll,
            Q_TIMEOUT=60,
            Q_RETRY=90,
            Q_LOG_LEVEL="WARNING",
        ).start()
        try:
            committed = {}

            def register(address):
                with transaction.atomic():
                    # Registered first, so it runs first after the commit, before the task is queued.
                    transaction.on_commit(lambda: committed.__setitem__(address, time.time()))
                    services.register(page, sessions=[session], full_name="Osoba Testowa", email=address)

            # Warm-up: the cluster is up and its workers have imported everything.
            register("rozgrzewka@example.org")
            wait_for(lambda: smtp.handler.snapshot(), timeout=60, message=f"warm-up; log:\n{worker.log()}")

            for phase in ("paced", "burst"):
                addresses = [f"{phase}{i}@example.org" for i in range(args.registrations)]
                started = time.time()
                for address in addresses:
                    register(address)
                    if phase == "paced":
                        time.sleep(1 / args.rate)
                wanted = set(addresses)
                arrived = wait_for(
                    lambda wanted=wanted: (
                        found
                        if len(found := {r.recipients[0]: r.arrived_at for r in smtp.handler.snapshot()
                                         if r.recipients[0] in wanted}) == len(wanted)
                        else None
                    ),
                    timeout=600,
                    interval=0.2,
                    message=f"{phase} messages; log:\n{worker.log()}",
                )
                elapsed = max(arrived.values()) - started
                report(phase, [arrived[address] - committed[address] for address in addresses], elapsed)
        finally:
            worker.stop()
    print(f"{args.workers} workers, ORM broker poll {args.poll} s, {os.cpu_count()} CPUs; work files in {workdir}")


if __name__ == "__main__":
    main()
