"""``fieldapp-sync``: the sync client from a terminal, for scripts and tests.

Exit status: 0 done, 1 failed (one line on stderr saying why), 2 usage error. Passwords are
read from standard input (``--password-stdin``), never from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import math
import os
import sys
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from fieldapp.errors import FieldappError, StoreError, ValidationError
from fieldapp.profile import (
    Profile,
    default_profile_dir,
    store_problem,
    unlock,
    write_json_atomic,
)
from fieldapp.records import HOUSEHOLD_JSON_COLUMNS
from fieldapp.store import Store
from fieldapp.text_rule import bad_argument
from sync import cli_signals, cli_worklist, protocol

#: Records per push request (same default as the engine's).
DEFAULT_PUSH_LIMIT = 500

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
The 돌봄노트 sync client without the desktop app: sign in, sync, look at what is waiting,
and append records from a file. Each person's local data lives in a profile folder
(--profile DIR; default: the platform's user data folder).
"""

EPILOG = """\
commands:
  login           sign in online (registers this device, saves the wrapped database key)
  sync            one full push-then-pull cycle; exit 0 only if it completed
  status          pending count, last sync, last error, cursor, clock skew, quarantined
                  (no password needed); exit 1 when the local database cannot be used
  export-pending  write every record the server has not accepted (pending, rejected,
                  quarantined) to a JSON file, e.g. for the IT team; reads a damaged
                  database page by page and says how many records it could not save
  households      the households assigned to you, as held on this laptop
  record          append events from a JSON Lines file: all lines or none
  signals         early-warning signals of your households, with their evidence
  worklist        your Today list: open immediate actions (with their record), overdue, due

exit status: 0 ok, 1 failed (the reason on one line), 2 usage error.

examples:
  echo "$PW" | fieldapp-sync --profile ~/p1 login --server https://sync.mapo.example.kr \\
      --username vol01 --password-stdin
  echo "$PW" | fieldapp-sync --profile ~/p1 sync --password-stdin
  fieldapp-sync --profile ~/p1 status --json
"""


class UsageError(Exception):
    """Bad arguments: exit 2."""


def _read_password(args: argparse.Namespace, *, required: bool = True) -> str | None:
    """The password from standard input (first line) or, on a terminal, a hidden prompt."""
    if getattr(args, "password_stdin", False) or (required and not sys.stdin.isatty()):
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise UsageError("--password-stdin: standard input held no password")
        return password
    if not required:
        return None
    return getpass.getpass("Password: ")


def _profile(args: argparse.Namespace) -> Profile:
    return Profile(Path(args.profile) if args.profile else default_profile_dir())


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


# ---------------------------------------------------------------------- commands


def cmd_login(args: argparse.Namespace) -> int:
    from sync.client import login

    if not args.password_stdin:
        raise UsageError("login reads the password from standard input: add --password-stdin")
    password = _read_password(args)
    assert password is not None
    profile = _profile(args)
    store = login(
        profile,
        args.server,
        args.username,
        password,
        device_name=args.device_name,
        ca_bundle=args.ca_bundle,
    )
    store.close()
    info = profile.info
    print(
        f"signed in as {info['username']} ({info['role']}, district {info['district_code']}); "
        f"device {info['device_id']}; profile {profile.path}"
    )
    if profile.keyring_warning:
        print(f"note: {profile.keyring_warning}", file=sys.stderr)
    for notice in profile.login_notices:
        print(f"note: {' '.join(str(notice).split())}", file=sys.stderr)
    return EXIT_OK


def _progress_printer(quiet: bool) -> Any:
    if quiet:
        return None

    def show(phase: str, done: int, total: int | None, nbytes: int) -> None:
        of = f"/{total}" if total is not None else ""
        print(f"  {phase}: {done}{of} ({nbytes} bytes)", file=sys.stderr)

    return show


