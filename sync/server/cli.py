"""``fieldapp-server``: run and administer a district sync server.

Every subcommand exits 0 on success and non-zero with a one-line reason on failure (2 for a
usage error). Known conditions (bad input, unknown district, weak password, duplicate user,
database unreachable, database not migrated) never print a traceback. Passwords are read from a
prompt or from stdin (``--password-stdin``), never from the command line.
"""

from __future__ import annotations

import argparse
import gc
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from sync.server import db
from sync.server.settings import Settings, SettingsError

PROG = "fieldapp-server"
DEFAULT_PORT = 8750
_ONE_DAY = timedelta(days=1)

DESCRIPTION = """\
Run and administer a 돌봄노트 district sync server.

The database is chosen by --database-url, else the FIELDAPP_DATABASE_URL environment variable,
else a SQLite file in this computer's user data folder. Production uses PostgreSQL:
  --database-url postgresql+psycopg://USER@HOST/DBNAME
Other settings come from FIELDAPP_* variables (FIELDAPP_SECRET_KEY, FIELDAPP_PRODUCTION, ...).
Run `migrate` once after installing and after every upgrade, before `serve`."""

EPILOG = """\
examples:
  fieldapp-server migrate
  fieldapp-server create-district 11440 마포구
  printf '%s\\n' "$PASSWORD" | fieldapp-server create-user kim --role nurse \\
      --district 11440 --password-stdin
  fieldapp-server import-households 공덕동.csv --district 11440 --dry-run
  fieldapp-server serve --host 127.0.0.1 --port 8750"""


class CommandError(Exception):
    """A known condition: the message is the one line shown to the user."""


# --------------------------------------------------------------------------- helpers


def _shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(db.normalize_url(url)).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown as given minus nothing secret
        return "(unparsable database URL)"


def _one_line(exc: BaseException) -> str:
    text_ = str(getattr(exc, "orig", None) or exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__


@contextmanager
def _database_errors(url: str) -> Iterator[None]:
    """Turn 'cannot connect' and 'no such table' into one-line CommandErrors."""
    try:
        yield
    except OperationalError as exc:
        message = _one_line(exc)
        if "no such table" in message or ("relation" in message and "does not exist" in message):
            raise CommandError(
                f"the database at {_shown_url(url)} is not set up; run `{PROG} migrate` first"
            ) from None
        raise CommandError(f"cannot use the database at {_shown_url(url)}: {message}") from None
    except ProgrammingError as exc:
        message = _one_line(exc)
        if "does not exist" in message or "no such table" in message:
            raise CommandError(
                f"the database at {_shown_url(url)} is not set up; run `{PROG} migrate` first"
            ) from None
        raise
    except OSError as exc:  # e.g. the SQLite file's folder cannot be made
        where = f" ({exc.filename})" if exc.filename else ""
        raise CommandError(
            f"cannot use the database at {_shown_url(url)}: {exc.strerror or exc}{where}"
        ) from None


def check_database_url(url: str) -> None:
    """CommandError unless *url* is a SQLite or PostgreSQL URL this server can use."""
    from sqlalchemy.exc import ArgumentError

    example = "sqlite:///PATH/TO/FILE.sqlite3 or postgresql+psycopg://USER@HOST/DBNAME"
    try:
        backend = make_url(db.normalize_url(url)).get_backend_name()
    except ArgumentError:
        raise CommandError(f"the database URL is not a URL; use {example}") from None
    if backend not in {"sqlite", "postgresql"}:
        raise CommandError(f"{backend} databases are not supported; use {example}")


def _head_revision() -> str:
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(db.alembic_config()).get_current_head())


def _check_migrated(engine: Engine, url: str) -> None:
    """Fail with a clear message unless the database is at the newest migration."""
    with _database_errors(url), engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            raise CommandError(
                f"the database at {_shown_url(url)} is not set up; run `{PROG} migrate` first"
            )
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    head = _head_revision()
    if current != head:
        raise CommandError(
            f"the database is at migration {current}, this server needs {head}; "
            f"run `{PROG} migrate` first"
        )


