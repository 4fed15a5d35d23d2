"""A small dashboard over the published warehouse: national page, council pages, quote search.

Plain server-rendered HTML with inline SVG charts: no JavaScript framework to install or keep up
to date, nothing to build, and it opens the warehouse read-only per request, so it keeps working
while a run builds the next warehouse (runs publish by atomic rename; see cscetl.publish).
"""
from __future__ import annotations

import html
import re
import sys
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

from cscetl.query import WarehouseUnusable, one_line, reading

GRADE_COLOUR = {"outstanding": "#1b7837", "good": "#5aae61", "requires_improvement": "#f1a340",
                "adequate": "#fdb863", "inadequate": "#d73027", None: "#999999"}
STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left}
.grade{padding:.1rem .4rem;border-radius:.3rem;color:#fff}nav a{margin-right:1rem}blockquote{margin:.5rem 0;border-left:4px solid #ccc;padding-left:.8rem}
figure{display:inline-block;margin:0 1.5rem 1.5rem 0}figcaption{font-size:.9rem;color:#555}"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _num(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def _grade(g: str | None) -> str:
    label = (g or "none").replace("_", " ")
    return f'<span class="grade" style="background:{GRADE_COLOUR.get(g, "#999")}">{_e(label)}</span>'


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'><title>{_e(title)} · cscetl</title>"
            f"<style>{STYLE}</style></head><body><nav><a href='/'>National</a><a href='/quotes'>Quotes</a></nav>"
            f"<h1>{_e(title)}</h1>{body}</body></html>")


def _rows(con, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def line_chart(points: list[tuple[date, float]], title: str, width: int = 360, height: int = 160) -> str:
    """An SVG line chart of (date, value) points."""
    pts = sorted((d, v) for d, v in points if d is not None and v is not None)
    if not pts:
        return ""
    x0, x1 = pts[0][0].toordinal(), pts[-1][0].toordinal()
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    lo, hi = (lo - 1, hi + 1) if lo == hi else (lo, hi)
    pad = 30

    def xy(d: date, v: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * ((d.toordinal() - x0) / (x1 - x0) if x1 > x0 else 0.5)
        y = height - pad - (height - 2 * pad) * (v - lo) / (hi - lo)
        return x, y

    coords = [xy(d, v) for d, v in pts]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3'><title>{_e(d)}: {v:g}</title></circle>" for (x, y), (d, v) in zip(coords, pts))
    axis = (f"<text x='{pad}' y='{height - 8}' font-size='10'>{_e(pts[0][0])}</text>"
            f"<text x='{width - pad}' y='{height - 8}' font-size='10' text-anchor='end'>{_e(pts[-1][0])}</text>"
            f"<text x='4' y='{pad}' font-size='10'>{hi:g}</text><text x='4' y='{height - pad}' font-size='10'>{lo:g}</text>")
    return (f"<figure><svg class='chart' role='img' aria-label='{_e(title)}' width='{width}' height='{height}' viewBox='0 0 {width} {height}'>"
            f"<polyline fill='none' stroke='#2166ac' stroke-width='2' points='{path}'/>{dots}{axis}</svg>"
            f"<figcaption>{_e(title)}</figcaption></figure>")


def national(con) -> str:
    latest = _rows(con, """
        SELECT la_code, la_name, arg_max(judgement, start_date) AS judgement, max(start_date) AS date
        FROM la_inspection_timeline WHERE inspection_type = 'full_inspection' AND judgement IS NOT NULL
        GROUP BY ALL ORDER BY la_name""")
    visits = _rows(con, """
        SELECT la_code, la_name, count(*) AS visits, max(start_date) AS latest FROM la_inspection_timeline
        WHERE inspection_type = 'monitoring_visit' GROUP BY ALL ORDER BY visits DESC, la_name LIMIT 20""")
    counts = _rows(con, "SELECT count(*) AS documents, count(DISTINCT la_code) AS councils FROM documents WHERE removed_in_run IS NULL")[0]
    body = f"<p>{counts['documents']} documents about {counts['councils']} councils.</p><h2>Current grades</h2><table><tr><th>Council</th><th>Grade</th><th>Inspected</th></tr>"
    body += "".join(f"<tr><td><a href='/council/{quote(r['la_code'])}'>{_e(r['la_name'])}</a></td><td>{_grade(r['judgement'])}</td><td>{_e(r['date'])}</td></tr>" for r in latest)
    body += "</table><h2>Most monitoring visits</h2><table><tr><th>Council</th><th>Visits</th><th>Latest</th></tr>"
    body += "".join(f"<tr><td><a href='/council/{quote(r['la_code'])}'>{_e(r['la_name'])}</a></td><td>{r['visits']}</td><td>{_e(r['latest'])}</td></tr>" for r in visits)
    return _page("Children's services across England", body + "</table>")


def council(con, la_code: str) -> str | None:
    name = _rows(con, "SELECT any_value(la_name) AS n FROM documents WHERE la_code = ?", [la_code])
    if not name or name[0]["n"] is None:
        return None
    events = _rows(con, """SELECT inspection_type, start_date, date_precision, ordinal, judgement, source_count
                           FROM la_inspection_timeline WHERE la_code = ? ORDER BY start_date NULLS LAST""", [la_code])
    body = "<h2>Inspection timeline</h2><table class='timeline'><tr><th>Date</th><th>Event</th><th>Grade</th><th>Sources</th></tr>"
    for e in events:
        what = e["inspection_type"].replace("_", " ") + (f" (number {e['ordinal']})" if e["ordinal"] else "")
        when = e["start_date"].strftime({"day": "%d %b %Y", "month": "%b %Y"}.get(e["date_precision"], "%Y")) if e["start_date"] else "undated"
        body += f"<tr><td>{_e(when)}</td><td>{_e(what)}</td><td>{_grade(e['judgement']) if e['judgement'] else ''}</td><td>{e['source_count']}</td></tr>"
    body += "</table><h2>Figures over time</h2>"
    series = _rows(con, """SELECT metric, unit, list({'d': period, 'v': value} ORDER BY period) AS pts
                           FROM metric_trends WHERE la_code = ? AND measure = 'level' AND period IS NOT NULL GROUP BY ALL ORDER BY metric""", [la_code])
    charts = [line_chart([(p["d"], p["v"]) for p in s["pts"]], f"{s['metric'].replace('_', ' ')} ({s['unit']})") for s in series if len(s["pts"]) >= 2]
    singles = [s for s in series if len(s["pts"]) == 1]
    body += "".join(charts) or "<p>No figure has been stated more than once yet.</p>"
    if singles:
        body += "<table><tr><th>Figure</th><th>Value</th><th>As of</th></tr>" + "".join(
            f"<tr><td>{_e(s['metric'].replace('_', ' '))}</td><td>{_num(s['pts'][0]['v'])} {_e(s['unit'])}</td><td>{_e(s['pts'][0]['d'])}</td></tr>" for s in singles) + "</table>"
    quotes = _rows(con, """SELECT q.speaker_name, q.speaker_role, q.text, d.source_url, d.title, d.published_date
                           FROM quotes q JOIN documents d USING (doc_id) WHERE q.la_code = ? AND d.removed_in_run IS NULL
                           ORDER BY d.published_date DESC NULLS LAST, q.char_start LIMIT 12""", [la_code])
    body += "<h2>Latest quotes</h2>" + "".join(_quote(q) for q in quotes)
    return _page(name[0]["n"], body)


def _quote(q: dict) -> str:
    who = _e(q["speaker_name"]) + (f", {_e(q['speaker_role'])}" if q.get("speaker_role") else "")
    return (f"<blockquote>“{_e(q['text'])}”<br><small>— {who} · <a href='{_e(q['source_url'])}'>{_e(q['title'] or q['source_url'])}</a>"
            f" {_e(q['published_date'] or '')}</small></blockquote>")


def quotes(con, q: str) -> str:
    form = f"<form><input name='q' value='{_e(q)}' placeholder='words or a speaker'> <button>Search</button></form>"
    if not q.strip():
        return _page("Quotes", form)
    like = "%" + re.sub(r"([%_\\\\])", r"\\\1", q.strip()) + "%"
    rows = _rows(con, """SELECT q.speaker_name, q.speaker_role, q.text, d.source_url, d.title, d.published_date
                         FROM quotes q JOIN documents d USING (doc_id)
                         WHERE d.removed_in_run IS NULL AND (q.text ILIKE ? ESCAPE '\\' OR q.speaker_name ILIKE ? ESCAPE '\\')
                         ORDER BY d.published_date DESC NULLS LAST LIMIT 50""", [like, like])
    return _page("Quotes", form + f"<p>{len(rows)} found.</p>" + "".join(_quote(r) for r in rows))


def make_handler(warehouse: Path):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            url = urlparse(self.path)
            # opened per request, locked down like `cscetl query` (the quote search puts visitors' text
            # into SQL, as a parameter), so a fixed or newly published file is picked up by the next page
            try:
                with reading(warehouse) as con:
                    if url.path == "/":
                        page = national(con)
                    elif url.path.startswith("/council/"):
                        page = council(con, url.path.rsplit("/", 1)[-1])
                    elif url.path == "/quotes":
                        page = quotes(con, parse_qs(url.query).get("q", [""])[0])
                    else:
                        page = None
            except FileNotFoundError as exc:
                return self._send(503, _page("No warehouse yet", f"<p>{_e(exc)}</p>"))
            except WarehouseUnusable as exc:
                return self._send(503, _page("Warehouse unusable", f"<p>{_e(exc)}</p>"))
            except Exception as exc:  # noqa: BLE001 - a visitor gets a page, never an empty reply
                print(f"cscetl dashboard: {url.path}: {type(exc).__name__}: {one_line(exc)}", file=sys.stderr, flush=True)
                return self._send(500, _page("Something went wrong", "<p>This page could not be built; the dashboard's log says why.</p>"))
            self._send(200, page) if page else self._send(404, _page("Not found", "<p>No such page.</p>"))

        def _send(self, status: int, body: str) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def serve(warehouse: Path | str, host: str = "127.0.0.1", port: int = 8050) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), make_handler(Path(warehouse)))
