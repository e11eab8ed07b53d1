#!/usr/bin/env python3
"""Atelier bench agent: collect a hardware snapshot of this computer and send it.

Runs as root on the live USB booted on the device under test. Standard library only,
Python 3.8 or newer.

What it collects (each failure is recorded in "errors", never fatal):

  [1/5] lshw -json
  [2/5] dmidecode
  [3/5] smartctl --json -a /dev/X for each disk of `smartctl --scan-open --json`
        (fallback: `lsblk -J -d -o NAME,TYPE`, disks of TYPE "disk")
  [4/5] /sys/class/power_supply/BAT*/uevent
  [5/5] the nwipe log given with --nwipe-log PATH (optional)

Document sent (POST <server>/api/snapshots/, header "Authorization: Token <token>", and
"X-Atelier-Badge: <badge code>" when --badge names the person signed in at the bench):

  {"format": "atelier-agent", "version": 1, "asset_tag": ..., "collected_at": ISO 8601,
   "host": {"hostname", "kernel", "utc_offset", "agent_version", "python"},
   "reports": {"lshw": <parsed JSON, or raw text if lshw printed invalid JSON>,
               "dmidecode": "<text>", "smartctl": [<json>, ...],
               "battery_uevent": ["<text>", ...], "nwipe_log": "<text>" or null},
   "errors": [{"command": ..., "exit_code": ..., "stderr": ...}]}

Usage:

  atelier_agent.py --server https://atelier.example --token TOKEN [--asset-tag TAG]
                   [--nwipe-log PATH] [--fallback-dir DIR]
  atelier_agent.py --offline DIR [--asset-tag TAG]   # only write the file
  atelier_agent.py --upload FILE [FILE ...]          # send files saved earlier
  atelier_agent.py --install IMAGE --asset-tag TAG --first-boot passed|failed
                   [--licence-key KEY] [--installed-at ISO] [--note TEXT]
      # after an imaging script: record the system installed (POST <server>/api/installations/
      # {"device", "image", "first_boot_passed", "installed_at", "licence_key", "note"}) with
      # the test or grading bench's token; IMAGE is a code of GET /api/system-images/
      # When the server cannot be reached (or keeps answering 5xx), the installation is
      # queued in --fallback-dir as install-<TAG>-<UTC time>.json (with its installed_at and
      # an Idempotency-Key) and sent later with --upload, like a snapshot: exit code 4.

Server and token may come from the environment: ATELIER_SERVER, ATELIER_TOKEN.
--badge CODE (or ATELIER_BADGE) is the badge of the worker signed in at this bench: what the
server records is then theirs. Without it, the history says "by the agent of workstation X".
A badge that is unknown, inactive, of another site or of a role not working at this kind of
bench is refused (HTTP 403, code "badge_refused") and nothing is recorded.
Posting uses a timeout (--timeout, default 20 s) and retries connection errors and
HTTP 5xx answers (--retries, default 3 attempts, backoff --backoff * 2**n seconds).
When posting fails, the snapshot is written to --fallback-dir (default: env
ATELIER_FALLBACK_DIR, else the current directory) as <serial-or-hostname>-<UTC time>.json
so that it can be sent later with --upload.

Exit codes:
  0  snapshot accepted by the server (or written with --offline; all --upload files sent)
  1  nothing could be sent or saved (e.g. the fallback directory is not writable)
  2  usage error (no server and no --offline, unreadable --upload file...)
  3  the server refused the snapshot (HTTP 4xx); the snapshot was saved offline
  4  the server could not be reached or kept failing (HTTP 5xx); saved offline
  5  --upload: at least one file could not be sent

Testing: when the environment variable ATELIER_AGENT_FAKE_DIR=/path is set, no tool is
run; the agent reads instead, from that directory:
  lshw.json, dmidecode.txt, smartctl-scan.json, smartctl-<name>.json (name = device
  basename, e.g. smartctl-sda.json, smartctl-nvme0.json), lsblk.json (fallback) and
  battery-*.uevent. A missing file is recorded as a failed command (exit code 127).
"""

import argparse
import datetime
import glob
import json
import os
import platform
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

