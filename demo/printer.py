"""A pretend label printer for the demo: a raw-9100 listener that keeps what it receives.

``make run`` starts it (``manage.py demo_printer``) beside the server, and the demo gives the
intake, erasure and shop workstations a "Zebra on raw TCP" printer at its address, so a
newcomer who registers a device sees its label under ``var/printed/``: the bytes as sent
(``.zpl``, ``.pdf`` or ``.bin``) and, for ZPL, one PNG preview per label (zplkit renders
it). The tests print to it too.
"""

from __future__ import annotations

import itertools
import re
import socketserver
import threading
import time
import unicodedata
from pathlib import Path

RECEIVE_TIMEOUT = 10.0
MAX_JOB_BYTES = 16 * 1024 * 1024
_ASCII = {"€": "E", "…": "...", "—": "-", "·": ".", "œ": "oe", "Œ": "OE", "’": "'"}


def _extension(data: bytes) -> str:
    head = data.lstrip()[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"^XA") or b"^XA" in data[:64]:
        return "zpl"
    return "bin"


def _ascii_fields(zpl: bytes) -> bytes:
    """zplkit's built-in font lacks most accented glyphs: fold text fields to ASCII."""

    def fold(match):
        text = "".join(_ASCII.get(c, c) for c in match.group(2))
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return match.group(1) + text

    return re.sub(r"(\^A0N,\d+,\d+\^FH_\^FD)([^^]*)", fold, zpl.decode("utf-8", "replace")).encode()


def zpl_previews(zpl: bytes, dpi: int = 203) -> list:
    """PIL images of the labels of a ZPL job, or [] without zplkit (or on a bad job)."""
    try:
        import zplkit
        from PIL import Image
    except ImportError:
        return []
    try:
        doc = zplkit.render(_ascii_fields(zpl), zplkit.Options(profile="specification", dpi=dpi))
        images = []
        for scene in doc.labels:
            raster = scene.rasterize()
            images.append(Image.frombytes("L", (raster.width, raster.height), raster.pixels))
        return images
    except Exception:  # a preview is a convenience: keep the bytes whatever happens
        return []


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(RECEIVE_TIMEOUT)
        chunks, size = [], 0
        try:
            while chunk := self.request.recv(65536):
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_JOB_BYTES:
                    break
        except OSError:
            pass
        if chunks:
            self.server.keep(b"".join(chunks))


class DemoPrinter(socketserver.ThreadingTCPServer):
    """Listen on ``(host, port)`` (port 0: any free one) and save each job under ``out_dir``."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, host: str, port: int, out_dir: Path, *, previews: bool = True):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.previews = previews
        self.jobs: list[Path] = []
        self.images: list[Path] = []
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        super().__init__((host, port), _Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def keep(self, data: bytes) -> Path:
        with self._lock:
            number = next(self._numbers)
        stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{number:04d}"
        path = self.out_dir / f"{stem}.{_extension(data)}"
        path.write_bytes(data)
        images = []
        if self.previews and path.suffix == ".zpl":
            for index, image in enumerate(zpl_previews(data), start=1):
                png = self.out_dir / f"{stem}-{index}.png"
                image.save(png)
                images.append(png)
        with self._lock:
            self.jobs.append(path)
            self.images.extend(images)
        return path

    def start(self) -> DemoPrinter:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def wait_for_jobs(self, count: int, timeout: float = 10.0) -> list[Path]:
        deadline = time.monotonic() + timeout
        while len(self.jobs) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.jobs)

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