class Context:
    """What every command needs: the settings and, on demand, a migrated database."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engine: Engine | None = None

    @property
    def url(self) -> str:
        return self.settings.database_url

    def engine(self) -> Engine:
        if self._engine is None:
            with _database_errors(self.url):
                self._engine = db.make_engine(self.url)
            _check_migrated(self._engine, self.url)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on the migrated database; database failures become CommandErrors."""
        maker = db.make_sessionmaker(self.engine())
        with _database_errors(self.url), maker() as session:
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for a report that only reads: on the read replica
        (``FIELDAPP_READ_DATABASE_URL``) while it is fresh enough, else as :meth:`session`."""
        if not self.settings.read_database_url:
            with self.session() as session:
                yield session
            return
        from sync.server.replica import CONNECT_TIMEOUT_S, ReadRouter

        read_engine = db.make_engine(
            self.settings.read_database_url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}
        )
        router = ReadRouter(
            db.make_sessionmaker(self.engine()),
            db.make_sessionmaker(read_engine),
            max_lag_s=self.settings.read_max_lag_ms / 1000,
        )
        try:
            with _database_errors(self.url), router.session() as session:
                yield session
        finally:
            read_engine.dispose()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def read_password(args: argparse.Namespace, stdin: TextIO | None = None) -> str:
    """The password from stdin (``--password-stdin``) or an interactive prompt, never argv."""
    stdin = stdin or sys.stdin
    if args.password_stdin:
        line = stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise CommandError("no password on stdin; write the password and a newline to stdin")
        return password
    if not stdin.isatty():
        raise CommandError(
            "no password given: use --password-stdin and write it to stdin, or run the command "
            "in a terminal to be asked for it"
        )
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise CommandError("the two passwords differ; nothing was changed")
    return first


PASSWORD_RULE = (
    "at least 10 characters, mixing at least two of: lower case, upper case, digits, "
    "other characters"
)


def checked_password(password: str) -> str:
    """*password* if it meets the rule; else a CommandError that states the rule."""
    from sync.server.security import PasswordRuleError, check_password_rule

    try:
        check_password_rule(password)
    except PasswordRuleError as exc:
        raise CommandError(f"weak password: {exc} (rule: {PASSWORD_RULE})") from None
    return password


def _os_user() -> str:
    """The operating-system account running the command (for the audit trail)."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (some containers)
        return "unknown"


def _parse_day(value: str) -> datetime:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-01-31"
        ) from None
    return datetime.combine(day, time(), tzinfo=UTC)


def _admin_call(ctx: Context, func: Callable[[Session], Any]) -> Any:
    """Run an admin operation in one transaction; AdminError becomes a CommandError."""
    from sync.server.admin import AdminError

    with ctx.session() as session:
        try:
            result = func(session)
            session.commit()
        except AdminError as exc:
            session.rollback()
            raise CommandError(str(exc)) from None
        return result


# --------------------------------------------------------------------------- commands


def cmd_migrate(ctx: Context, args: argparse.Namespace) -> int:
    with _database_errors(ctx.url):
        db.upgrade(ctx.url)
    print(f"database at {_shown_url(ctx.url)} is at migration {_head_revision()}")
    return 0


def cmd_create_district(ctx: Context, args: argparse.Namespace) -> int:
    from sync.server import admin

    def run(session: Session) -> None:
        admin.create_district(session, args.code, args.name, code_system=args.code_system)
        for dong in args.dong or ():
            code, _, name = dong.partition("=")
            if not name:
                raise admin.AdminError(
                    f"--dong {dong!r}: write it as CODE=NAME, e.g. 1144055500=공덕동"
                )
            admin.create_dong(session, code.strip(), args.code, name.strip())

    _admin_call(ctx, run)
    print(f"created district {args.code} {args.name}")
    return 0


def cmd_create_user(ctx: Context, args: argparse.Namespace) -> int:
    from sync.server import admin

    password = checked_password(read_password(args))
    _admin_call(
        ctx,
        lambda s: admin.create_user(
            s,
            args.username,
            role=args.role,
            district_code=args.district,
            password=password,
            display_name=args.display_name,
            dong_codes=args.dong or (),
        ),
    )
    print(f"created user {args.username} ({args.role}, district {args.district})")
    return 0


def cmd_set_password(ctx: Context, args: argparse.Namespace) -> int:
    from sync.server import admin

    password = checked_password(read_password(args))
    _admin_call(ctx, lambda s: admin.set_password(s, args.username, password))
    print(f"password of {args.username} changed; any lock-out is lifted")
    return 0


def cmd_deactivate_user(ctx: Context, args: argparse.Namespace) -> int:
    from sync.server import admin

    _admin_call(ctx, lambda s: admin.deactivate_user(s, args.username))
    print(f"deactivated {args.username}; their devices wipe at their next contact")
    return 0


def cmd_mark_device_lost(ctx: Context, args: argparse.Namespace) -> int:
    from sync.server import admin

    incident = _admin_call(ctx, lambda s: admin.mark_device_lost(s, args.device_id, note=args.note))
    print(
        f"device {args.device_id} marked lost at {incident.at.isoformat()}; it wipes at its next "
        "contact. The 72-hour report clock (개인정보 보호법 제34조) started then."
    )
    return 0