AGENT_VERSION = "1.0"
FORMAT = "atelier-agent"
STEPS = 5

EXIT_OK = 0
EXIT_NOT_SAVED = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_UNREACHABLE = 4
EXIT_UPLOAD_FAILED = 5

PLACEHOLDER_SERIALS = (
    "to be filled by o.e.m.",
    "system serial number",
    "default string",
    "0123456789",
    "not specified",
    "none",
    "",
)


def say(message):
    print(message, flush=True)


def progress(step, label):
    say(f"[{step}/{STEPS}] {label}...")


class Collector:
    """Runs the tools (or reads fake outputs) and records failures."""

    def __init__(self, fake_dir=None):
        self.fake_dir = fake_dir
        self.errors = []

    def record(self, command, exit_code, stderr):
        self.errors.append(
            {"command": command, "exit_code": exit_code, "stderr": (stderr or "")[-2000:]}
        )

    def fake(self, filename, command):
        path = os.path.join(self.fake_dir, filename)
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except OSError as exc:
            self.record(command, 127, f"fake output {path} missing: {exc}")
            return None

    def run(self, argv, fake_name, ok_codes=(0,)):
        """Text output of argv, or None (failure recorded)."""
        command = " ".join(argv)
        if self.fake_dir:
            return self.fake(fake_name, command)
        try:
            proc = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                timeout=600,
            )
        except OSError as exc:
            self.record(command, 127, str(exc))
            return None
        except subprocess.TimeoutExpired:
            self.record(command, -1, "timed out after 600 s")
            return None
        if proc.returncode not in ok_codes:
            self.record(command, proc.returncode, proc.stderr)
            if not proc.stdout.strip():
                return None
        return proc.stdout

    def lshw(self):
        text = self.run(["lshw", "-json"], "lshw.json")
        if text is None:
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            self.record("lshw -json", 0, f"output is not valid JSON: {exc}")
            return text  # the server parser reports it as a warning

    def dmidecode(self):
        return self.run(["dmidecode"], "dmidecode.txt")

    def disks(self):
        """Device list as (name, type) from smartctl --scan-open, else lsblk."""
        devices = []
        text = self.run(["smartctl", "--scan-open", "--json"], "smartctl-scan.json")
        if text:
            try:
                for dev in json.loads(text).get("devices", []) or []:
                    if isinstance(dev, dict) and dev.get("name"):
                        devices.append((dev["name"], dev.get("type")))
            except (ValueError, AttributeError) as exc:
                self.record("smartctl --scan-open --json", 0, f"invalid JSON: {exc}")
        if devices:
            return devices
        text = self.run(["lsblk", "-J", "-d", "-o", "NAME,TYPE"], "lsblk.json")
        if text:
            try:
                for dev in json.loads(text).get("blockdevices", []) or []:
                    if isinstance(dev, dict) and dev.get("type") == "disk" and dev.get("name"):
                        devices.append(("/dev/" + dev["name"], None))
            except (ValueError, AttributeError) as exc:
                self.record("lsblk -J -d -o NAME,TYPE", 0, f"invalid JSON: {exc}")
        return devices

    def smartctl(self, name, dev_type):
        argv = ["smartctl", "--json", "-a"]
        if dev_type:
            argv += ["-d", dev_type]
        argv.append(name)
        fake_name = f"smartctl-{os.path.basename(name)}.json"
        # smartctl's exit status is a bit mask: non-zero still comes with a JSON report.
        text = self.run(argv, fake_name, ok_codes=tuple(range(256)))
        if text is None:
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            self.record(" ".join(argv), 0, f"output is not valid JSON: {exc}")
            return None

    def batteries(self):
        if self.fake_dir:
            paths = sorted(glob.glob(os.path.join(self.fake_dir, "battery-*.uevent")))
        else:
            paths = sorted(glob.glob("/sys/class/power_supply/BAT*/uevent"))
        texts = []
        for path in paths:
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    texts.append(handle.read())
            except OSError as exc:
                self.record(f"cat {path}", 1, str(exc))
        return texts

    def read_file(self, path):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except OSError as exc:
            self.record(f"cat {path}", 1, str(exc))
            return None


