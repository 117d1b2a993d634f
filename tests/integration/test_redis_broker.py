"""Integration: django-q2 with Redis as its broker — a real redis-server on loopback, the real worker
(``manage.py qcluster``, a separate process) and the test database (PostgreSQL in the PostgreSQL run).

The production layout in small: web processes queue tasks into Redis, worker processes (possibly on
other machines) take them from there and write to the shared database."""

import subprocess
import sys

import pytest
from django.contrib.auth.models import Group
from django_q.brokers.redis_broker import Redis
from django_q.conf import Conf
from django_q.models import Task
from django_q.tasks import async_task

from forms.workshops import services
from tests.forms.fixtures_workshops import make_workshop

from .servers import ROOT, RedisServer, child_env, stop, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def redis_server(tmp_path):
    with RedisServer(tmp_path) as server:
        yield server


@pytest.fixture
def redis_broker(redis_server, monkeypatch):
    """This process queues into the Redis server (django-q2 reads Q_CLUSTER once at import: patched)."""
    monkeypatch.setattr(Conf, "REDIS", redis_server.url)
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "SYNC", False)
    broker = Redis(list_key=Conf.CLUSTER_NAME)
    assert broker.ping()
    broker.purge_queue()
    return broker


@pytest.fixture
def qcluster(redis_server, tmp_path):
    log_path = tmp_path / "qcluster.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            env=child_env(Q_SYNC="0", Q_BROKER="redis", Q_REDIS_URL=redis_server.url, Q_WORKERS="2",
                          Q_TIMEOUT="10", Q_RETRY="20", Q_LOG_LEVEL="INFO"),
        )
        try:
            yield process
        finally:
            stop(process)
    print(log_path.read_text()[-3000:])


def test_worker_runs_tasks_queued_in_redis(redis_broker, qcluster):
    names = [f"redis-broker-{number}" for number in range(5)]
    for name in names:
        async_task("tests.integration.tasks.record_marker", name, broker=redis_broker, sync=False)
    assert redis_broker.queue_size() >= 1 or Group.objects.filter(name__in=names).exists()

    wait_for(lambda: Group.objects.filter(name__in=names).count() == len(names), timeout=90,
             message="the worker to run the tasks from Redis", processes=[qcluster])
    # The worker records the results in the shared database and leaves nothing in the queue.
    wait_for(lambda: Task.objects.filter(func="tests.integration.tasks.record_marker", success=True).count() == 5,
             timeout=30, message="the task results", processes=[qcluster])
    assert redis_broker.queue_size() == 0


def test_registration_notification_task_runs_from_redis(redis_broker, qcluster, settings):
    """A registration through the service queues its notification work on commit; the worker takes it
    from Redis (tasks pass primary keys only)."""
    page = make_workshop(capacities=(2,))
    session = page.sessions.get()
    services.register(page, sessions=[session], full_name="Ala Nowak", email="ala@example.org")
    wait_for(lambda: Task.objects.filter(success=True).exists(), timeout=90,
             message="the notification task to run in the worker", processes=[qcluster])
    assert redis_broker.queue_size() == 0
    failed = list(Task.objects.filter(success=False).values_list("func", "result"))
    assert failed == []
