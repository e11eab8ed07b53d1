"""End-to-end tests of agent/atelier_agent.py, run as a subprocess with fake tool outputs."""

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from refurb.snapshots import parse_snapshot

from .samples import hw_path

AGENT = Path(__file__).resolve().parents[3] / "agent" / "atelier_agent.py"


def _runs(python):
    return subprocess.run([python, "-c", "pass"], capture_output=True).returncode == 0


def _find_python38():
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(Path(pyenv_root, "versions").glob("3.8*/bin/python3.8"))
    candidates.append(shutil.which("python3.8"))
    return next((str(c) for c in candidates if c and _runs(str(c))), None)


# The agent must run on Python 3.8: exercise it with 3.8 when the machine has one.
PYTHON38 = _find_python38()
AGENT_PYTHON = PYTHON38 or sys.executable

SCAN = {
    "json_format_version": [1, 0],
    "smartctl": {"version": [7, 3], "exit_status": 0},
    "devices": [{"name": "/dev/nvme0", "info_name": "/dev/nvme0", "type": "nvme",
                 "protocol": "NVMe"}],
}  # fmt: skip


@pytest.fixture
def fake_dir(tmp_path):
    """Outputs of the ThinkPad X1 Carbon 5th samples, named as the agent expects."""
    fake = tmp_path / "fake"
    fake.mkdir()
    shutil.copy(
        hw_path("lshw_lenovo_thinkpad_x1_carbon_5th_nvme_reserialized.json"), fake / "lshw.json"
    )
    shutil.copy(hw_path("dmidecode_lenovo_thinkpad_x1_carbon_5th.txt"), fake / "dmidecode.txt")
    (fake / "smartctl-scan.json").write_text(json.dumps(SCAN))
    shutil.copy(
        hw_path("smartctl_nvme_samsung_mzvlw1t0hmlh_thinkpad_reserialized.json"),
        fake / "smartctl-nvme0.json",
    )
    shutil.copy(hw_path("battery_sysfs_uevent_asus_e200ha.txt"), fake / "battery-BATC.uevent")
    return fake


def run_agent(fake, *args, env=None):
    full_env = dict(os.environ)
    for key in ("ATELIER_SERVER", "ATELIER_TOKEN", "ATELIER_FALLBACK_DIR"):
        full_env.pop(key, None)
    full_env["ATELIER_AGENT_FAKE_DIR"] = str(fake)
    full_env.update(env or {})
    return subprocess.run(
        [AGENT_PYTHON, str(AGENT), "--backoff", "0.01", "--timeout", "5", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
    )


def only_file(directory):
    files = sorted(Path(directory).glob("*.json"))
    assert len(files) == 1, files
    return files[0]


def test_offline_mode_writes_a_file_named_after_the_serial(fake_dir, tmp_path):
    result = run_agent(fake_dir, "--offline", str(tmp_path / "out"), "--asset-tag", "AT-7")
    assert result.returncode == 0, result.stdout + result.stderr
    assert only_file(tmp_path / "out").name.startswith("PF0QMY5N-")


def test_offline_snapshot_round_trips_through_parse_snapshot(fake_dir, tmp_path):
    log = hw_path("local_nwipe042_success_dodshort_verified.log")
    run_agent(fake_dir, "--offline", str(tmp_path), "--asset-tag", "AT-7", "--nwipe-log", str(log))
    snap = parse_snapshot(json.loads(only_file(tmp_path).read_text()))
    assert (snap.identity.serial, snap.identity.model) == ("PF0QMY5N", "ThinkPad X1 Carbon 5th")
    assert snap.asset_tag == "AT-7"
    assert [(d.serial, d.power_on_hours) for d in snap.drives] == [("S35ANX0J401001", 6032)]
    assert (snap.battery.cycle_count, snap.battery.health_percent) == (124, 82.3)
    assert [e.result for e in snap.erasures] == ["erased"]


def test_progress_lines_are_printed_for_the_console(fake_dir, tmp_path):
    result = run_agent(fake_dir, "--offline", str(tmp_path))
    for line in ("[1/5] lshw...", "[2/5] dmidecode...", "[3/5] smartctl", "[5/5] nwipe log..."):
        assert line in result.stdout


def test_a_missing_tool_output_is_recorded_and_not_fatal(fake_dir, tmp_path):
    (fake_dir / "dmidecode.txt").unlink()
    result = run_agent(fake_dir, "--offline", str(tmp_path))
    assert result.returncode == 0
    doc = json.loads(only_file(tmp_path).read_text())
    assert doc["reports"]["dmidecode"] is None
    assert [(e["command"], e["exit_code"]) for e in doc["errors"]] == [("dmidecode", 127)]
    # without dmidecode the lshw serial names the file and identifies the machine
    assert parse_snapshot(doc).identity.serial == "PF0QMY5N"


def test_lsblk_is_the_fallback_when_smartctl_scan_finds_nothing(fake_dir, tmp_path):
    shutil.copy(hw_path("local_smartctl_scan_no_devices.json"), fake_dir / "smartctl-scan.json")
    blk = {"blockdevices": [{"name": "sda", "type": "disk"}, {"name": "sr0", "type": "rom"}]}
    (fake_dir / "lsblk.json").write_text(json.dumps(blk))
    shutil.copy(hw_path("smartctl_hdd_wdc_wd140edfz_14tb.json"), fake_dir / "smartctl-sda.json")
    run_agent(fake_dir, "--offline", str(tmp_path))
    doc = json.loads(only_file(tmp_path).read_text())
    assert [s["serial_number"] for s in doc["reports"]["smartctl"]] == ["9RK1XXXX"]


class Server:
    """A tiny HTTP server answering a scripted list of (status, body) replies."""

    def __init__(self, replies):
        self.replies = list(replies)
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server API)
                length = int(self.headers.get("Content-Length", 0))
                outer.requests.append(
                    {"path": self.path, "headers": dict(self.headers),
                     "body": self.rfile.read(length)}
                )  # fmt: skip
                status, body = outer.replies.pop(0) if outer.replies else (500, {})
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_posting_sends_the_token_and_prints_the_device_tag(fake_dir, tmp_path):
    with Server([(201, {"device_tag": "AT-00123"})]) as server:
        result = run_agent(fake_dir, "--server", server.url, "--token", "s3cret",
                           "--fallback-dir", str(tmp_path))  # fmt: skip
    assert result.returncode == 0, result.stdout
    assert "Device tag: AT-00123" in result.stdout
    [request] = server.requests
    assert request["path"] == "/api/snapshots/"
    assert request["headers"]["Authorization"] == "Token s3cret"
    assert json.loads(request["body"])["format"] == "atelier-agent"
    assert list(tmp_path.glob("*.json")) == []


