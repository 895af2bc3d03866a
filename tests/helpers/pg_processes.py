"""Real PostgreSQL-side processes for tests: PgBouncer in transaction mode, and a primary with
a streaming hot standby, each on free loopback ports, from the installed Debian binaries.

As root (CI) they run as the ``postgres`` OS user (``runuser``): PostgreSQL and PgBouncer
refuse to run as root. Their files live in a temporary folder owned by that user. A part
that is missing makes the test skip, or fail with the install line when
``FIELDAPP_REQUIRE_POSTGRES=1`` (CI), so CI can never pass without running them.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PGBOUNCER = Path("/usr/sbin/pgbouncer")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
REQUIRE_ENV = "FIELDAPP_REQUIRE_POSTGRES"


def missing(what: str, install: str) -> None:
    """Skip the test, or fail it in CI, because *what* is not installed."""
    message = f"{what} is not installed here; install it with `{install}`"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_service_user(cmd: list[str]) -> list[str]:
    """*cmd* run as ``postgres`` when we are root, as it is otherwise."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@contextlib.contextmanager
def service_dir(prefix: str) -> Iterator[Path]:
    """A temporary folder the service user may write to (removed afterwards)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(path, user.pw_uid, user.pw_gid)
        path.chmod(0o700)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _write(path: Path, text: str) -> None:
    path.write_text(text)
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(path, user.pw_uid, user.pw_gid)


def wait_for_port(
    port: int, proc: subprocess.Popen[bytes], log: Path, timeout_s: float = 30
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the process exited ({proc.returncode}): {_tail(log)}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout_s} s: {_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return log.read_text()[-2000:]
    except OSError:
        return "(no log)"


# --------------------------------------------------------------------------- PgBouncer


@dataclass
class PgBouncer:
    port: int
    process: subprocess.Popen[bytes]

    def url(self, base_url: str) -> str:
        """*base_url* (a SQLAlchemy PostgreSQL URL) through this pooler, marked as pooled."""
        from sqlalchemy.engine import make_url

        url = make_url(base_url).set(host="127.0.0.1", port=self.port)
        return url.update_query_dict({"pooler": "transaction"}).render_as_string(
            hide_password=False
        )


@contextlib.contextmanager
def pgbouncer(
    user: str, target_port: int = 5432, pool_size: int = 20, host: str = "127.0.0.1"
) -> Iterator[PgBouncer]:
    """PgBouncer in transaction mode on a free loopback port in front of the PostgreSQL
    server at *host*:*target_port*, for every database, trusting *user* (as the server does)."""
    if not PGBOUNCER.exists():
        missing("PgBouncer", "apt-get install -y pgbouncer")
    port = free_port()
    with service_dir("fieldapp-pgbouncer-") as folder:
        ini, log = folder / "pgbouncer.ini", folder / "pgbouncer.log"
        _write(folder / "userlist.txt", f'"{user}" ""\n')
        _write(
            ini,
            "\n".join(
                [
                    "[databases]",
                    f"* = host={host} port={target_port}",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    f"listen_port = {port}",
                    "unix_socket_dir =",
                    "auth_type = trust",
                    f"auth_file = {folder / 'userlist.txt'}",
                    "pool_mode = transaction",
                    f"default_pool_size = {pool_size}",
                    "max_client_conn = 500",
                    f"logfile = {log}",
                    "ignore_startup_parameters = extra_float_digits,options",
                    "",
                ]
            ),
        )
        proc = subprocess.Popen(
            _as_service_user([str(PGBOUNCER), str(ini)]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, proc, log)
            yield PgBouncer(port, proc)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# --------------------------------------------------------------------------- primary + standby


@dataclass
class Cluster:
    """A primary and its streaming hot standby, both trusting :attr:`user` over loopback."""

    user: str
    primary_port: int
    standby_port: int
    folder: Path

    def url(self, port: int, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{port}/{database}"

    def stop_standby(self) -> None:
        _run([str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "standby"), "-m", "fast", "stop"])


def _run(cmd: list[str]) -> None:
    done = subprocess.run(_as_service_user(cmd), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")


def _server_settings(port: int, folder: Path) -> str:
    return "\n".join(
        [
            "",
            f"port = {port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{folder}'",
            "fsync = off",  # a throwaway test cluster
            "wal_level = replica",
            "max_wal_senders = 4",
            "hot_standby = on",
            "",
        ]
    )


@contextlib.contextmanager
def primary_and_standby(user: str = "fieldapp") -> Iterator[Cluster]:
    """``initdb`` a primary, ``pg_basebackup -R`` a standby from it, start both on free
    loopback ports; stopped and removed afterwards."""
    tools = [PG_BIN / name for name in ("initdb", "pg_ctl", "pg_basebackup")]
    if not all(t.exists() for t in tools):
        missing(f"PostgreSQL 15's server binaries ({PG_BIN})", "apt-get install -y postgresql-15")
    with service_dir("fieldapp-replica-") as folder:
        cluster = Cluster(user, free_port(), free_port(), folder)
        primary, standby = folder / "primary", folder / "standby"
        pg_ctl = str(PG_BIN / "pg_ctl")
        _run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(primary),
                "-U",
                user,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        )
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(_server_settings(cluster.primary_port, folder))
        _run([pg_ctl, "-D", str(primary), "-l", str(folder / "primary.log"), "-w", "start"])
        try:
            _run(
                [
                    str(PG_BIN / "pg_basebackup"),
                    *("-h", "127.0.0.1", "-p", str(cluster.primary_port), "-U", user),
                    *("-D", str(standby), "-R", "-X", "stream", "-c", "fast"),
                ]
            )
            with (standby / "postgresql.conf").open("a") as conf:
                conf.write(_server_settings(cluster.standby_port, folder))
            _run([pg_ctl, "-D", str(standby), "-l", str(folder / "standby.log"), "-w", "start"])
            try:
                yield cluster
            finally:
                subprocess.run(
                    _as_service_user([pg_ctl, "-D", str(standby), "-m", "immediate", "stop"]),
                    capture_output=True,
                    timeout=60,
                )
        finally:
            subprocess.run(
                _as_service_user([pg_ctl, "-D", str(primary), "-m", "fast", "stop"]),
                capture_output=True,
                timeout=60,
            )
