"""Command line: `cscetl run [--sources FILE] [--warehouse FILE]`."""
from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
from pathlib import Path

from cscetl.paths import default_sources, default_warehouse, reading_warehouse


def _prefect_env(verbose: bool) -> None:
    # Offline machines: no analytics calls; quiet task logs unless asked for.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # the ephemeral server's default 20 s start-up budget is too short on a busy 2-core machine
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


# Exit codes of `cscetl run` and `cscetl serve` (README "Exit codes"): one per thing to do about it.
EXIT_ALL_FAILED = 1  # every source failed: nothing to show for the run
EXIT_USAGE = 2  # bad arguments or sources file, or a warehouse path that cannot be a file
EXIT_BUSY = 3  # another run is writing this warehouse: try again later
EXIT_DAMAGED = 4  # the warehouse file is damaged or not DuckDB (or its lock is not a plain file)
EXIT_CANNOT_WRITE = 5  # no space left on the device, read-only, or not allowed to write
EXIT_NO_PREFECT_API = 6  # the Prefect API (PREFECT_API_URL) does not answer, or serve has none


def _warehouse_exit(exc: Exception) -> int:
    from cscetl.publish import WarehouseBusy, WarehousePathError, WarehouseUnwritable

    for kind, code in ((WarehouseBusy, EXIT_BUSY), (WarehousePathError, EXIT_USAGE),
                       (WarehouseUnwritable, EXIT_CANNOT_WRITE)):
        if isinstance(exc, kind):
            return code
    return EXIT_DAMAGED


