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
