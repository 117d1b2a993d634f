"""Real servers for the integration tests: Redis (Debian's redis-server) and gunicorn on loopback,
pointed at the test database of this process."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_program(name, package):
    """Skip when ``name`` is missing on a developer machine; in CI (``CI`` set) fail instead."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install -y {package})"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must install it")
        pytest.skip(message)
    return path


def database_env():
    """Environment pointing a child process at the database this process uses (the test database)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return {"SQLITE_PATH": str(db["NAME"]), "DATABASE_URL": None}
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return {"DATABASE_URL": f"postgres://{credentials}@{host}/{quote(db['NAME'])}"}


def child_env(**extra):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "cms.settings.test")}
    for key, value in {**database_env(), **extra}.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    return env


def wait_for(predicate, timeout=60, interval=0.1, message="condition", processes=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise AssertionError(f"{process.args[0]} exited with {process.returncode} while waiting for {message}")
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout} s waiting for {message}.")


def stop(process, timeout=30):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class RedisServer:
    """``redis-server`` on a free loopback port, in the foreground of a child process, nothing saved."""

    def __init__(self, workdir):
        self.binary = require_program("redis-server", "redis-server")
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )

        def answers():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    return sock.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_for(answers, timeout=20, message="redis-server", processes=[self.process])
        return self

    def __exit__(self, *exc_info):
        stop(self.process)


class Gunicorn:
    """The project under gunicorn (sync workers) on a free loopback port, against the test database."""

    def __init__(self, log_path, workers=2, **env):
        self.port = free_port()
        self.env = child_env(**env)
        self.log_path = log_path
        self.workers = workers
        self.process = None

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self):
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            [GUNICORN, "cms.wsgi:application", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
             "--timeout", "120", "--backlog", "2048", "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )

        def answers():
            try:
                with urllib.request.urlopen(self.url("/robots.txt"), timeout=5) as response:
                    return response.status == 200
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return False

        wait_for(answers, timeout=60, message="gunicorn", processes=[self.process])
        return self

    def __exit__(self, *exc_info):
        stop(self.process)
        self.log.close()