def _quiet_reported_tracebacks() -> None:
    """Prefect logs a failed task's or flow's traceback; for a warehouse problem `cscetl run` says
    the same in one line, so drop those records (every other error keeps its traceback)."""
    import logging

    from cscetl.warehouse import describes_problem, problem

    class ReportedByCli(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            exc = record.exc_info[1] if record.exc_info else None
            if exc is not None:
                return problem(exc) is None
            # "Finished in state Failed('… No space left on device')": the same problem, without a traceback
            return not (record.levelno >= logging.ERROR and record.name.startswith("prefect")
                        and describes_problem(record.getMessage()))

    for handler in logging.getLogger().handlers:
        handler.addFilter(ReportedByCli())


def _release(exc: BaseException) -> None:
    """Free what a handled error's tracebacks hold (DuckDB connections in the frames of the failed
    load): left to interpreter exit, DuckDB's bindings print a page of "leaked instance" lines."""
    import gc
    import traceback

    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if exc.__traceback__ is not None:
            traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__
    gc.collect()


def _reporter(verbose: bool):
    """A progress bar on a terminal; plain lines now and then in a log (and under -v's log lines)."""
    from flows import progress

    if sys.stdout.isatty() and not verbose:
        return progress.Bar(sys.stdout)
    return progress.Lines(progress.stream_writer(sys.stdout), progress.every_s())


def cmd_run(args: argparse.Namespace) -> int:
    from cscetl.sources import SourcesError, load_fetch_settings, load_sources

    sources = Path(args.sources) if args.sources else default_sources()
    warehouse = Path(args.warehouse) if args.warehouse else default_warehouse(args.sources)
    if sources.is_dir():
        print(f"cscetl: --sources {sources} is a folder: give the sources file itself, such as "
              f"{sources / 'sources.toml'}", file=sys.stderr)
        return EXIT_USAGE
    try:
        entries = load_sources(sources, allow_empty=args.allow_empty)  # fail fast, before Prefect starts, on a file that cannot be read
        load_fetch_settings(sources)
    except SourcesError as exc:
        print(f"cscetl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    _prefect_env(args.verbose)
    from cscetl.publish import WarehouseError, reserved
    from cscetl.warehouse import problem
    try:
        # the warehouse path checked and its lock taken now, not after Prefect's start-up (≈10 s)
        with reserved(warehouse):
            try:
                # the flow module reads CSCETL_TASK_RUNNER when imported: a bad value fails here, clearly
                from flows.etl import with_task_runner

                pipeline = with_task_runner(args.task_runner)
            except (ValueError, ImportError) as exc:
                print(f"cscetl: {exc}", file=sys.stderr)
                return EXIT_USAGE
            if (code := _check_prefect_api()) is not None:
                return code
            _quiet_reported_tracebacks()
            from flows import progress

            with progress.shown_by(_reporter(args.verbose)):
                summary = pipeline(sources=str(sources), warehouse=str(warehouse), batch_size=args.batch_size,
                                   full_refresh=args.full_refresh, workers=args.workers, allow_empty=args.allow_empty)
    except WarehouseError as exc:
        print(f"cscetl: {exc}", file=sys.stderr)
        _release(exc)
        return _warehouse_exit(exc)
    except Exception as exc:
        found = problem(exc, warehouse)  # a warehouse problem raised outside the build (should not happen)
        if found is None:
            raise
        print(f"cscetl: {found}", file=sys.stderr)
        _release(exc)
        return _warehouse_exit(found)
    print(summary.render())
    print(f"  warehouse: {warehouse}")
    if entries and summary.loaded + summary.unchanged == 0:
        return EXIT_ALL_FAILED
    return 0


def _check_prefect_api(required: bool = False) -> int | None:
    """EXIT_NO_PREFECT_API, having said why in one line, when PREFECT_API_URL is set but does not
    answer (or, if required, is not set); None when all is well."""
    from cscetl.prefect_api import api_url, unreachable

    url = api_url()
    if url is None:
        if not required:
            return None  # ephemeral mode: Prefect starts its own server
        print("cscetl: serve needs a Prefect server to hold its schedule: start one (`prefect server start`) and "
              "set PREFECT_API_URL (such as http://127.0.0.1:4200/api)", file=sys.stderr)
        return EXIT_NO_PREFECT_API
    why = unreachable(url)
    if why is None:
        return None
    print(f"cscetl: the Prefect API at {url} does not answer ({why}): start the server (`prefect server start`) "
          "or correct PREFECT_API_URL", file=sys.stderr)
    return EXIT_NO_PREFECT_API


EXIT_CANNOT_LISTEN = 7  # the dashboard's host:port cannot be bound (in use, not allowed)


def cmd_query(args: argparse.Namespace) -> int:
    import duckdb

    from cscetl.query import WarehouseUnusable, one_line, refused_by_lock_down, run_query

    warehouse = Path(args.warehouse) if args.warehouse else reading_warehouse()
    try:
        print(run_query(warehouse, args.sql, args.format, external_access=args.allow_external_access).rstrip("\r\n"))
    except FileNotFoundError as exc:
        print(f"cscetl: {exc}", file=sys.stderr)
        return 2
    except WarehouseUnusable as exc:
        print(f"cscetl: {exc}", file=sys.stderr)
        return EXIT_DAMAGED  # damaged, not DuckDB, or unreadable: as for `run`
    except duckdb.Error as exc:
        if refused_by_lock_down(exc):
            print(f"cscetl: query refused: {one_line(exc)} (`cscetl query` reads only the warehouse; "
                  "--allow-external-access lets SQL use other files, extensions and the network)", file=sys.stderr)
        else:
            print(f"cscetl: query failed: {one_line(exc)}", file=sys.stderr)
        return 1
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import duckdb

    from cscetl.export import export
    from cscetl.query import WarehouseUnusable, one_line

    warehouse = Path(args.warehouse) if args.warehouse else reading_warehouse()
    try:
        written = export(warehouse, args.format, args.out)
    except FileNotFoundError as exc:
        print(f"cscetl: {exc}", file=sys.stderr)
        return 2
    except WarehouseUnusable as exc:
        print(f"cscetl: {exc}", file=sys.stderr)
        return EXIT_DAMAGED  # damaged, not DuckDB, or unreadable: as for `run`
    except duckdb.Error as exc:
        print(f"cscetl: export to {args.out} failed: {one_line(exc)}", file=sys.stderr)
        return 1
    except OSError as exc:  # --out is a file, or cannot be created or written
        print(f"cscetl: cannot write to {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_CANNOT_WRITE if exc.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM) else EXIT_USAGE
    for path in written:
        print(path)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from cscetl.export import data_dictionary, relations
    from cscetl.query import WarehouseUnusable, reading

    warehouse = Path(args.warehouse) if args.warehouse else reading_warehouse()
    try:
        if args.markdown:
            print(data_dictionary(warehouse))
            return 0
        with reading(warehouse) as con:
            for name, kind, comment in relations(con):
                print(f"{name:28} {kind:5}  {comment or ''}")
    except FileNotFoundError as exc:
        print(f"cscetl: {exc}", file=sys.stderr)
        return 2
    except WarehouseUnusable as exc:
        print(f"cscetl: {exc}", file=sys.stderr)
        return EXIT_DAMAGED  # damaged, not DuckDB, or unreadable: as for `run`
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    from cscetl.dashboard import serve

    warehouse = Path(args.warehouse) if args.warehouse else reading_warehouse()
    try:
        server = serve(warehouse, args.host, args.port)
    except (OSError, OverflowError) as exc:  # port in use or privileged, unknown host, port out of range
        why = getattr(exc, "strerror", None) or str(exc)
        hint = ": stop the other program or choose another --port" if getattr(exc, "errno", None) == errno.EADDRINUSE else ""
        print(f"cscetl: cannot serve the dashboard on {args.host}:{args.port}: {why}{hint}", file=sys.stderr)
        return EXIT_CANNOT_LISTEN
    print(f"cscetl dashboard on http://{args.host}:{server.server_address[1]}/ (reading {warehouse}; Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """A one-process scheduler: needs a Prefect server (`prefect server start`) or Prefect Cloud."""
    _prefect_env(verbose=True)
    from prefect.schedules import Cron

    from cscetl.prefect_api import api_url, exit_now, watch
    from flows.etl import cscetl_pipeline

    if (code := _check_prefect_api(required=True)) is not None:
        return code
    url = api_url()
    # Prefect's serve loop retries a lost server for ever, and hangs on Ctrl-C pausing the deployment
    # through it: once the API has stopped answering for ~30 s, say so and end the process
    watch(url, lambda why: exit_now(f"cscetl: lost the Prefect API at {url} ({why}); serve stopped: restart it once "
                                    "the server is back", EXIT_NO_PREFECT_API))
    sources = str(Path(args.sources).resolve()) if args.sources else str(default_sources())
    warehouse = str(Path(args.warehouse).resolve()) if args.warehouse else str(default_warehouse(args.sources).resolve())
    cscetl_pipeline.serve(
        name="cscetl-serve",
        schedule=Cron(args.cron, timezone=args.timezone),
        parameters={"sources": sources, "warehouse": warehouse},
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="cscetl", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the whole pipeline once")
    run.add_argument("--sources", help="sources.toml (default: the bundled sample pages)")
    run.add_argument("--warehouse", help="DuckDB file (default: warehouse/sample.duckdb for the bundled sample, else warehouse/cscetl.duckdb)")
    run.add_argument("--batch-size", type=int, default=500, help="documents per batch (default 500)")
    run.add_argument("--full-refresh", action="store_true", help="re-process every source, changed or not")
    run.add_argument("--allow-empty", action="store_true",
                     help="accept a sources file with no entries (the run marks every loaded document removed)")
    run.add_argument("--workers", type=int, default=0, help="processes for parse/clean/extract (default: every core; 1: in-process)")
    run.add_argument("--task-runner", default=os.environ.get("CSCETL_TASK_RUNNER", ""),
                     help="where batches are parsed: threads (default: this machine's cores), dask (a local Dask "
                          "cluster) or a Dask scheduler address such as tcp://host:8786 (env CSCETL_TASK_RUNNER)")
    run.add_argument("-v", "--verbose", action="store_true", help="show Prefect's flow and task logs")
    run.set_defaults(func=cmd_run)
    query = sub.add_parser("query", help="run read-only SQL on the warehouse (works while a run is loading)")
    query.add_argument("sql")
    query.add_argument("--warehouse", help="DuckDB file (default: warehouse/cscetl.duckdb, or warehouse/sample.duckdb if only the sample has run)")
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.add_argument("--allow-external-access", action="store_true",
                       help="let the SQL read and write other files, attach databases, install and load "
                            "extensions and use the network (refused by default)")
    query.set_defaults(func=cmd_query)
    exp = sub.add_parser("export", help="write every table and view as csv, parquet or xlsx")
    exp.add_argument("--warehouse", help="DuckDB file (default: warehouse/cscetl.duckdb, or warehouse/sample.duckdb if only the sample has run)")
    exp.add_argument("--format", choices=("csv", "parquet", "xlsx"), default="csv")
    exp.add_argument("--out", required=True, help="folder to write to")
    exp.set_defaults(func=cmd_export)
    schema = sub.add_parser("schema", help="list every table and view with what one row is")
    schema.add_argument("--warehouse", help="DuckDB file (default: warehouse/cscetl.duckdb, or warehouse/sample.duckdb if only the sample has run)")
    schema.add_argument("--markdown", action="store_true", help="the full data dictionary, columns included")
    schema.set_defaults(func=cmd_schema)
    dash = sub.add_parser("dashboard", help="serve the dashboard (national page, council pages, quote search)")
    dash.add_argument("--warehouse", help="DuckDB file (default: warehouse/cscetl.duckdb, or warehouse/sample.duckdb if only the sample has run)")
    dash.add_argument("--host", default="127.0.0.1")
    dash.add_argument("--port", type=int, default=8050)
    dash.set_defaults(func=cmd_dashboard)
    serve = sub.add_parser("serve", help="run the pipeline on a schedule in this process (Prefect's flow.serve)")
    serve.add_argument("--sources", help="sources.toml (default: the bundled sample pages)")
    serve.add_argument("--warehouse", help="DuckDB file (default: warehouse/sample.duckdb for the bundled sample, else warehouse/cscetl.duckdb)")
    serve.add_argument("--cron", default="0 6 * * *", help="when to run (default: daily at 06:00)")
    serve.add_argument("--timezone", default="Europe/London")
    serve.set_defaults(func=cmd_serve)
    args = ap.parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()  # output still buffered meets a closed pipe here, inside the handler
    except BrokenPipeError:
        # the reader went away (`cscetl schema | head`): stop quietly. Python's documented way: point
        # stdout at devnull so the flush at exit does not fail again and print a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE  # what a shell reports for a program a closed pipe ends
    return code


if __name__ == "__main__":
    sys.exit(main())