def cmd_reassign(ctx: Context, args: argparse.Namespace) -> int:
    """The same reassignment as the supervisor workspace (sync.server.district)."""
    from sync.server import admin, district

    def run(session: Session) -> Any:
        receiver = admin.get_user(session, args.to)
        req = district.ReassignRequest(
            programme=args.programme,
            to_username=args.to,
            selection=district.Selection(
                household_ids=args.household or None, from_username=args.from_user
            ),
            reason=args.reason,
        )
        if args.dry_run:
            return district.preview_reassignment(session, receiver.district_code, req)
        return district.apply_reassignment(session, receiver.district_code, "admin", req)

    if not args.dry_run and not (args.reason or "").strip():
        raise CommandError("give --reason TEXT (it is kept in the permission log), or --dry-run")
    if args.dry_run:
        with ctx.session() as session:
            try:
                result = run(session)
            except admin.AdminError as exc:
                raise CommandError(str(exc)) from None
            finally:
                session.rollback()
    else:
        result = _admin_call(ctx, run)
    if args.json:
        print(result.model_dump_json(indent=2))
    elif args.dry_run:
        _print_preview(result)
    else:
        print(
            f"moved {len(result.moved)} household(s) to {args.to} ({result.programme}); "
            f"undo token {result.undo_token}"
        )
    return 0


def _print_preview(preview: Any) -> None:
    print(
        f"dry run: {len(preview.moving)} household(s) would move to {preview.to_username} "
        f"({preview.programme}); {len(preview.already_there)} already there"
    )
    for w in preview.workers:
        print(f"  {w.username}: -{w.losing} +{w.gaining}")
    for d in preview.devices_pending:
        pending = "unknown" if d.reported_pending is None else d.reported_pending
        synced = d.last_sync_at.isoformat() if d.last_sync_at else "never"
        print(
            f"  device {d.device_id} of {d.username} may hold unsynced records "
            f"(pending {pending}, last sync {synced})"
        )
    print(f"  the receiver downloads about {preview.download_bytes} bytes")


