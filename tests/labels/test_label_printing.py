import os
import socket
import stat
import threading
import time

import pytest

from labels.printing import (
    BROTHER_RASTER,
    PDF,
    ZPL,
    BrotherNetworkPrinter,
    CupsPrinter,
    DownloadPrinter,
    PrintError,
    RawSocketPrinter,
)

LOOPBACK = "127.0.0.1"


class Listener:
    """A real TCP server on loopback that keeps what it receives."""

    def __init__(self, *, read: bool = True, rcvbuf: int | None = None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.bind((LOOPBACK, 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.received = b""
        self.read = read
        self.conns = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.sock.settimeout(5)
        conn, _ = self.sock.accept()
        self.conns.append(conn)
        if self.read:
            conn.settimeout(5)
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
            self.received = b"".join(chunks)
        self.done.set()

    def close(self):
        for c in self.conns:
            c.close()
        self.sock.close()


def test_raw_socket_printer_delivers_the_exact_bytes():
    server = Listener()
    data = bytes(range(256)) * 1000
    try:
        result = RawSocketPrinter(LOOPBACK, server.port, timeout=5).send(data, content_type=ZPL)
        assert server.done.wait(5)
        assert server.received == data
        assert result.bytes_sent == len(data) and result.backend == "raw"
    finally:
        server.close()


def test_closed_port_is_refused_quickly():
    s = socket.socket()
    s.bind((LOOPBACK, 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    start = time.monotonic()
    with pytest.raises(PrintError) as info:
        RawSocketPrinter(LOOPBACK, port, timeout=5).send(b"^XA^XZ", content_type=ZPL)
    assert info.value.code == "refused"
    assert "switched on" in info.value.message
    assert time.monotonic() - start < 1


def test_printer_that_stops_reading_times_out_within_the_timeout():
    server = Listener(read=False, rcvbuf=4096)
    try:
        start = time.monotonic()
        with pytest.raises(PrintError) as info:
            RawSocketPrinter(LOOPBACK, server.port, timeout=0.5).send(
                b"\0" * (64 * 1024 * 1024), content_type=BROTHER_RASTER
            )
        assert info.value.code == "timeout"
        assert "paper jam" in info.value.message
        assert time.monotonic() - start < 3
    finally:
        server.close()


def test_printer_that_never_accepts_times_out_on_connect():
    backlog_full = socket.socket()
    backlog_full.bind((LOOPBACK, 0))
    backlog_full.listen(0)
    port = backlog_full.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):  # fill the accept queue; later SYNs are dropped
            f = socket.socket()
            f.setblocking(False)
            f.connect_ex((LOOPBACK, port))
            fillers.append(f)
        time.sleep(0.1)
        start = time.monotonic()
        with pytest.raises(PrintError) as info:
            RawSocketPrinter(LOOPBACK, port, timeout=0.3).send(b"x", content_type=ZPL)
        assert info.value.code == "timeout"
        assert time.monotonic() - start < 2
    finally:
        for f in fillers:
            f.close()
        backlog_full.close()


def test_brother_network_printer_sends_raster_over_raw_tcp():
    server = Listener()
    try:
        BrotherNetworkPrinter(LOOPBACK, server.port, timeout=5).send(
            b"\0" * 400 + b"\x1a", content_type=BROTHER_RASTER
        )
        assert server.done.wait(5)
        assert server.received.endswith(b"\x1a")
    finally:
        server.close()


def test_brother_network_printer_refuses_pdf():
    with pytest.raises(PrintError) as info:
        BrotherNetworkPrinter(LOOPBACK, 9).send(b"%PDF", content_type=PDF)
    assert info.value.code == "bad_content"


def _fake_lp(tmp_path, body: str):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    lp = bindir / "lp"
    lp.write_text("#!/bin/sh\n" + body)
    lp.chmod(lp.stat().st_mode | stat.S_IEXEC)
    return bindir


def test_cups_printer_pipes_the_data_to_lp_with_the_queue(tmp_path, monkeypatch):
    out = tmp_path / "stdin.bin"
    args = tmp_path / "args.txt"
    bindir = _fake_lp(
        tmp_path,
        f'echo "$@" > {args}\ncat > {out}\necho "request id is etiquettes-42 (1 file(s))"\n',
    )
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    data = b"%PDF-1.4 \xc3\xa9\n"
    result = CupsPrinter("etiquettes").send(data, content_type=PDF)
    assert out.read_bytes() == data
    assert args.read_text().split() == ["-d", "etiquettes"]
    assert result.job_id == "etiquettes-42"


def test_cups_printer_sends_printer_languages_raw(tmp_path, monkeypatch):
    args = tmp_path / "args.txt"
    bindir = _fake_lp(tmp_path, f'echo "$@" > {args}\ncat > /dev/null\n')
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    CupsPrinter("zebra").send(b"^XA^XZ", content_type=ZPL)
    assert args.read_text().split() == ["-d", "zebra", "-o", "raw"]


def test_cups_failure_reports_lp_failed_with_lps_message(tmp_path, monkeypatch):
    bindir = _fake_lp(
        tmp_path, 'cat > /dev/null\necho "lp: The printer or class does not exist." >&2\nexit 1\n'
    )
    monkeypatch.setenv("PATH", str(bindir))
    with pytest.raises(PrintError) as info:
        CupsPrinter("nope").send(b"x", content_type=PDF)
    assert info.value.code == "lp_failed"
    assert "does not exist" in info.value.message and "queue name" in info.value.message


def test_cups_without_lp_reports_lp_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrintError) as info:
        CupsPrinter("etiquettes").send(b"x", content_type=PDF)
    assert info.value.code == "lp_missing"


def test_cups_that_hangs_times_out(tmp_path, monkeypatch):
    bindir = _fake_lp(tmp_path, "exec sleep 10\n")
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    start = time.monotonic()
    with pytest.raises(PrintError) as info:
        CupsPrinter("etiquettes", timeout=0.3).send(b"x", content_type=PDF)
    assert info.value.code == "timeout"
    assert time.monotonic() - start < 3


def test_download_returns_the_bytes_for_the_browser():
    result = DownloadPrinter().send(b"%PDF-1.4", content_type=PDF)
    assert result.data == b"%PDF-1.4" and result.content_type == PDF
