#!/usr/bin/env python3
"""Pages per second of cscetl.fetch against a local server that adds latency to every request.

    python bench/fetch_bench.py [--n 1000] [--hosts 4] [--latency-ms 100]
                                [--per-host 8] [--global-concurrency 32]

The server runs in a child process (so its threads do not share our GIL, and peak RSS is the
fetcher's own) on 127.0.0.1 .. 127.0.0.N, one loopback address per "host", so the per-host and
global limits both matter: with 100 ms latency the ceiling is min(hosts*per_host, global) / 0.1 s.
It serves robots.txt and gzip-compressed ~30 KB HTML pages. Nothing leaves the machine.

Prints one line per measure and a last machine-readable line.
"""
from __future__ import annotations

import argparse
import gzip
import multiprocessing
import resource
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # run from a checkout without install

from cscetl.fetch import FetchRequest, FetchSettings, fetch_many  # noqa: E402

PAGE = gzip.compress(
    b"<html><head><title>Council news</title></head><body>"
    + b"<p>The council's children's services were judged good by Ofsted inspectors this week.</p>" * 350
    + b"</body></html>"
)


def _handler(latency_s: float) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
        # Headers and body go out in two writes; with Nagle on, the body waits for the client's
        # delayed ACK (~40 ms on Linux) and the bench would measure that instead of the fetcher.
        disable_nagle_algorithm = True

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            time.sleep(latency_s)
            if self.path == "/robots.txt":
                body, headers = b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}
            else:
                body, headers = PAGE, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}
            self.send_response(200)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _serve(hosts: list[str], latency_s: float, ports: multiprocessing.Queue, stop: multiprocessing.Event) -> None:
    servers = []
    for host in hosts:
        server = ThreadingHTTPServer((host, 0), _handler(latency_s))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        ports.put((host, server.server_address[1]))
    stop.wait(timeout=600)  # bounded: the server goes away on its own even if the parent dies
    for server in servers:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="pages to fetch")
    parser.add_argument("--hosts", type=int, default=4, help="loopback hosts 127.0.0.1..N (max 8)")
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--per-host", type=int, default=8)
    parser.add_argument("--global-concurrency", type=int, default=32)
    args = parser.parse_args()
    hosts = [f"127.0.0.{i + 1}" for i in range(max(1, min(args.hosts, 8)))]

    ports: multiprocessing.Queue = multiprocessing.Queue()
    stop = multiprocessing.Event()
    child = multiprocessing.Process(target=_serve, args=(hosts, args.latency_ms / 1000, ports, stop), daemon=True)
    child.start()
    try:
        bound = dict(ports.get(timeout=30) for _ in hosts)
        requests = [FetchRequest(f"http://{hosts[i % len(hosts)]}:{bound[hosts[i % len(hosts)]]}/news/{i}.html")
                    for i in range(args.n)]
        settings = FetchSettings(per_host_concurrency=args.per_host, global_concurrency=args.global_concurrency,
                                 timeout_s=10.0, retries=1, allow_private_addresses=True)
        began = time.perf_counter()
        results = fetch_many(requests, settings)
        seconds = time.perf_counter() - began
    finally:
        stop.set()
        child.join(timeout=10)
        if child.is_alive():
            child.terminate()

    errors = [r for r in results if r.error is not None]
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    ceiling = min(len(hosts) * args.per_host, args.global_concurrency) / max(args.latency_ms / 1000, 1e-9)
    pages_per_s = args.n / seconds
    print(f"pages {args.n} over {len(hosts)} host(s), {args.latency_ms:g} ms latency, "
          f"per_host={args.per_host} global={args.global_concurrency}")
    print(f"errors {len(errors)}" + (f" (first: {errors[0].error})" if errors else ""))
    bound_note = f"  (latency-bound ceiling {ceiling:.0f} pages/s)" if args.latency_ms > 0 else ""
    print(f"total {seconds:.2f} s  {pages_per_s:.1f} pages/s{bound_note}")
    print(f"peak RSS {peak_rss_mb:.1f} MB")
    print(f"bench: fetch pages={args.n} seconds={seconds:.2f} pages_per_s={pages_per_s:.1f} "
          f"peak_rss_mb={peak_rss_mb:.1f}")
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
