"""Progress of a long command: a bar redrawn in place on a terminal, periodic lines otherwise."""

from __future__ import annotations

import time


class Progress:
    """Call with (done, total); ``finish()`` ends the bar's line. Writes to ``stream``."""

    def __init__(self, stream, *, label: str, quiet: bool = False, every_seconds: float = 10):
        self.stream = stream
        self.label = label
        self.quiet = quiet
        self.every = every_seconds
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.last = None
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if self.quiet:
            return
        if self.tty:
            width = 30
            filled = width * done // total if total else width
            share = 100 * done // total if total else 100
            bar = "#" * filled + "." * (width - filled)
            self.stream.write(f"\r{self.label} [{bar}] {share:3d}% {done}/{total}", ending="")
            self.stream.flush()
            self.drawn = True
            return
        now = time.monotonic()
        if self.last is None or now - self.last >= self.every or done >= total:
            self.stream.write(f"{self.label} {done}/{total} devices")
            self.last = now

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("")
            self.drawn = False
