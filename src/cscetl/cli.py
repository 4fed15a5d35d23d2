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


def cmd_run(args: argparse.Namespace) -> int:
    from cscetl.sources import SourcesError, load_fetch_settings, load_sources

    sources = Path(args.sources) if args.sources else default_sources()
    warehouse = Path(args.warehouse) if args.warehouse else default_warehouse(args.sources)
    try:
        entries = load_sources(sources, allow_empty=args.allow_empty)  # fail fast, before Prefect starts, on a file that cannot be read
        load_fetch_settings(sources)
    except SourcesError as exc:
        print(f"cscetl: {exc}", file=sys.stderr)
        return 2
    _prefect_env(args.verbose)
    from cscetl.publish import WarehouseBusy
    try:
        # the flow module reads CSCETL_TASK_RUNNER when imported: a bad value fails here, clearly
        from flows.etl import with_task_runner

        pipeline = with_task_runner(args.task_runner)
    except (ValueError, ImportError) as exc:
        print(f"cscetl: {exc}", file=sys.stderr)
        return 2
    try:
        summary = pipeline(sources=str(sources), warehouse=str(warehouse), batch_size=args.batch_size,
                           full_refresh=args.full_refresh, workers=args.workers, allow_empty=args.allow_empty)
    except WarehouseBusy as exc:
        print(f"cscetl: {exc}", file=sys.stderr)
        return 3
    print(summary.render())
    print(f"  warehouse: {warehouse}")
    if entries and summary.loaded + summary.unchanged == 0:
        return 1  # every source failed: nothing to show for the run
    return 0


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
        return 4  # damaged, not DuckDB, or unreadable: as for `run`
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
        return 4  # damaged, not DuckDB, or unreadable: as for `run`
    except duckdb.Error as exc:
        print(f"cscetl: export to {args.out} failed: {one_line(exc)}", file=sys.stderr)
        return 1
    except OSError as exc:  # --out is a file, or cannot be created or written
        print(f"cscetl: cannot write to {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 5 if exc.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM) else 2
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
        return 4  # damaged, not DuckDB, or unreadable: as for `run`
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

    from flows.etl import cscetl_pipeline

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
