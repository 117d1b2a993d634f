"""Real servers for the integration tests and the benchmark: an SMTP server on loopback (aiosmtpd,
in this process) and the django-q2 worker (``manage.py qcluster``, a separate process)."""

import asyncio
import contextlib
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout=60, interval=0.05, message="condition", workers=()):
    """Poll ``predicate`` until it returns something true; fail early if a worker process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for worker in workers:
            worker.check_alive()
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout} s waiting for {message}.")


@dataclass
class Received:
    arrived_at: float  # time.time() when the server accepted it (before answering 250)
    recipients: list
    message: email.message.EmailMessage


@dataclass
class RecordingHandler:
    """Records accepted messages. It can refuse the next messages (``fail_next`` with ``fail_reply``),
    be slow (``delay``), or hold messages mid-DATA while ``gate`` is closed; a held message whose
    client disconnects is never recorded (aiosmtpd cancels the handler), as with a real server."""

    fail_next: int = 0
    fail_reply: str = "451 4.3.0 Temporary failure, try again later"
    delay: float = 0.0
    messages: list = field(default_factory=list)
    refused: int = 0
    in_flight: int = 0  # messages in DATA, not yet accepted
    held: int = 0  # of those, the ones waiting at the closed gate
    gate: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        self.gate.set()
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.fail_next > 0:
            self.fail_next -= 1
            self.refused += 1
            return self.fail_reply
        self.in_flight += 1
        try:
            await self._pass_gate()
            if self.delay:
                await asyncio.sleep(self.delay)
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            with self._lock:
                self.messages.append(Received(time.time(), list(envelope.rcpt_tos), message))
        finally:
            self.in_flight -= 1
        return "250 2.0.0 Message accepted"

    async def _pass_gate(self):
        if self.gate.is_set():
            return
        self.held += 1
        try:
            while not self.gate.is_set():
                await asyncio.sleep(0.01)
        finally:
            self.held -= 1

    def snapshot(self):
        with self._lock:
            return list(self.messages)


class SmtpServer:
    def __init__(self, handler=None):
        self.handler = handler or RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc_info):
        self.controller.stop()


def database_env():
    """Environment that points a child process at the database this process uses (the test database)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return {"SQLITE_PATH": str(db["NAME"]), "DATABASE_URL": None}
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return {"DATABASE_URL": f"postgres://{credentials}@{host}/{quote(db['NAME'])}"}


class Worker:
    """``manage.py qcluster`` in its own process group, so that killing it kills its worker processes too."""

    def __init__(self, smtp_port, log_path, **env):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "cms.settings.test"),
            "Q_SYNC": "0",
            "Q_BROKER": "orm",
            "Q_WORKERS": "2",
            "Q_TIMEOUT": "5",
            "Q_RETRY": "6",
            "Q_POLL": "0.05",
            "Q_LOG_LEVEL": "INFO",
            "NOTIFICATIONS_RETRY_BASE_SECONDS": "1",
            "NOTIFICATIONS_CLAIM_TIMEOUT": "5",
            "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "10",
        }
        for key, value in {**database_env(), **env}.items():
            if value is None:
                self.env.pop(key, None)
            else:
                self.env[key] = str(value)
        self.log_path = Path(log_path)
        self.process = None

    def start(self):
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def _signal_group(self, signum):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def kill(self):
        """SIGKILL to the whole process group: the cluster and its workers die mid-task."""
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            self._signal_group(signal.SIGKILL)  # orphaned workers, if any
            return
        self.process.terminate()  # qcluster stops its workers cleanly on SIGTERM
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=20)
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=10)

    def check_alive(self):
        if self.process.poll() is not None:
            raise AssertionError(f"qcluster exited with {self.process.returncode}:\n{self.log()}")

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