def cmd_import_households(ctx: Context, args: argparse.Namespace) -> int:
    from sync.server.admin import AdminError
    from sync.server.importing import import_households

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    with ctx.session() as session:
        try:
            result = import_households(
                session, data, district_code=args.district, dry_run=args.dry_run
            )
        except AdminError as exc:
            raise CommandError(str(exc)) from None
    if args.json:
        print(
            json.dumps(
                {
                    "ok": result.ok,
                    "dry_run": result.dry_run,
                    "rows": result.rows,
                    "imported": result.imported,
                    "encoding": result.report.encoding,
                    "problems": [
                        {
                            "line": pr.line,
                            "column": pr.column,
                            "message": pr.message,
                            "message_ko": pr.message_ko,
                        }
                        for pr in result.problems
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for problem in result.problems:
            print(problem, file=sys.stderr)
    if not result.ok:
        raise CommandError(result.summary())
    if not args.json:
        print(result.summary())
    return 0


def cmd_seed_demo(ctx: Context, args: argparse.Namespace) -> int:
    from sync.server.seeding import SeedError, seed_demo

    with _database_errors(ctx.url):
        db.upgrade(ctx.url)
    with ctx.session() as session:
        try:
            summary = seed_demo(session, households=args.households, seed=args.seed)
        except SeedError as exc:
            raise CommandError(str(exc)) from None
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    for district in summary["districts"]:
        print(f"district {district['code']} {district['name']}")
    print(f"{summary['households']} households, {summary['events']} events")
    print(f"{'username':<16} {'role':<11} {'district':<9} password")
    for user in summary["users"]:
        print(f"{user['username']:<16} {user['role']:<11} {user['district']:<9} {user['password']}")
    print("These are demo accounts with published passwords: never use them with real people.")
    return 0


def cmd_serve(ctx: Context, args: argparse.Namespace) -> int:
    import uvicorn

    from sync.server.app import create_app
    from sync.server.embedded import EmbeddedServerError, bind_socket

    if args.workers < 1:
        raise CommandError(f"--workers must be at least 1, got {args.workers}")
    try:
        ctx.settings.check()
    except SettingsError as exc:
        raise CommandError(str(exc)) from None
    ctx.engine()  # refuses an unmigrated or unreachable database before binding the port
    ctx.settings = _pool_within_room(ctx, args.workers)
    ctx.close()
    try:
        sock = bind_socket(args.host, args.port)
    except EmbeddedServerError as exc:
        raise CommandError(str(exc)) from None
    port = sock.getsockname()[1]
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    options: dict[str, Any] = {
        "log_level": args.log_level,
        "proxy_headers": args.proxy_headers,
        "forwarded_allow_ips": args.forwarded_allow_ips,
        "ws": "none",
    }
    try:
        if args.workers == 1:
            app = create_app(ctx.settings)
            freeze_startup_objects()
            config = uvicorn.Config(app, **options)
            server = uvicorn.Server(config)
            _print_serving(ctx, shown_host, port, 1)
            server.run(sockets=[sock])
        else:
            _serve_workers(ctx.settings, sock, args.workers, options, shown_host, ctx)
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl+C it handled: a clean stop
        pass
    finally:
        sock.close()
    return 0


#: The setting :func:`_pool_within_room` fits to the database server when it was not given.
POOL_SIZE_VARIABLE = "FIELDAPP_DB_POOL_SIZE"


def _pool_within_room(ctx: Context, workers: int) -> Settings:
    """The settings with a connection pool per process that *workers* processes can all
    hold at once on the PostgreSQL server (``db.connection_room``).

    Left to its default the pool shrinks to fit (said on one line); set explicitly to more
    than fits, ``serve`` refuses with the figures: under load the processes would otherwise
    fail with PostgreSQL's "too many clients" (bench server_load, 4 workers x 30)."""
    settings = ctx.settings
    with _database_errors(ctx.url):
        room = db.connection_room(ctx.url, ctx.engine())
    fitting = db.fitting_pool_size(settings.db_pool_size, workers, room)
    if fitting == settings.db_pool_size:
        return settings
    most = f"{room} connection(s) for this server (max_connections less the reserved and "
    most += f"{db.SPARE_CONNECTIONS} spare)"
    if fitting < 1 or os.environ.get(POOL_SIZE_VARIABLE):
        raise CommandError(
            f"{workers} worker(s) x {POOL_SIZE_VARIABLE}={settings.db_pool_size} connections "
            f"would not fit in the PostgreSQL server's {most}: "
            + (
                f"set {POOL_SIZE_VARIABLE}={fitting} or less, "
                if fitting >= 1
                else "use fewer --workers, "
            )
            + "raise max_connections, or put PgBouncer in front (docs/deploy.md, section 10)"
        )
    print(
        f"note: {POOL_SIZE_VARIABLE} {settings.db_pool_size} -> {fitting} per process, so "
        f"that {workers} worker(s) fit in the PostgreSQL server's {most}",
        flush=True,
    )
    return settings.with_(db_pool_size=fitting)


def freeze_startup_objects() -> None:
    """Move every object alive after start-up (the modules, the models, the app: about
    126,000) out of the cyclic garbage collector's reach (``gc.freeze``). Under load the
    server makes a full collection every couple of seconds, each walking all of them: about
    95 ms of CPU, with every request waiting (docs/PERFORMANCE.md, City scale). For the
    served app only, not the embedded or test servers."""
    gc.collect()
    gc.freeze()


def serving_app() -> Any:
    """The app factory of each ``serve --workers N`` process: the app from the environment,
    its start-up objects frozen (:func:`freeze_startup_objects`)."""
    from sync.server.app import create_app

    app = create_app()
    freeze_startup_objects()
    return app


def _print_serving(ctx: Context, shown_host: str, port: int, workers: int) -> None:
    # The socket is listening already: a client may connect from this line on.
    print(
        f"serving {_shown_url(ctx.url)} on http://{shown_host}:{port} (Ctrl+C stops)"
        + (f" with {workers} worker processes" if workers > 1 else ""),
        flush=True,
    )


def _serve_workers(
    settings: Settings,
    sock: Any,
    workers: int,
    options: dict[str, Any],
    shown_host: str,
    ctx: Context,
) -> None:
    """*workers* uvicorn processes sharing *sock*, each building the app from the
    environment: the settings in effect here are handed down as ``FIELDAPP_*`` variables."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    os.environ.update(settings_environment(settings))
    config = uvicorn.Config("sync.server.cli:serving_app", factory=True, workers=workers, **options)
    _print_serving(ctx, shown_host, sock.getsockname()[1], workers)
    try:
        supervisor = Multiprocess(config, sockets=[sock])
    except TypeError:  # older uvicorn also wants each process's target
        supervisor = Multiprocess(  # type: ignore[call-arg]
            config, target=uvicorn.Server(config).run, sockets=[sock]
        )
    supervisor.run()


def settings_environment(settings: Settings) -> dict[str, str]:
    """The ``FIELDAPP_*`` variables from which ``Settings.from_env`` rebuilds *settings*."""
    out: dict[str, str] = {}
    for f in fields(settings):
        value = getattr(settings, f.name)
        if value is None:
            continue
        out[f"FIELDAPP_{f.name.upper()}"] = (
            ("1" if value else "0") if isinstance(value, bool) else str(value)
        )
    return out


def cmd_export_access_log(ctx: Context, args: argparse.Namespace) -> int:
    from sync.server.audit import export_access_log

    if args.since and args.until and args.until < args.since:
        raise CommandError("--until is before --since")
    until = None
    if args.until is not None:  # the --until day is included
        until = args.until.replace(hour=0) + _ONE_DAY
    from sync.server.accesslog import append_access_log

    with ctx.session() as session:
        if args.file == "-":
            count = export_access_log(session, sys.stdout, since=args.since, until=until)
        else:
            try:
                with open(args.file, "w", encoding="utf-8-sig", newline="") as out:
                    count = export_access_log(session, out, since=args.since, until=until)
            except OSError as exc:
                raise CommandError(f"cannot write {args.file}: {exc.strerror}") from None
        # The export itself is an access to logged personal data: it goes into the log too.
        first = args.since.date() if args.since else "…"
        last = args.until.date() if args.until else "…"
        append_access_log(
            session,
            username=f"cli:{_os_user()}",
            action="export_access_log",
            reason=f"{args.reason} ({count} entries, {first}..{last})",
        )
        session.commit()
    if args.file != "-":
        print(f"wrote {count} access-log entries to {args.file}")
    # the head line goes to stderr when the CSV itself went to stdout
    return _check_and_record_after(ctx, "export-access-log", to_stderr=args.file == "-")


def _check_and_record_after(ctx: Context, source: str, *, to_stderr: bool = False) -> int:
    """Verify the chain against the recorded head after *source* and record the new head;
    1 (and nothing recorded) when the chain is not intact."""
    from sync.server.audit import check_chain

    expect, against = _expected_head(ctx)
    with ctx.session() as session:
        report = check_chain(session, expect_hash=expect)
    if report.problems:
        print(
            f"the access log is NOT intact (checked against {against}): {report.problems[0]}; "
            "its head was not recorded. Run `fieldapp-server verify-access-log` for every "
            "problem.",
            file=sys.stderr,
        )
        return 1
    line = _record_head(ctx, report.head_hash, report.entries, source)
    print(line, file=sys.stderr if to_stderr else sys.stdout)
    return 0


def _expected_head(ctx: Context, given: str | None = None) -> tuple[str | None, str]:
    """The head the chain must still hold (*given*, else the last one recorded outside the
    database) and a phrase saying where it came from."""
    from sync.server.chain_heads import heads_file, last_recorded

    path = heads_file(ctx.settings)
    if given:
        return given, "the head given with --expect-head"
    last = last_recorded(path)
    if last is None:
        return None, f"no head recorded yet in {path}"
    return last.head_hash, f"the head recorded {last.at} by {last.source} in {path}"


def _record_head(ctx: Context, head_hash: str, entries: int, source: str) -> str:
    """Record an intact chain's head outside the database; return a line saying so."""
    from sync.server.chain_heads import heads_file, record_head

    path = heads_file(ctx.settings)
    try:
        record_head(path, head_hash, entries, source)
    except OSError as exc:
        raise CommandError(
            f"the access log's head could not be recorded in {path}: {exc.strerror}; set "
            "FIELDAPP_AUDIT_DIR to a folder this account can write"
        ) from None
    return f"head {head_hash} recorded in {path}"


def cmd_verify_access_log(ctx: Context, args: argparse.Namespace) -> int:
    from sync.server.audit import check_chain

    expect, against = _expected_head(ctx, args.expect_head)
    with ctx.session() as session:
        report = check_chain(session, expect_hash=expect)
    if report.problems:
        for problem in report.problems[1:]:
            print(problem, file=sys.stderr)
        raise CommandError(
            f"the access log is NOT intact ({len(report.problems)} problem(s); checked "
            f"against {against}); first: {report.problems[0]}"
        )
    print(
        f"checked against {against}; "
        + _record_head(ctx, report.head_hash, report.entries, "verify-access-log")
    )
    print(f"access log intact: {report.entries} entries, head hash {report.head_hash}")
    return 0


def cmd_access_review(ctx: Context, args: argparse.Namespace) -> int:
    from sync.server.review import ReviewError, access_review, render_text

    expect, against = _expected_head(ctx)
    with ctx.read_session() as session:
        try:
            review = access_review(session, args.month, args.district, expect_head=expect)
        except ReviewError as exc:
            raise CommandError(str(exc)) from None
    recorded = None
    if review.chain_ok:
        recorded = _record_head(ctx, review.chain_head, review.chain_entries, "access-review")
    if args.json:
        print(json.dumps(review.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_text(review), end="")
        print(f"chain checked against {against}; " + (recorded or "head not recorded"))
    return 0 if review.chain_ok else 1


def require_district(session: Any, code: str) -> None:
    """A CommandError naming the known districts unless district *code* exists."""
    from sync.server.models import District

    if session.get(District, code) is None:
        known = ", ".join(sorted(session.scalars(select(District.code)))) or "none yet"
        raise CommandError(f"no district {code!r} on this server (known: {known})")


def cmd_signals(ctx: Context, args: argparse.Namespace) -> int:
    """The district's early-warning signals (the same rules as the screens)."""
    from fieldapp.signals import signal_line
    from sync.server.district.signals import district_signals

    with ctx.session() as session:
        require_district(session, args.district)
        found = district_signals(
            session,
            args.district,
            args.date.date() if args.date else None,
            worker=args.worker,
            include_acknowledged=args.all,
        )
    if args.json:
        print(
            json.dumps(
                [r.model_dump(mode="json") for r in found.signals], ensure_ascii=False, indent=2
            )
        )
        return 0
    for row in found.signals:
        workers = ",".join(sorted(row.workers.values())) or "-"
        print(f"{signal_line(row.model_dump())}  [{workers}]")
    print(
        f"{len(found.signals)} signals in {args.district} on {found.day} (rules {found.rules_version})"
    )
    return 0


def cmd_board(ctx: Context, args: argparse.Namespace) -> int:
    """The supervisor board: per worker caseload, overdue, immediate actions open, last sync
    (the household-state rule over the district's acknowledged records, as the screens)."""
    from sync.server.district.board import board

    with ctx.session() as session:
        require_district(session, args.district)
        found = board(session, args.district, args.date.date() if args.date else None)
    rows = [
        {
            "username": w.username,
            "programme": w.programme,
            "caseload": w.caseload,
            "overdue": w.overdue,
            "due_today": w.due_today,
            "immediate_open": w.immediate_open,
            "high_risk": w.high_risk,
            "last_sync_at": w.last_sync_at.isoformat() if w.last_sync_at else None,
        }
        for w in found.workers
    ]
    if args.json:
        out = {"district_code": found.district_code, "today": found.today.isoformat()}
        print(json.dumps({**out, "workers": rows}, ensure_ascii=False, indent=2))
        return 0
    print(f"{'worker':<14} {'programme':<16} caseload overdue today immediate  last sync")
    for r in rows:
        print(
            f"{r['username']:<14} {r['programme'] or '-':<16} {r['caseload']:>8} {r['overdue']:>7} "
            f"{r['due_today']:>5} {r['immediate_open']:>9}  {r['last_sync_at'] or 'never'}"
        )
    print(f"district {found.district_code} on {found.today} (Asia/Seoul)")
    return 0


def cmd_purge_expired(ctx: Context, args: argparse.Namespace) -> int:
    from sync.server.audit import AuditError, check_chain, purge_expired

    s = ctx.settings
    # Like verify, export and review: the chain must still hold the last recorded head.
    expect, against = _expected_head(ctx)
    with ctx.session() as session:
        try:
            result = purge_expired(
                session,
                access_log_days=s.access_log_retention_days,
                permission_log_days=s.permission_log_retention_days,
                push_request_days=s.idempotency_retention_days,
                expect_hash=expect,
            )
        except AuditError as exc:
            session.rollback()
            raise CommandError(
                f"{exc} (checked against {against}). Run `fieldapp-server verify-access-log` "
                "for every problem and keep the database as it is for investigation."
            ) from None
        head = None if args.dry_run else check_chain(session)
        if args.dry_run:
            session.rollback()
        else:
            session.commit()
    verb = "would delete" if args.dry_run else "deleted"
    print(
        f"{verb} {result.access_log} access-log entries older than "
        f"{s.access_log_retention_days} days, {result.permission_log} permission changes older "
        f"than {s.permission_log_retention_days} days, {result.push_requests} stored push "
        f"responses older than {s.idempotency_retention_days} days"
    )
    if head is not None:  # the purged chain's head: the next check holds it to this one
        print(_record_head(ctx, head.head_hash, head.entries, "purge-expired"))
    return 0


def cmd_trim_feed(ctx: Context, args: argparse.Namespace) -> int:
    from sync.server.feed_trim import trim_feeds

    days = args.inactive_days or ctx.settings.feed_retention_days
    with ctx.session() as session:
        if args.district is not None:
            require_district(session, args.district)
        result = trim_feeds(session, args.district, inactive_days=days, dry_run=args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    for code, d in sorted(result.by_district().items()):
        print(
            f"district {code}: {verb} {d['rows']} feed rows of {d['users_trimmed']} of "
            f"{d['users']} users; {d['passed_over']} devices passed over (revoked, not seen "
            f"for {days} days, or behind: they resync and are sent a snapshot)"
        )
    print(f"{verb} {result.rows_trimmed} feed rows in all")
    return 0


def cmd_rotate_epoch(ctx: Context, args: argparse.Namespace) -> int:
    from sync.server import admin

    epoch = _admin_call(ctx, admin.new_epoch)
    print(
        f"new server epoch {epoch}: every device re-sends what it holds and then pulls "
        "everything again at its next sync"
    )
    return 0


# --------------------------------------------------------------------------- parser


def _add_password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin instead of prompting "
        "(passwords are never accepted as arguments)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (every subcommand and option has help text; a test checks)."""
    from sync.protocol import Programme, Role

    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,  # `--password` must not pass for `--password-stdin`
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="SQLAlchemy database URL (default: $FIELDAPP_DATABASE_URL, else a SQLite file in "
        "the user data folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, help_: str, func: Callable[[Context, argparse.Namespace], int]) -> Any:
        cmd = sub.add_parser(name, help=help_, description=help_, allow_abbrev=False)
        cmd.set_defaults(func=func)
        return cmd

    add("migrate", "create the database or bring it up to this version's schema", cmd_migrate)

    cmd = add(
        "seed-demo",
        "create the synthetic demo district (users, households, two years of history) and "
        "print its users, roles and passwords",
        cmd_seed_demo,
    )
    cmd.add_argument(
        "--households",
        type=int,
        default=200,
        metavar="N",
        help="number of synthetic households (default 200)",
    )
    cmd.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help="random seed; the same seed gives the same district (default 1)",
    )
    cmd.add_argument(
        "--json",
        action="store_true",
        help="print the users, roles, districts and passwords as JSON",
    )

    cmd = add(
        "create-district", "add a district (자치구) by its code and name", cmd_create_district
    )
    cmd.add_argument("code", metavar="CODE", help="the district code, e.g. 11440 (행정표준코드)")
    cmd.add_argument("name", metavar="NAME", help="the district name, e.g. 마포구")
    cmd.add_argument(
        "--code-system",
        default="haengjeong_pyojun",
        help="the code system CODE belongs to (default haengjeong_pyojun)",
    )
    cmd.add_argument(
        "--dong", action="append", metavar="CODE=NAME", help="also add a 행정동 (repeat for each)"
    )

    cmd = add("create-user", "add a user account (one per person)", cmd_create_user)
    cmd.add_argument("username", metavar="USERNAME", help="login name (letters, digits, . _ -)")
    cmd.add_argument(
        "--role",
        required=True,
        choices=[r.value for r in Role],
        help="volunteer (돌봄단), nurse (방문간호사), supervisor or admin",
    )
    cmd.add_argument(
        "--district", required=True, metavar="CODE", help="code of the district the user works in"
    )
    cmd.add_argument("--display-name", metavar="TEXT", help="name shown in the app")
    cmd.add_argument(
        "--dong", action="append", metavar="CODE", help="a 행정동 the user covers (repeat for each)"
    )
    _add_password_option(cmd)

    cmd = add("set-password", "set a user's password and lift a lock-out", cmd_set_password)
    cmd.add_argument("username", metavar="USERNAME", help="the user whose password changes")
    _add_password_option(cmd)

    cmd = add(
        "deactivate-user",
        "deactivate an account; its devices wipe at next contact",
        cmd_deactivate_user,
    )
    cmd.add_argument("username", metavar="USERNAME", help="the user to deactivate")

    cmd = add(
        "mark-device-lost",
        "mark a device lost or stolen: its token dies, it wipes at "
        "next contact, and an incident record starts the 72-hour clock",
        cmd_mark_device_lost,
    )
    cmd.add_argument("device_id", metavar="DEVICE_ID", help="the device's id (see the board)")
    cmd.add_argument("--note", metavar="TEXT", help="what happened, for the incident record")

    cmd = add(
        "reassign",
        "move households to another worker (the supervisor workspace's reassignment): the old "
        "worker's devices hand over what they hold, the new one receives the full history",
        cmd_reassign,
    )
    who = cmd.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--household",
        nargs="+",
        action="extend",
        metavar="ID",
        help="the households to move (their ids): --household A B C, or the flag repeated",
    )
    who.add_argument(
        "--from", dest="from_user", metavar="USERNAME", help="move all of this worker's households"
    )
    cmd.add_argument("--to", required=True, metavar="USERNAME", help="the worker who takes them")
    cmd.add_argument(
        "--programme",
        required=True,
        choices=[p.value for p in Programme],
        help="which programme's assignment moves",
    )
    cmd.add_argument("--reason", metavar="TEXT", help="why (kept in the permission log)")
    cmd.add_argument("--dry-run", action="store_true", help="print the preview, change nothing")
    cmd.add_argument("--json", action="store_true", help="print the result as JSON")

    cmd = add(
        "import-households",
        "import a 주민센터 household list (CSV, UTF-8 or CP949): every row or none, with a "
        "row-by-row report",
        cmd_import_households,
    )
    cmd.add_argument("file", metavar="FILE.csv", help="the CSV file to import")
    cmd.add_argument(
        "--district", required=True, metavar="CODE", help="the district the households belong to"
    )
    cmd.add_argument(
        "--dry-run", action="store_true", help="check everything and report, but write nothing"
    )
    cmd.add_argument("--json", action="store_true", help="print the report as JSON")

    cmd = add(
        "serve", "run the sync server (HTTP; put a TLS proxy in front in production)", cmd_serve
    )
    cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    cmd.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})"
    )
    cmd.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="server log level (default info)",
    )
    cmd.add_argument(
        "--proxy-headers",
        action="store_true",
        help="trust X-Forwarded-For/-Proto from the proxies in "
        "--forwarded-allow-ips (behind a TLS reverse proxy)",
    )
    cmd.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="server processes sharing the port (default 1; about one per CPU core: "
        "a process runs Python on one core at a time)",
    )
    cmd.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        metavar="IPS",
        help="comma-separated proxy addresses trusted for forwarded headers",
    )

    cmd = add(
        "export-access-log",
        "write access-log entries (with their hashes) to a CSV file; the export is logged",
        cmd_export_access_log,
    )
    cmd.add_argument(
        "--since", type=_parse_day, metavar="DATE", help="first day to include (YYYY-MM-DD, UTC)"
    )
    cmd.add_argument(
        "--until", type=_parse_day, metavar="DATE", help="last day to include (YYYY-MM-DD, UTC)"
    )
    cmd.add_argument("file", metavar="FILE.csv", help="output file, or - for stdout")
    cmd.add_argument(
        "--reason",
        default="access-log review",
        metavar="TEXT",
        help="why the log is exported; the export is itself logged with it "
        "(default: access-log review)",
    )

    cmd = add(
        "verify-access-log",
        "check the access log's hash chain; exits 1 naming the first "
        "changed, deleted or moved entry",
        cmd_verify_access_log,
    )
    cmd.add_argument(
        "--expect-head",
        metavar="HASH",
        help="a head hash printed by an earlier check (keep it with the monthly review): the "
        "log must still contain that entry, which catches entries cut off the end (default: "
        "the last head recorded outside the database by a verification, export or review)",
    )

    cmd = add(
        "access-review",
        "the monthly access-log review for supervisors: who viewed, edited, printed and "
        "exported which records how often, unusual volumes, exports and prints with their "
        "reasons, and the chain's head hash to keep; exits 1 if the chain is not intact",
        cmd_access_review,
    )
    cmd.add_argument(
        "--month", required=True, metavar="YYYY-MM", help="the month to review (Korean time)"
    )
    cmd.add_argument("--district", metavar="CODE", help="only this district (default: all)")
    cmd.add_argument("--json", action="store_true", help="print the review as JSON")

    cmd = add(
        "signals",
        "the district's early-warning signals, most severe first, each with its evidence "
        "records (docs/signals.md); acknowledged ones only with --all",
        cmd_signals,
    )
    cmd.add_argument("--district", required=True, metavar="CODE", help="the district's code")
    cmd.add_argument(
        "--date",
        type=_parse_day,
        metavar="YYYY-MM-DD",
        help="evaluate as of this day, Korean time (default: today)",
    )
    cmd.add_argument("--worker", metavar="USERNAME", help="only the households this worker holds")
    cmd.add_argument("--all", action="store_true", help="include acknowledged signals")
    cmd.add_argument("--json", action="store_true", help="print as JSON (one object a signal)")

    cmd = add(
        "board",
        "the supervisor board: per worker and programme the caseload, overdue and due-today "
        "households, open immediate actions (the worker's Today immediate rows) and last sync",
        cmd_board,
    )
    cmd.add_argument("--district", required=True, metavar="CODE", help="the district's code")
    cmd.add_argument(
        "--date",
        type=_parse_day,
        metavar="YYYY-MM-DD",
        help="as of this day, Korean time (default: today)",
    )
    cmd.add_argument("--json", action="store_true", help="print as JSON")

    cmd = add(
        "purge-expired",
        "delete audit records past retention (access log 2 years, "
        "permission changes 3 years by default; FIELDAPP_*_RETENTION_DAYS)",
        cmd_purge_expired,
    )
    cmd.add_argument(
        "--dry-run", action="store_true", help="count what would be deleted, delete nothing"
    )

    cmd = add(
        "trim-feed",
        "delete the change-feed rows every device of their user has pulled past (a device "
        "not seen for FIELDAPP_FEED_RETENTION_DAYS, default 90, no longer holds them; it "
        "resyncs when it returns, nothing lost) and print the counts",
        cmd_trim_feed,
    )
    cmd.add_argument("--district", metavar="CODE", help="only this district (default: all)")
    cmd.add_argument(
        "--inactive-days",
        type=int,
        metavar="N",
        help="pass over devices not seen for N days (default: FIELDAPP_FEED_RETENTION_DAYS)",
    )
    cmd.add_argument(
        "--dry-run", action="store_true", help="count what would be deleted, delete nothing"
    )

    add(
        "rotate-epoch",
        "give the server a new epoch. Run it after restoring a backup: devices may hold "
        "changes newer than the backup, and the new epoch makes every device re-send what it "
        "holds and then pull everything again, so nothing is lost",
        cmd_rotate_epoch,
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``fieldapp-server``; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # usage errors (2) and --help (0), already printed by argparse
        return int(exc.code or 0)
    from fieldapp.text_rule import bad_argument

    if problem := bad_argument(args):
        print(f"{PROG}: {problem}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env(database_url=args.database_url)
    except SettingsError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    ctx = Context(settings)
    try:
        check_database_url(settings.database_url)
        return int(args.func(ctx, args))
    except CommandError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
