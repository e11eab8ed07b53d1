"""Print transports behind one interface: ``send(data, *, content_type) -> PrintResult``.

Every failure is a :class:`PrintError` with a stable ``code`` (the Django layer
translates by code) and an English message that says what to check next.
Nothing here can hang: every network and subprocess step has a deadline.
"""

from __future__ import annotations

import errno
import ipaddress
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from typing import Protocol

PDF = "application/pdf"
ZPL = "application/vnd.zebra-zpl"
BROTHER_RASTER = "application/vnd.brother-ql-raster"
PNG = "image/png"
SVG = "image/svg+xml"


class PrintError(Exception):
    """A print failed. ``code`` is stable: refused, timeout, unreachable, unknown_host,
    connection_lost, lp_missing, lp_failed, bad_content, forbidden_target."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class PrintResult:
    backend: str
    bytes_sent: int
    content_type: str
    job_id: str | None = None  # CUPS request id
    data: bytes | None = None  # "download": the bytes for the browser
    elapsed_s: float = 0.0


class Printer(Protocol):
    def send(self, data: bytes, *, content_type: str) -> PrintResult: ...


_UNREACHABLE = {errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.ENETDOWN}

# Where a raw-socket printer may be by default: the private networks of RFC 1918 (and IPv6
# unique local addresses). Loopback and link-local are never allowed unless a setting names them.
PRIVATE_NETWORKS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")


def address_allowed(address: str, networks) -> bool:
    """True when the IP ``address`` lies in one of ``networks`` (CIDR strings)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    for network in networks:
        net = ipaddress.ip_network(network, strict=False)
        if ip.version == net.version and ip in net:
            return True
    return False