def utc_offset():
    offset = time.strftime("%z")  # "+0100"
    if re.match(r"^[+-]\d{4}$", offset):
        return offset[:3] + ":" + offset[3:]
    return None


def collect(args):
    collector = Collector(os.environ.get("ATELIER_AGENT_FAKE_DIR") or None)
    progress(1, "lshw")
    lshw = collector.lshw()
    progress(2, "dmidecode")
    dmidecode = collector.dmidecode()
    progress(3, "smartctl (disks)")
    smart = []
    for name, dev_type in collector.disks():
        say(f"      {name}")
        report = collector.smartctl(name, dev_type)
        if report is not None:
            smart.append(report)
    progress(4, "battery")
    batteries = collector.batteries()
    progress(5, "nwipe log")
    nwipe = collector.read_file(args.nwipe_log) if args.nwipe_log else None
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    return {
        "format": FORMAT,
        "version": 1,
        "asset_tag": args.asset_tag,
        "collected_at": now.isoformat(),
        "host": {
            "hostname": socket.gethostname(),
            "kernel": platform.release(),
            "utc_offset": utc_offset(),
            "agent_version": AGENT_VERSION,
            "python": platform.python_version(),
        },
        "reports": {
            "lshw": lshw,
            "dmidecode": dmidecode,
            "smartctl": smart,
            "battery_uevent": batteries,
            "nwipe_log": nwipe,
        },
        "errors": collector.errors,
    }


def snapshot_serial(snapshot):
    text = snapshot["reports"].get("dmidecode") or ""
    match = re.search(r"^System Information\s*\n(?:\t.*\n)*?\tSerial Number: *(.*)$", text, re.M)
    candidates = [match.group(1) if match else None]
    lshw = snapshot["reports"].get("lshw")
    if isinstance(lshw, dict):
        candidates.append(lshw.get("serial"))
    for value in candidates:
        if isinstance(value, str) and value.strip().lower() not in PLACEHOLDER_SERIALS:
            if not re.match(r"^0+$", value.strip()):
                return value.strip()
    return snapshot["host"].get("hostname") or "unknown"


def save(snapshot, directory):
    """Write the snapshot to directory; returns the path."""
    if not os.path.isdir(directory):
        os.makedirs(directory)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", snapshot_serial(snapshot))[:64]
    path = os.path.join(directory, f"{name}-{stamp}.json")
    counter = 1
    while os.path.exists(path):
        path = os.path.join(directory, f"{name}-{stamp}-{counter}.json")
        counter += 1
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(snapshot, handle, ensure_ascii=False, indent=1)
    os.rename(tmp, path)
    return path


class PostResult:
    def __init__(self, ok, status, body, reason):
        self.ok = ok
        self.status = status  # HTTP status or None when unreachable
        self.body = body
        self.reason = reason