def cmd_sync(args: argparse.Namespace) -> int:
    from sync.client import SyncEngine

    profile = _profile(args)
    password = _read_password(args)
    assert password is not None
    store = unlock(profile, password)
    try:
        engine = SyncEngine(
            profile,
            store,
            password=password,
            progress=_progress_printer(args.quiet),
            push_limit=args.batch_size,
            pull_limit=args.page_size,
        )
        report = engine.sync_once()
    finally:
        if not store.closed:
            store.close()
    data = {
        "completed": report.completed,
        "pushed": report.pushed,
        "applied": report.applied,
        "duplicates": report.duplicates,
        "rejected": report.rejected,
        "conflicts": report.conflicts,
        "pulled": report.pulled,
        "handed_over": report.handed_over,
        "resynced": report.resynced,
        "skew_seconds": report.skew_seconds,
        "skew_flagged": report.skew_flagged,
        "rejected_items": [{"id": i, "reason": r} for i, r in report.rejected_items],
        "set_aside": [{"id": i, "reason": r} for i, r in report.set_aside],
    }
    if args.json:
        _print_json(data)
    else:
        print(
            f"sync {'completed' if report.completed else 'did not complete'}: pushed "
            f"{report.pushed} (applied {report.applied}, duplicates {report.duplicates}, "
            f"rejected {report.rejected}, conflicts {report.conflicts}), pulled {report.pulled}"
            + (f", handed over {len(report.handed_over)}" if report.handed_over else "")
            + (", resynced after a server restore" if report.resynced else "")
        )
        for item_id, reason in report.rejected_items:
            print(f"  rejected {item_id}: {reason}")
        for item_id, reason in report.set_aside:
            print(f"  set aside {item_id}: {reason}")
    if not report.completed:
        print("fieldapp-sync: the sync was cancelled before it completed", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from sync.client import local_status

    profile = _profile(args)
    if not profile.info.get("username"):  # none, or one without a sign-in in it
        wiped = profile.wiped_info()
        if wiped:
            raise FieldappError(
                f"The local data in {profile.path} was wiped at {wiped.get('wiped_at')} on the "
                "server's order. Sign in online again."
            )
        raise FieldappError(f"Nobody has signed in with the profile folder {profile.path} yet.")
    status = local_status(profile)
    problem = store_problem(profile)
    info = profile.info
    data = {
        "username": info.get("username"),
        "server_url": info.get("server_url"),
        "device_id": info.get("device_id"),
        **status.to_json(),
        "store_problem": problem,
    }
    if args.json:
        _print_json(data)
        return _database_unusable() if problem else EXIT_OK
    last = status.last_success.isoformat() if status.last_success else "never"
    print(f"user:         {data['username']} on {data['server_url']}")
    print(f"online:       {_words_online(status.online)}")
    print(f"last sync:    {last}")
    print(f"pending:      {status.pending}" + _age_words(status.oldest_pending_age_s))
    print(f"rejected:     {status.rejected}")
    print(f"quarantined:  {status.quarantined}")
    print(f"conflicts:    {status.conflicts_open} open")
    print(f"cursor:       {status.cursor or '(none: nothing pulled yet)'}")
    skew = status.skew_seconds
    print(
        "clock skew:   "
        + ("unknown" if skew is None else f"{skew:+.1f} s")
        + (
            "  WARNING: this laptop's clock is more than 5 minutes off"
            if status.skew_warning
            else ""
        )
    )
    if status.last_error:
        print(f"last error:   {status.last_error}")
    if problem:
        print(f"database:     CANNOT BE USED: {' '.join(problem.split())}")
        return _database_unusable()
    return EXIT_OK


def _database_unusable() -> int:
    print(
        "fieldapp-sync status: the local database cannot be used (see 'database' / "
        "store_problem); the other figures are from before",
        file=sys.stderr,
    )
    return EXIT_FAILED


def _words_online(online: bool | None) -> str:
    return {True: "yes", False: "no (the server could not be reached)", None: "unknown"}[online]


def _age_words(age: float | None) -> str:
    if age is None:
        return ""
    if age < 3600:
        return f" (oldest {age / 60:.0f} min old)"
    return f" (oldest {age / 3600:.1f} h old)"


def cmd_export_pending(args: argparse.Namespace) -> int:
    from fieldapp import salvage, syncstate
    from fieldapp.profile import check_password

    profile = _profile(args)
    password = _read_password(args)
    assert password is not None
    database = Path(args.database) if args.database else profile.store_path
    if not database.exists():
        profile.ledger.check_file(database)  # says what the missing file held
        raise FieldappError(f"There is no database at {database}. Sign in online once.")
    key = check_password(profile, password)  # a wrong password is told apart here
    salvaged: salvage.Salvage | None = None
    try:
        with Store.open(database, key) as store:
            data = syncstate.export_pending(store)
    except StoreError as err:  # damaged: read what is left, page by page
        print(f"fieldapp-sync export-pending: {' '.join(str(err).split())}", file=sys.stderr)
        salts = [bytes.fromhex(s) for s in _known_salts(profile)]
        salvaged = salvage.salvage(database, key, salts)
        data = salvage.export(salvaged)
    info = profile.info
    data = {"username": info.get("username"), "device_id": info.get("device_id"), **data}
    out = Path(args.file)
    write_json_atomic(out, data)  # owner-readable only: it holds personal data
    saved = sum(1 for e in data["events"] if e["sync_state"] != "rejected") + sum(
        1 for e in data["household_edits"] if e["sync_state"] != "rejected"
    )
    n = len(data["events"]) + len(data["household_edits"]) + len(data["quarantine"])
    print(
        f"wrote {n} records to {out} ({len(data['events'])} events, "
        f"{len(data['household_edits'])} household edits, {len(data['quarantine'])} quarantined)"
    )
    lost = 0
    if salvaged is not None:
        print(
            f"read past the damage: {salvaged.unreadable_pages} of {salvaged.pages} pages "
            "could not be read"
        )
    if database == profile.store_path:
        counted = profile.ledger.pending_count()
        lost = max(0, counted - saved)
        if counted or lost:
            print(
                f"this laptop counted {counted} records not yet sent: {counted - lost} saved, "
                f"{lost} could not be saved"
            )
    if lost or (salvaged is not None and salvaged.unreadable_pages):
        print(
            "fieldapp-sync export-pending: some of the database could not be read; the file "
            "holds everything that could",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return EXIT_OK


def _known_salts(profile: Profile) -> list[str]:
    """Database salts noted by this profile's outbox ledgers (current and set aside)."""
    found = []
    for path in sorted(profile.path.glob("outbox_ledger*.json")):
        try:
            salt = json.loads(path.read_text(encoding="utf-8")).get("database_salt")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(salt, str) and len(salt) == 32:
            found.append(salt)
    return found


def cmd_households(args: argparse.Namespace) -> int:
    profile = _profile(args)
    password = _read_password(args)
    assert password is not None
    with unlock(profile, password) as store:
        rows = _household_rows(store)
    if args.json:
        _print_json(rows)
        return EXIT_OK
    for r in rows:
        names = ", ".join(p.get("name", "") for p in r["persons"])
        print(f"{r['id']}  {r['dong_code']}  {r['address_road']}  {names}  risk={r['risk_level']}")
    print(f"{len(rows)} households")
    return EXIT_OK


def _household_rows(store: Store) -> list[dict[str, Any]]:
    with store.reading() as db:
        rows = list(db.query("SELECT * FROM households ORDER BY dong_code, address_road, id"))
    out = []
    for row in rows:
        item = {k: v for k, v in row.items() if k not in ("search_text", "server_values")}
        for col in HOUSEHOLD_JSON_COLUMNS:
            if isinstance(item.get(col), str):
                item[col] = json.loads(item[col])
        item["alert_active"] = bool(item.get("alert_active"))
        out.append(item)
    return out


def _line_number(problem: str) -> int:
    head = problem.split(":", 1)[0]
    return int(head.removeprefix("line ")) if head.startswith("line ") else 0


def cmd_signals(args: argparse.Namespace) -> int:
    return cli_signals.cmd_signals(
        args, profile=_profile, password=_read_password, print_json=_print_json
    )


def cmd_worklist(args: argparse.Namespace) -> int:
    return cli_worklist.cmd_worklist(
        args, profile=_profile, password=_read_password, print_json=_print_json
    )


def _strict_json(line: str) -> Any:
    """JSON as the server reads it: NaN, Infinity and numbers too large for a float are
    errors (Python's json would take them; the wire cannot carry them). Lone surrogates
    are parsed, so the text rule names the field that holds one."""

    def refuse(text: str, where: str) -> NoReturn:
        raise json.JSONDecodeError(f"{text} is not a JSON number", line, line.find(where))

    def finite(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            refuse(text, text)
        return value

    return json.loads(line, parse_constant=lambda c: refuse(c, c), parse_float=finite)


def cmd_record(args: argparse.Namespace) -> int:
    from fieldapp import records, syncstate, validation
    from sync.client import refresh_status_file

    profile = _profile(args)
    info = profile.info
    try:
        lines = Path(args.file).read_text(encoding="utf-8-sig").splitlines()
    except OSError as err:
        raise FieldappError(f"cannot read {args.file}: {err.strerror}") from err
    except UnicodeDecodeError as err:
        raise FieldappError(f"{args.file} is not UTF-8 text; save it as UTF-8") from err
    password = _read_password(args)
    assert password is not None
    now = datetime.now(UTC).isoformat()
    events: list[tuple[int, dict[str, Any]]] = []
    problems: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            event = _strict_json(line)
        except json.JSONDecodeError as err:
            problems.append(f"line {number}: not JSON ({err.msg} at column {err.colno})")
            continue
        except RecursionError:
            problems.append(f"line {number}: not JSON (nested too deep)")
            continue
        if not isinstance(event, dict):
            problems.append(f"line {number}: must be a JSON object, one event per line")
            continue
        event.setdefault("id", str(uuid.uuid4()))
        event.setdefault("created_by", info.get("username"))
        event.setdefault("device_id", info.get("device_id"))
        event.setdefault("device_time", now)
        try:
            # the writer's role: only records of their own programme (as the server checks)
            events.append((number, validation.validate_event(event, role=info.get("role"))))
        except ValidationError as err:
            problems.append(f"line {number}: {err}")
    if not events and not problems:
        problems.append(f"{args.file} holds no events (one JSON object a line)")
    with unlock(profile, password) as store:
        known = {r["id"] for r in store.db.query("SELECT id FROM households")}
        in_file = {event["id"] for _number, event in events}
        for number, event in events:
            if event["household_id"] not in known:
                problems.append(
                    f"line {number}: household_id {event['household_id']} is not among "
                    "your households on this laptop (sync first, or check the id)"
                )
            elif event.get("amends") and event["amends"] not in in_file:
                try:  # another programme's record, as the server checks
                    records.check_amendment(store, event, role=info.get("role"))
                except ValidationError as err:
                    problems.append(f"line {number}: {err}")
        problems.sort(key=_line_number)
        if problems:
            for p in problems:
                print(p, file=sys.stderr)
            print(
                f"fieldapp-sync: nothing was recorded: {len(problems)} bad line(s) in {args.file}",
                file=sys.stderr,
            )
            return EXIT_FAILED
        flag = syncstate.clock_is_off(store)
        with store.atomic():
            for _number, event in events:
                if flag:
                    event["skew_flag"] = True
                records.append_event(store, event)
        refresh_status_file(profile, store)
    print(f"recorded {len(events)} events from {args.file}; they go out at the next sync")
    return EXIT_OK


# ---------------------------------------------------------------------- parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fieldapp-sync",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="folder holding one person's local data (default: $FIELDAPP_PROFILE, else the user data folder)",
        default=os.environ.get("FIELDAPP_PROFILE") or None,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def password_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )

    p = sub.add_parser(
        "login",
        help="sign in online and register this device",
        description="Sign in online: registers this laptop with the server, keeps the device "
        "token in the OS keyring (in memory only where there is none), and stores the "
        "database key wrapped by your password so that you can unlock offline later.",
    )
    p.add_argument(
        "--server",
        required=True,
        metavar="URL",
        help="https:// address of the district server (http:// only for 127.0.0.1/localhost)",
    )
    p.add_argument("--username", required=True, metavar="NAME", help="your username")
    p.add_argument(
        "--device-name",
        default="",
        metavar="TEXT",
        help="a name for this laptop, shown to supervisors",
    )
    p.add_argument(
        "--ca-bundle",
        metavar="FILE",
        help="PEM file of the district's certificate authority (certificate checks stay on)",
    )
    password_flag(p)
    p.set_defaults(func=cmd_login)

    p = sub.add_parser(
        "sync",
        help="one full push-then-pull cycle",
        description="Push every pending record, then pull every change, then finish "
        "hand-overs. Exit 0 only if the whole cycle completed.",
    )
    password_flag(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.add_argument(
        "--batch-size",
        type=_positive,
        default=DEFAULT_PUSH_LIMIT,
        metavar="N",
        help="records per push request (default %(default)s; halves by itself on 413)",
    )
    p.add_argument(
        "--page-size",
        type=_positive,
        default=protocol.DEFAULT_PULL_LIMIT,
        metavar="N",
        help="changes per pull page (default %(default)s)",
    )
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser(
        "status",
        help="what is waiting and when the last sync was (no password needed)",
        description="Pending count and age, last successful sync, last error, cursor, clock "
        "skew, rejected and quarantined counts, as saved after the last sync or record. Exit "
        "1, saying why, when the local database cannot be used (missing, empty, cut short, "
        "damaged, or holding fewer records not yet sent than this laptop counted).",
    )
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser(
        "export-pending",
        help="write records the server has not accepted to a file",
        description="Write every record the server has not accepted (pending, unanswered, "
        "rejected with its reason, quarantined after a hand-over) to FILE as JSON. The file "
        "holds personal data: it is created readable by you only. The password is read from "
        "standard input (or prompted for on a terminal). A damaged database is read page by "
        "page past the damage; the command then says how many records it saved and how many "
        "it could not, and exits 1 if some could not be read.",
    )
    p.add_argument("file", metavar="FILE", help="where to write the JSON (overwritten)")
    p.add_argument(
        "--database",
        metavar="DB",
        help="read this database file instead of the profile's (e.g. one a sign-in moved "
        "aside as fieldapp.db.damaged-TIME); it is kept",
    )
    password_flag(p)
    p.set_defaults(func=cmd_export_pending)

    p = sub.add_parser(
        "households",
        help="the households assigned to you on this laptop",
        description="List the households held on this laptop (the assigned list as of the last sync).",
    )
    password_flag(p)
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=cmd_households)

    p = sub.add_parser(
        "record",
        help="append events from a JSON Lines file (all or none)",
        description="Append events from FILE.jsonl, one JSON object a line (format: "
        "docs/sync-protocol.md, 'fieldapp-sync record: line format'). Every line is validated "
        "as the app's forms do; if any line is bad nothing is recorded and each bad line is "
        "named with the reason. id, created_by, device_id and device_time are filled in when "
        "absent.",
    )
    p.add_argument("file", metavar="FILE.jsonl", help="UTF-8 file, one JSON event a line")
    password_flag(p)
    p.set_defaults(func=cmd_record)

    cli_signals.add_parser(sub, password_flag, cmd_signals)
    cli_worklist.add_parser(sub, password_flag, cmd_worklist)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``fieldapp-sync``; return the exit status."""
    # The reason is the one line main() prints: the library's warnings (a driver's
    # "file is not a database" under a damaged-file message) would only blur it.
    for name in ("fieldapp", "sync"):
        logging.getLogger(name).addHandler(logging.NullHandler())
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if problem := bad_argument(args):
        print(f"fieldapp-sync {args.command}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except UsageError as err:
        print(f"fieldapp-sync {args.command}: {err}", file=sys.stderr)
        return EXIT_USAGE
    except FieldappError as err:
        message = " ".join(str(err).split())
        print(f"fieldapp-sync {args.command}: {message}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"fieldapp-sync {args.command}: interrupted", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, and let nothing more be written.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
