"""PDF text extraction in a child process that limits can stop: memory, CPU time and wall-clock time.

PDFium is C++: a crafted file of a few kilobytes can make it allocate gigabytes or work for
minutes, and nothing inside our process can interrupt it (a signal handler runs only between
Python bytecodes). So each process that parses PDFs keeps one long-lived reader child, which
- lives under an address-space limit (RLIMIT_AS): an allocation past it fails, and PDFium aborts;
- gets a CPU-time limit per document (RLIMIT_CPU, moved on before each one): SIGXCPU ends it;
- is killed by the parent past a wall-clock deadline (a child stuck waiting uses no CPU).
A child that dies is replaced for the next document; the document that killed it gets a one-line
error. Started once (~0.2 s), a round trip then costs about a millisecond against ~20 ms of PDFium
per real report. Replies are JSON, not pickle: the parent never runs what a child that read a
hostile file may send.
"""
from __future__ import annotations

import atexit
import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time

from cscetl.limits import PDF_CPU_SECONDS, PDF_MEMORY_BYTES, PDF_WALL_SECONDS

_MAX_REPLY_BYTES = 256 * 1024 * 1024  # text is capped well below this; more is a child gone wrong
_RECYCLE_AFTER = 500  # documents: a fresh child now and then, so heap fragmentation never adds up
_LENGTH = 8  # bytes of the big-endian length before each message


class Refused(Exception):
    """The reader could not or would not read this PDF; str() says why, in one line."""


def read(data: bytes, options: dict[str, int]) -> object:
    """cscetl.parse_pdf.read_pages(data, **options), run in the reader child.

    Raises Refused for the PDF's own problems and for a child stopped by a limit.
    """
    with _LOCK:  # one child, one document at a time (PDFium is not thread-safe anyway)
        return _reader().call(data, options)


class _Reader:
    def __init__(self) -> None:
        self.owner = os.getpid()
        self.documents = 0
        # The child imports the cscetl this process runs, wherever that came from.
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from cscetl.pdf_sandbox import serve; serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True, env=env,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._out, self._in = self.proc.stdin.fileno(), self.proc.stdout.fileno()
        os.set_blocking(self._out, False)
        os.set_blocking(self._in, False)

    def alive(self) -> bool:
        return self.owner == os.getpid() and self.proc.poll() is None

    def call(self, data: bytes, options: dict[str, int]) -> object:
        self.documents += 1
        header = json.dumps({"options": options, "memory": PDF_MEMORY_BYTES, "cpu": PDF_CPU_SECONDS}).encode()
        request = _frame(_frame(header) + data)
        try:
            reply = self._exchange(request, time.monotonic() + PDF_WALL_SECONDS)
        except _Died:
            raise Refused(self._death()) from None
        except TimeoutError:
            self.stop()
            raise Refused(f"PDF reading took longer than {PDF_WALL_SECONDS:g} s; not read") from None
        except BaseException:  # a time limit or Ctrl-C in the parent: the child's next reply is stale
            self.stop()
            raise
        message = json.loads(reply.decode("utf-8", errors="surrogatepass"))
        if "error" in message:
            if message.get("fatal"):
                self.stop()
            raise Refused(str(message["error"]))
        return message["ok"]

    def _exchange(self, request: bytes, deadline: float) -> bytes:
        """Send the request and read the reply, never blocking past the deadline."""
        pending = memoryview(request)
        reply = bytearray()
        need: int | None = None
        with selectors.DefaultSelector() as selector:
            selector.register(self._out, selectors.EVENT_WRITE)
            selector.register(self._in, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                for key, _ in selector.select(left):
                    if key.fd == self._out:
                        try:
                            pending = pending[os.write(self._out, pending[: 1 << 20]) :]
                        except BrokenPipeError:
                            raise _Died from None
                        if not pending:
                            selector.unregister(self._out)
                        continue
                    chunk = os.read(self._in, 1 << 20)
                    if not chunk:
                        raise _Died
                    reply += chunk
                    if need is None and len(reply) >= _LENGTH:
                        need = _LENGTH + int.from_bytes(reply[:_LENGTH], "big")
                        if need > _MAX_REPLY_BYTES:
                            self.stop()
                            raise _Died
                    if need is not None and len(reply) >= need:
                        return bytes(reply[_LENGTH:need])

    def _death(self) -> str:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.stop()
            code = self.proc.returncode
        if code == -signal.SIGXCPU:
            return f"PDF reading used more than {PDF_CPU_SECONDS} s of CPU; not read"
        what = f"exit code {code}"
        if code is not None and code < 0:
            try:
                what = f"signal {signal.Signals(-code).name}"
            except ValueError:
                what = f"signal {-code}"
        return (f"PDF reading stopped ({what}): past its {PDF_MEMORY_BYTES // 2**20} MB memory limit, "
                "or the file crashed the reader; not read")

    def stop(self) -> None:
        """End the child (closing its input is enough when it is waiting; a kill when it is not)."""
        if self.owner != os.getpid():
            return  # a forked copy of the parent: the child is the parent's, not ours
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


class _Died(Exception):
    pass


_LOCK = threading.Lock()
_READER: _Reader | None = None


def _reader() -> _Reader:
    global _READER
    reader = _READER
    if reader is not None and reader.alive() and reader.documents < _RECYCLE_AFTER:
        return reader
    if reader is not None:
        reader.stop()
    _READER = _Reader()
    return _READER


@atexit.register
def _stop_at_exit() -> None:
    if _READER is not None:
        _READER.stop()


def _frame(payload: bytes) -> bytes:
    return len(payload).to_bytes(_LENGTH, "big") + payload


# --- the child ---------------------------------------------------------------------------------


def serve() -> None:
    """The reader child's loop: one request in (limits, then the PDF), one JSON reply out."""
    import resource

    from cscetl import parse_pdf  # imported before any limit, so the limit is all the PDF's

    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed to stdout by a library must not land inside a reply
    requests = sys.stdin.buffer
    while True:
        request = _read_frame(requests)
        if request is None:
            return  # the parent closed our input: it has finished, or it is gone
        header_length = int.from_bytes(request[:_LENGTH], "big")
        header = json.loads(request[_LENGTH : _LENGTH + header_length])
        data = request[_LENGTH + header_length :]
        del request
        resource.setrlimit(resource.RLIMIT_AS, (header["memory"], resource.RLIM_INFINITY))
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(used.ru_utime + used.ru_stime) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (spent + header["cpu"], resource.RLIM_INFINITY))
        fatal = False
        try:
            message: dict[str, object] = {"ok": parse_pdf.read_pages(data, **header["options"])}
        except parse_pdf.PdfError as exc:
            message = {"error": str(exc)}
        except MemoryError:
            fatal = True  # a fresh heap for the next document
            message = {"error": f"PDF needs more than {header['memory'] // 2**20} MB to read; not read", "fatal": True}
        except Exception as exc:  # a bug or a file nothing else expected: this document's error
            message = {"error": f"PDF cannot be read: {type(exc).__name__}: {exc}"}
        del data
        payload = json.dumps(message, ensure_ascii=False).encode("utf-8", errors="surrogatepass")
        replies.write(_frame(payload))
        replies.flush()
        if fatal:
            return


def _read_frame(stream) -> bytes | None:
    head = stream.read(_LENGTH)
    if len(head) < _LENGTH:
        return None
    length = int.from_bytes(head, "big")
    body = stream.read(length)
    return body if len(body) == length else None