def test_server_and_token_can_come_from_the_environment(fake_dir, tmp_path):
    with Server([(201, {"device_tag": "AT-9"})]) as server:
        env = {"ATELIER_SERVER": server.url + "/", "ATELIER_TOKEN": "envtoken"}
        result = run_agent(fake_dir, "--fallback-dir", str(tmp_path), env=env)
    assert result.returncode == 0
    assert server.requests[0]["headers"]["Authorization"] == "Token envtoken"
    assert server.requests[0]["path"] == "/api/snapshots/"


def test_a_server_error_is_retried_until_the_snapshot_is_accepted(fake_dir, tmp_path):
    with Server([(500, {"detail": "boom"}), (201, {"device_tag": "AT-2"})]) as server:
        result = run_agent(fake_dir, "--server", server.url, "--token", "t",
                           "--fallback-dir", str(tmp_path))  # fmt: skip
    assert result.returncode == 0
    assert len(server.requests) == 2
    assert "retrying" in result.stdout
    assert "Device tag: AT-2" in result.stdout


def test_a_refusal_is_not_retried_and_the_snapshot_is_kept_offline(fake_dir, tmp_path):
    with Server([(400, {"detail": "bad"}), (201, {})]) as server:
        result = run_agent(fake_dir, "--server", server.url, "--token", "t",
                           "--fallback-dir", str(tmp_path))  # fmt: skip
    assert result.returncode == 3
    assert len(server.requests) == 1
    assert "HTTP 400" in result.stdout
    only_file(tmp_path)


def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_a_refused_connection_falls_back_to_an_offline_file_with_exit_code_4(fake_dir, tmp_path):
    url = f"http://127.0.0.1:{closed_port()}"
    result = run_agent(fake_dir, "--server", url, "--token", "t", "--retries", "2",
                       "--fallback-dir", str(tmp_path))  # fmt: skip
    assert result.returncode == 4
    assert "server unreachable" in result.stdout
    saved = only_file(tmp_path)
    assert f"Snapshot saved to {saved}" in result.stdout
    assert parse_snapshot(json.loads(saved.read_text())).identity.serial == "PF0QMY5N"


def test_saved_files_can_be_uploaded_later(fake_dir, tmp_path):
    run_agent(fake_dir, "--offline", str(tmp_path))
    saved = only_file(tmp_path)
    with Server([(201, {"device_tag": "AT-5"})]) as server:
        result = run_agent(fake_dir, "--server", server.url, "--token", "t", "--upload", str(saved))
    assert result.returncode == 0
    assert json.loads(server.requests[0]["body"]) == json.loads(saved.read_text())