def resolve_allowed(host: str, port: int, networks) -> str:
    """Resolve ``host`` and return its first address inside ``networks``; the socket then
    connects to that very address, so a name cannot be re-pointed between check and use."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise PrintError(
            "unknown_host",
            f"The printer name {host!r} cannot be resolved. Check the printer address.",
        ) from None
    for info in infos:
        address = info[4][0]
        if address_allowed(address, networks):
            return address
    raise PrintError(
        "forbidden_target",
        f"The printer address {host!r} is outside the networks printers may be on "
        f"({', '.join(networks)}). Give the printer an address of the workshop's network, "
        "or add its network to ATELIER_PRINTER_NETWORKS.",
    )


class RawSocketPrinter:
    """Raw TCP ("JetDirect", port 9100): ZPL for Zebra, raster for Brother QL, PDF for some."""

    backend = "raw"

    def __init__(
        self,
        host: str,
        port: int = 9100,
        timeout: float = 5.0,
        connect_timeout: float | None = None,
        allowed_networks=None,
    ):
        self.host = host
        self.port = port
        # None: any address (the engine used alone); the Django layer always passes the setting.
        self.allowed_networks = allowed_networks
        self.timeout = timeout  # whole send, after the connection is made
        self.connect_timeout = timeout if connect_timeout is None else connect_timeout

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def send(self, data: bytes, *, content_type: str) -> PrintResult:
        start = time.monotonic()
        host = self.host
        if self.allowed_networks is not None:
            host = resolve_allowed(self.host, self.port, self.allowed_networks)
        try:
            sock = socket.create_connection((host, self.port), timeout=self.connect_timeout)
        except ConnectionRefusedError:
            raise PrintError(
                "refused",
                f"The printer at {self.where} refused the connection. Check that it is switched "
                f"on, that the address is right and that raw printing on port {self.port} "
                "is enabled.",
            ) from None
        except TimeoutError:
            raise PrintError(
                "timeout",
                f"No answer from {self.where} within {self.connect_timeout:g} s. Check that the "
                "printer is on, connected to the network and not busy with another job.",
            ) from None
        except socket.gaierror:
            raise PrintError(
                "unknown_host",
                f"The printer name {self.host!r} cannot be resolved. Check the printer address.",
            ) from None
        except OSError as exc:
            if exc.errno in _UNREACHABLE:
                raise PrintError(
                    "unreachable",
                    f"The network cannot reach {self.where}. Check the printer's address and "
                    "that it is on the same network as the workshop server.",
                ) from None
            raise PrintError(
                "connection_lost", f"Could not connect to {self.where}: {exc.strerror or exc}."
            ) from None
        sent = 0
        try:
            deadline = time.monotonic() + self.timeout
            view = memoryview(data)
            while sent < len(data):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                sock.settimeout(remaining)
                sent += sock.send(view[sent : sent + 65536])
            sock.shutdown(socket.SHUT_WR)
        except TimeoutError:
            raise PrintError(
                "timeout",
                f"The printer at {self.where} stopped accepting data after {sent} of "
                f"{len(data)} bytes ({self.timeout:g} s). Check for a paper jam, an open cover "
                "or missing labels, then print again.",
            ) from None
        except OSError as exc:
            raise PrintError(
                "connection_lost",
                f"The connection to {self.where} was lost after {sent} bytes "
                f"({exc.strerror or exc}). Check the printer, then print again.",
            ) from None
        finally:
            sock.close()
        return PrintResult(self.backend, sent, content_type, elapsed_s=time.monotonic() - start)


class BrotherNetworkPrinter(RawSocketPrinter):
    """Brother QL with a network interface (QL-820NWB, QL-1110NWB…): raster bytes on 9100."""

    backend = "brother_ql"

    def send(self, data: bytes, *, content_type: str) -> PrintResult:
        if content_type != BROTHER_RASTER:
            raise PrintError(
                "bad_content",
                f"A Brother QL printer takes raster instructions, not {content_type}. "
                "Choose a Brother QL stock for this printer.",
            )
        return super().send(data, content_type=content_type)


class CupsPrinter:
    """A CUPS queue, through the ``lp`` command (data on standard input)."""

    backend = "cups"

    def __init__(self, queue: str, timeout: float = 30.0, lp: str = "lp") -> None:
        self.queue = queue
        self.timeout = timeout
        self.lp = lp

    def send(self, data: bytes, *, content_type: str) -> PrintResult:
        start = time.monotonic()
        lp = shutil.which(self.lp)
        if lp is None:
            raise PrintError(
                "lp_missing",
                "The 'lp' command is not installed on the server, so CUPS queues cannot be "
                "used. Install the CUPS client (Debian: apt-get install cups-client) or choose "
                "another printer.",
            )
        args = [lp, "-d", self.queue]
        if content_type in (ZPL, BROTHER_RASTER):
            args += ["-o", "raw"]  # printer language: CUPS must not filter it
        try:
            proc = subprocess.run(
                args, input=data, capture_output=True, timeout=self.timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise PrintError(
                "timeout",
                f"CUPS did not accept the job for queue {self.queue!r} within "
                f"{self.timeout:g} s. Check that the CUPS service is running.",
            ) from None
        except OSError as exc:
            raise PrintError("lp_failed", f"Could not run {lp}: {exc}.") from None
        if proc.returncode != 0:
            detail = proc.stderr.decode("utf-8", "replace").strip() or f"exit {proc.returncode}"
            raise PrintError(
                "lp_failed",
                f"CUPS refused the job for queue {self.queue!r}: {detail}. Check the queue "
                "name (lpstat -p lists them) and that the queue is enabled and accepting jobs.",
            )
        out = proc.stdout.decode("utf-8", "replace")
        job = None
        if "request id is" in out:
            job = out.split("request id is", 1)[1].split()[0]
        return PrintResult(
            self.backend, len(data), content_type, job_id=job, elapsed_s=time.monotonic() - start
        )


class DownloadPrinter:
    """No printer: the bytes go back to the browser (PDF to print from the desktop)."""

    backend = "download"

    def send(self, data: bytes, *, content_type: str) -> PrintResult:
        return PrintResult(self.backend, len(data), content_type, data=data)
