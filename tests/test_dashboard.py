"""The dashboard: pages on the bundled sample, a real headless Chromium, and readers during a run."""
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from cscetl.dashboard import line_chart, serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def site(sample_run, tmp_path_factory):
    # a copy: the browser test runs the pipeline into it, and other modules read the session's warehouse
    warehouse = tmp_path_factory.mktemp("dash") / "w.duckdb"
    shutil.copyfile(sample_run[1], warehouse)
    server = serve(warehouse, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", warehouse
    server.shutdown()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def test_national_page(site):
    status, body = get(site[0] + "/")
    assert status == 200 and "Current grades" in body and "Sunderland" in body and "outstanding" in body


def test_council_page_timeline_chart_and_quotes(site):
    status, body = get(site[0] + "/council/E06000038")  # Reading
    assert status == 200
    assert "Inspection timeline" in body and "monitoring visit (number 9)" in body
    assert "<svg class='chart'" in body  # children looked after over time
    assert "Latest quotes" in body and "Helena Marsh-Okafor" in body


def test_quote_search_and_escaping(site):
    status, body = get(site[0] + "/quotes?q=inspectors")
    assert status == 200 and "found." in body and "<blockquote>" in body
    status, body = get(site[0] + "/quotes?q=%3Cscript%3E%25_")
    assert status == 200 and "<script>" not in body and "0 found." in body


def test_quote_search_text_stays_a_parameter(site, tmp_path):
    # the search box is the one place visitors' text reaches SQL: a parameter, on a locked-down connection
    target = tmp_path / "stolen.csv"
    q = urllib.parse.quote(f"x' ESCAPE ''); COPY documents TO '{target}'; --")
    status, body = get(site[0] + "/quotes?q=" + q)
    assert status == 200 and "0 found." in body and not target.exists()


def test_unknown_council_is_404(site):
    assert get(site[0] + "/council/E99999999")[0] == 404


def test_line_chart_svg():
    from datetime import date

    svg = line_chart([(date(2023, 3, 31), 250.0), (date(2024, 3, 31), 266.0)], "children looked after")
    assert svg.count("<circle") == 2 and "children looked after" in svg
    assert line_chart([], "nothing") == ""


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (the CI script installs it)")
def test_real_browser_shows_timeline_and_chart_while_a_run_writes(site, tmp_path, sample_sources):
    url, warehouse = site
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}"]
    shot = tmp_path / "dashboard-council.png"  # docs/dashboard-council.png is one of these, kept for the README
    done = subprocess.run(args + [f"--screenshot={shot}", "--window-size=1200,1600", f"{url}/council/E06000038"],
                          capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000, done.stderr[-2000:]
    # while a full pipeline run rewrites the same warehouse, the browser keeps getting whole pages
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "ph"))
    env.pop("PREFECT_API_URL", None)
    run = subprocess.Popen([sys.executable, "-m", "cscetl.cli", "run", "--sources", str(sample_sources),
                            "--warehouse", str(warehouse), "--full-refresh"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    pages = 0
    while run.poll() is None and pages < 40:
        dom = subprocess.run(args + ["--dump-dom", f"{url}/council/E06000038"], capture_output=True, text=True, timeout=120)
        assert "Inspection timeline" in dom.stdout and "<svg" in dom.stdout, dom.stderr[-1000:]
        pages += 1
    assert run.wait(timeout=300) == 0, run.stderr.read()[-2000:]
    assert pages >= 1