def test_an_upload_that_fails_exits_with_code_5(fake_dir, tmp_path):
    run_agent(fake_dir, "--offline", str(tmp_path))
    url = f"http://127.0.0.1:{closed_port()}"
    result = run_agent(fake_dir, "--server", url, "--retries", "1",
                       "--upload", str(only_file(tmp_path)))  # fmt: skip
    assert result.returncode == 5


def test_without_server_nor_offline_the_agent_explains_and_exits_2(fake_dir):
    result = run_agent(fake_dir)
    assert result.returncode == 2
    assert "--offline DIR" in result.stdout


def test_the_agent_compiles_with_python_3_8_when_available():
    python38 = PYTHON38
    if python38 is None:
        pytest.skip("python3.8 is not installed")
    check = subprocess.run(
        [python38, "-c", f"import ast,sys; ast.parse(open({str(AGENT)!r}).read())"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


# --------------------------------------------------------------------------- --install queued

INSTALL = ["--install", "linuxmint-22", "--asset-tag", "LY0000423", "--first-boot", "passed"]


def test_an_install_with_the_server_unreachable_is_queued_with_exit_code_4(fake_dir, tmp_path):
    url = f"http://127.0.0.1:{closed_port()}"
    result = run_agent(fake_dir, "--server", url, "--token", "t", "--retries", "2",
                       "--badge", "B-0042", "--fallback-dir", str(tmp_path), *INSTALL)  # fmt: skip
    assert result.returncode == 4, result.stdout
    assert "server unreachable" in result.stdout
    queued = only_file(tmp_path)
    assert queued.name.startswith("install-LY0000423-")
    assert f"Installation queued in {queued}" in result.stdout
    data = json.loads(queued.read_text())
    assert data["format"] == "atelier-installation" and data["badge"] == "B-0042"
    document = data["installation"]
    assert (document["device"], document["image"], document["first_boot_passed"]) == (
        "LY0000423", "linuxmint-22", True,
    )  # fmt: skip
    assert document["installed_at"].endswith("+00:00")  # when installed, not when replayed
    assert len(data["idempotency_key"]) == 36


def test_a_queued_install_is_replayed_by_upload_with_its_idempotency_key(fake_dir, tmp_path):
    with Server([(503, {}), (503, {})]) as down:
        first = run_agent(fake_dir, "--server", down.url, "--token", "t", "--retries", "2",
                          "--fallback-dir", str(tmp_path), *INSTALL)  # fmt: skip
    assert first.returncode == 4 and len(down.requests) == 2
    tried_key = down.requests[0]["headers"]["Idempotency-Key"]
    queued = only_file(tmp_path)
    data = json.loads(queued.read_text())
    assert data["idempotency_key"] == tried_key  # the first try and the replay share it
    with Server([(201, {"system": "Linux Mint 22.1"}), (201, {"device_tag": "AT-5"})]) as up:
        snapshot = tmp_path / "snap"
        run_agent(fake_dir, "--offline", str(snapshot))
        result = run_agent(fake_dir, "--server", up.url, "--token", "t",
                           "--upload", str(queued), str(only_file(snapshot)))  # fmt: skip
    assert result.returncode == 0, result.stdout
    assert "Linux Mint 22.1 recorded as installed on LY0000423" in result.stdout
    install, snap = up.requests
    assert install["path"] == "/api/installations/"
    assert json.loads(install["body"]) == data["installation"]
    assert install["headers"]["Idempotency-Key"] == data["idempotency_key"]
    assert snap["path"] == "/api/snapshots/" and "Idempotency-Key" not in snap["headers"]


def test_a_refused_install_is_not_queued(fake_dir, tmp_path):
    with Server([(400, {"code": "image_unknown"})]) as server:
        result = run_agent(fake_dir, "--server", server.url, "--token", "t",
                           "--fallback-dir", str(tmp_path), *INSTALL)  # fmt: skip
    assert result.returncode == 3 and "image_unknown" in result.stdout
    assert list(tmp_path.glob("*.json")) == []


def test_a_queued_install_refused_on_upload_exits_5(fake_dir, tmp_path):
    url = f"http://127.0.0.1:{closed_port()}"
    run_agent(fake_dir, "--server", url, "--retries", "1", "--fallback-dir", str(tmp_path),
              *INSTALL)  # fmt: skip
    with Server([(409, {"code": "licence_used"})]) as server:
        result = run_agent(fake_dir, "--server", server.url, "--upload", str(only_file(tmp_path)))
    assert result.returncode == 5 and "licence_used" in result.stdout