def post(url, token, body, timeout, retries, backoff, badge=None, idempotency_key=None):
    """POST body with retries on connection errors and HTTP 5xx."""
    last = None
    for attempt in range(max(1, retries)):
        if attempt:
            delay = backoff * (2 ** (attempt - 1))
            say(f"      retrying in {delay:.1f} s (attempt {attempt + 1}/{retries})")
            time.sleep(delay)
        request = urllib.request.Request(url, data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        request.add_header("Accept", "application/json")
        if token:
            request.add_header("Authorization", f"Token {token}")
        if badge:
            request.add_header("X-Atelier-Badge", badge)
        if idempotency_key:
            request.add_header("Idempotency-Key", idempotency_key)
        try:
            response = urllib.request.urlopen(request, timeout=timeout)
            with response:
                text = response.read().decode("utf-8", errors="replace")
                return PostResult(True, response.status, text, None)
        except urllib.error.HTTPError as exc:
            text = exc.read().decode("utf-8", errors="replace") if exc.fp else ""
            last = PostResult(False, exc.code, text, f"HTTP {exc.code} {exc.reason}")
            if exc.code < 500:
                return last
        except (urllib.error.URLError, socket.timeout, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last = PostResult(False, None, "", f"server unreachable: {reason}")
    return last


def device_tag(body):
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    for key in ("device_tag", "tag", "asset_tag", "device"):
        value = data.get(key)
        if isinstance(value, (str, int)) and value != "":
            return str(value)
    return None


def snapshot_url(server):
    return server.rstrip("/") + "/api/snapshots/"


def send(snapshot_bytes, args):
    say(f"Sending to {snapshot_url(args.server)} ...")
    return post(
        snapshot_url(args.server),
        args.token,
        snapshot_bytes,
        args.timeout,
        args.retries,
        args.backoff,
        badge=getattr(args, "badge", None),
    )


def report_success(result, label):
    tag = device_tag(result.body)
    if tag:
        say(f"OK: {label} received by the server. Device tag: {tag}")
        say("    Write this tag on the device label.")
    else:
        say(f"OK: {label} received by the server (HTTP {result.status}).")


def run_collect(args):
    snapshot = collect(args)
    if snapshot["errors"]:
        count = len(snapshot["errors"])
        say(f"Note: {count} command(s) failed; details are in the snapshot.")
    if args.offline:
        try:
            path = save(snapshot, args.offline)
        except OSError as exc:
            say(f"ERROR: could not write the snapshot to {args.offline}: {exc}")
            return EXIT_NOT_SAVED
        say(f"Snapshot saved to {path}")
        say(f"Send it later with: atelier_agent.py --upload {path}")
        return EXIT_OK
    body = json.dumps(snapshot).encode("utf-8")
    result = send(body, args)
    if result.ok:
        report_success(result, "snapshot")
        return EXIT_OK
    say(f"ERROR: the snapshot was not accepted: {result.reason}")
    if result.body:
        say(f"       server said: {result.body[:500]}")
    try:
        path = save(snapshot, args.fallback_dir)
    except OSError as exc:
        say(f"ERROR: could not save the snapshot either ({exc}). Nothing was kept.")
        return EXIT_NOT_SAVED
    say(f"Snapshot saved to {path}")
    say(f"Send it later with: atelier_agent.py --upload {path}")
    return EXIT_REFUSED if result.status is not None else EXIT_UNREACHABLE


def run_upload(args):
    failures = 0
    for path in args.upload:
        try:
            with open(path, "rb") as handle:
                body = handle.read()
            data = json.loads(body.decode("utf-8"))
        except (OSError, ValueError) as exc:
            say(f"ERROR: {path} cannot be read as a snapshot: {exc}")
            failures += 1
            continue
        if isinstance(data, dict) and data.get("format") == QUEUED_INSTALLATION:
            result = send_installation(data, args)
            if result.ok:
                say(f"OK: {path}: {installation_done(result, data['installation'])}")
            else:
                say(f"ERROR: {path} was not accepted: {result.reason}")
                if result.body:
                    say(f"       server said: {result.body[:500]}")
                failures += 1
            continue
        result = send(body, args)
        if result.ok:
            report_success(result, path)
        else:
            say(f"ERROR: {path} was not accepted: {result.reason}")
            failures += 1
    return EXIT_UPLOAD_FAILED if failures else EXIT_OK


def installation_url(server):
    return server.rstrip("/") + "/api/installations/"


# A queued installation (--install while the server was unreachable), sent by --upload.
QUEUED_INSTALLATION = "atelier-installation"


def send_installation(queued, args):
    """POST a queued installation with its own Idempotency-Key: sent twice (the answer was
    lost on the way back), the server records it once and answers the same."""
    say(f"Sending the installation to {installation_url(args.server)} ...")
    return post(
        installation_url(args.server),
        args.token,
        json.dumps(queued["installation"]).encode("utf-8"),
        args.timeout,
        args.retries,
        args.backoff,
        badge=queued.get("badge") or getattr(args, "badge", None),
        idempotency_key=queued.get("idempotency_key"),
    )


def installation_done(result, document):
    try:
        system = json.loads(result.body).get("system") or document["image"]
    except (ValueError, AttributeError):
        system = document["image"]
    return f"{system} recorded as installed on {document['device']}."


def queue_installation(queued, directory):
    """Write a queued installation to directory; returns the path."""
    if not os.path.isdir(directory):
        os.makedirs(directory)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", queued["installation"]["device"])[:40]
    path = os.path.join(directory, f"install-{name}-{stamp}.json")
    counter = 1
    while os.path.exists(path):
        path = os.path.join(directory, f"install-{name}-{stamp}-{counter}.json")
        counter += 1
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(queued, handle, ensure_ascii=False, indent=1)
    os.rename(tmp, path)
    return path


def run_install(args):
    """Post the system installed on the device (no hardware is collected); queue it in
    --fallback-dir when the server cannot be reached."""
    if not args.asset_tag or args.first_boot not in ("passed", "failed"):
        say("ERROR: --install needs --asset-tag TAG and --first-boot passed|failed.")
        return EXIT_USAGE
    document = {
        "device": args.asset_tag,
        "image": args.install,
        "first_boot_passed": args.first_boot == "passed",
        # When it was installed, not when the server hears of it (a queued one comes later).
        "installed_at": args.installed_at
        or datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    if args.licence_key:
        document["licence_key"] = args.licence_key
    if args.note:
        document["note"] = args.note
    queued = {
        "format": QUEUED_INSTALLATION,
        "installation": document,
        "idempotency_key": str(uuid.uuid4()),
        "badge": getattr(args, "badge", None),
    }
    say(f"Installation of {args.install} on {args.asset_tag}.")
    result = send_installation(queued, args)
    if result.ok:
        say(f"OK: {installation_done(result, document)}")
        return EXIT_OK
    say(f"ERROR: the installation was not accepted: {result.reason}")
    if result.body:
        say(f"       server said: {result.body[:500]}")
    if result.status is not None and result.status < 500:
        return EXIT_REFUSED  # refused: sending it again would be refused again
    try:
        path = queue_installation(queued, args.fallback_dir)
    except OSError as exc:
        say(f"ERROR: could not queue the installation either ({exc}). Nothing was kept.")
        return EXIT_NOT_SAVED
    say(f"Installation queued in {path}")
    say(f"Send it later with: atelier_agent.py --upload {path}")
    return EXIT_UNREACHABLE


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Collect this computer's hardware snapshot and send it to Atelier."
    )
    parser.add_argument("--server", default=os.environ.get("ATELIER_SERVER"))
    parser.add_argument("--token", default=os.environ.get("ATELIER_TOKEN"))
    parser.add_argument(
        "--badge",
        default=os.environ.get("ATELIER_BADGE"),
        help="the badge code of the worker signed in at this bench (X-Atelier-Badge)",
    )
    parser.add_argument("--asset-tag", dest="asset_tag", default=None)
    parser.add_argument("--nwipe-log", dest="nwipe_log", default=None)
    parser.add_argument(
        "--offline",
        metavar="DIR",
        default=None,
        help="only write the snapshot to DIR, do not send it",
    )
    parser.add_argument(
        "--upload", nargs="+", metavar="FILE", default=None, help="send snapshots saved earlier"
    )
    parser.add_argument(
        "--fallback-dir",
        dest="fallback_dir",
        default=os.environ.get("ATELIER_FALLBACK_DIR") or os.getcwd(),
    )
    parser.add_argument(
        "--install",
        metavar="IMAGE",
        default=None,
        help="record the system IMAGE (its code) as installed on --asset-tag, no snapshot",
    )
    parser.add_argument(
        "--first-boot",
        dest="first_boot",
        choices=("passed", "failed"),
        default=None,
        help="with --install: whether the first boot check passed",
    )
    parser.add_argument("--licence-key", dest="licence_key", default=None)
    parser.add_argument("--installed-at", dest="installed_at", default=None)
    parser.add_argument("--note", default=None)
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--retries", type=int, default=3)
    parser.add_argument("--backoff", type=float, default=2.0)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if (args.upload or not args.offline) and not args.server:
        say("ERROR: no server. Give --server URL (or set ATELIER_SERVER), or use --offline DIR.")
        return EXIT_USAGE
    if args.install:
        if not args.server:
            say("ERROR: --install sends to a server: give --server URL (or ATELIER_SERVER).")
            return EXIT_USAGE
        return run_install(args)
    if args.upload:
        return run_upload(args)
    return run_collect(args)


if __name__ == "__main__":
    sys.exit(main())
