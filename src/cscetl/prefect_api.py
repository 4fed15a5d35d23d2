"""Whether the Prefect API that `cscetl serve` (or a run) talks to answers, checked before and while serving.

Prefect's serve loop does not give up when its server goes away: its client retries every call
with back-off, and on Ctrl-C it tries to pause the deployment through the API that is gone, so
the process hangs at "Pausing all deployments...". A small health check before serving, and a
watcher while serving that ends the process once the API has stopped answering for a while,
turn both into one line and an exit code.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from typing import Callable


def api_url() -> str | None:
    """PREFECT_API_URL as Prefect reads it (environment or profile); None: ephemeral mode."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def unreachable(url: str, timeout: float = 5.0) -> str | None:
    """Why the API at `url` does not answer (a refused connection, a timeout, a 5xx), or None if it does."""
    import httpx

    headers = {}
    key = os.environ.get("PREFECT_API_KEY")
    if key:
        headers["Authorization"] = f"Bearer {key}"
    try:
        response = httpx.get(url.rstrip("/") + "/health", timeout=timeout, headers=headers)
    except httpx.HTTPError as exc:
        return str(exc) or type(exc).__name__
    if response.status_code >= 500:
        return f"HTTP {response.status_code}"
    return None  # any other answer is a server: its own errors (a wrong key) are Prefect's to report


def watch(url: str, on_lost: Callable[[str], None], every: float = 5.0, misses: int = 6) -> threading.Thread:
    """Check the API every `every` seconds in a daemon thread; after `misses` failed checks in a row
    (≈30 s: a server restarting comes back sooner) call on_lost(reason)."""
    def loop() -> None:
        failed = 0
        while True:
            time.sleep(every)
            reason = unreachable(url, timeout=min(every, 5.0))
            failed = failed + 1 if reason else 0
            if failed >= misses:
                on_lost(reason or "")
                return

    thread = threading.Thread(target=loop, name="cscetl-api-watch", daemon=True)
    thread.start()
    return thread


def exit_now(message: str, code: int) -> None:
    """Print one line and end the process at once: a normal exit would wait on Prefect's shutdown,
    which calls the unreachable API (and so never ends)."""
    try:
        sys.stdout.flush()
    except Exception:
        pass
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
    os._exit(code)
