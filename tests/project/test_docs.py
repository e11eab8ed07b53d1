"""The README and docs/ say nothing stale: every command they mark as runnable runs.

A fenced block whose info string is ``sh runnable`` is run; a plain ``sh`` block is an example
only (it needs root, a system service or a real device). The runnable blocks of one page run
in order, in one bash process (``set -euo pipefail``: a failing command fails the test), from
the project root, in a sandbox: a temporary directory holding a fresh SQLite database with the
demo data (``migrate`` + ``seed_demo``), ``DEBUG=1`` and ``ATELIER_VAR_DIR`` inside it. Pages
whose blocks call ``http://127.0.0.1:8000`` get a ``runserver`` of that sandbox on a free port,
substituted for 8000; ``/tmp/`` in a block means the sandbox's own temporary directory.

A comment line ``# → text`` in a runnable block is output the block must print (stdout or
stderr), in that order; ``…`` in it stands for any text on the line.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.markdown import generated_block, rewrite
from tests import sandbox

ROOT = sandbox.ROOT
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUNNABLE = "sh runnable"
DOC_SERVER = "127.0.0.1:8000"
EXPECT = re.compile(r"^\s*# → (.*)$")
FENCE = re.compile(r"^(`{3,})(.*)$")


@dataclass
class Block:
    line: int
    code: str
    expected: list[str] = field(default_factory=list)


def runnable_blocks(text: str) -> list[Block]:
    """Return the ``sh runnable`` fenced blocks of a Markdown page, in order."""
    blocks, current, fence = [], None, ""
    for number, line in enumerate(text.splitlines(), start=1):
        match = FENCE.match(line.strip())
        if current is None and match:
            fence = match.group(1)
            info = match.group(2).strip()
            current = Block(number, "") if info == RUNNABLE else False
            continue
        if current is not None and line.strip() == fence:
            if current:
                blocks.append(current)
            current = None
            continue
        if current:
            current.code += line + "\n"
            expected = EXPECT.match(line)
            if expected:
                current.expected.append(expected.group(1))
    return blocks


def _pattern(expected: str) -> re.Pattern:
    return re.compile(".*?".join(re.escape(part.strip()) for part in expected.split("…")))


def missing_output(output: str, expected: list[str]) -> list[str]:
    """Return the expected lines not found in ``output`` in order (``…``: anything)."""
    missing, start = [], 0
    for line in expected:
        found = _pattern(line).search(output, start)
        if found is None:
            missing.append(line)
        else:
            start = found.end()
    return missing


SEPARATOR = "::atelier-docs-block::"


def _replaced(text: str, replace: dict[str, str]) -> str:
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def run_blocks(blocks: list[Block], *, env: dict, replace: dict[str, str], timeout: float = 240):
    """Run the blocks in one bash process; return (exit code, output of each block run)."""
    script = ["set -euo pipefail", "exec 2>&1", f"cd {ROOT}"]
    for index, block in enumerate(blocks):
        script += [f"printf '\\n{SEPARATOR}{index}\\n'", _replaced(block.code, replace)]
    proc = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    outputs = re.split(rf"\n{SEPARATOR}\d+\n", "\n" + proc.stdout)[1:]
    return proc.returncode, outputs


def page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo sandbox every page copies (migrate + seed_demo: about 35 s), made once per run:
    pytest-xdist's workers share their parent temporary directory, the first one builds the
    template under a lock and the others wait for it, then read it only."""
    if not sandbox.VENV_PYTHON.exists():
        pytest.skip("the docs run with the project's .venv: make install-test")
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    directory = root / "docs-template"
    with open(root / "docs-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (directory / "ready").exists():
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir()
            sandbox.demo_sandbox(directory)
            (directory / "ready").touch()
    return directory


# The pages whose commands take long (seconds on the 2-core machine: a manage.py each).
SLOW_PAGES = {"docs/operations.md": 50, "docs/api.md": 49, "docs/bench-agent.md": 7}


def _page_param(page: Path):
    seconds = SLOW_PAGES.get(page_id(page))
    return pytest.param(page, marks=[pytest.mark.slow(seconds)] if seconds else [])


@pytest.mark.parametrize(
    "page", [_page_param(p) for p in PAGES if runnable_blocks(p.read_text())], ids=page_id
)
def test_the_runnable_commands_of_the_page_run_and_print_what_it_shows(
    page, demo_template, tmp_path
):
    blocks = runnable_blocks(page.read_text(encoding="utf-8"))
    box = sandbox.copy_sandbox(demo_template, tmp_path / "box")
    env = sandbox.sandbox_env(box)
    replace = {"/tmp/": f"{box / 'tmp'}/"}
    needs_server = any(DOC_SERVER in block.code for block in blocks)
    with sandbox.server(box) if needs_server else _no_server() as port:
        if port:
            replace[DOC_SERVER] = f"127.0.0.1:{port}"
        code, outputs = run_blocks(blocks, env=env, replace=replace)
    name = page_id(page)
    ran = len(outputs)
    if code != 0:
        block = blocks[ran - 1]
        pytest.fail(
            f"{name}, block at line {block.line} exited {code}:\n{block.code}\n"
            f"--- output ---\n{outputs[-1] if outputs else ''}"
        )
    assert ran == len(blocks), f"{name}: only {ran} of {len(blocks)} blocks ran"
    for block, output in zip(blocks, outputs, strict=True):
        expected = [_replaced(line, replace) for line in block.expected]
        missing = missing_output(output, expected)
        assert not missing, (
            f"{name}, block at line {block.line} did not print {missing}:\n--- output ---\n{output}"
        )


class _no_server:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def test_a_failing_runnable_command_fails_the_page(tmp_path):
    text = "```sh runnable\necho one\n```\n\n```sh runnable\nfalse\necho never\n```\n"
    blocks = runnable_blocks(text)
    code, outputs = run_blocks(blocks, env=dict(os.environ), replace={})
    assert code != 0
    assert len(outputs) == 2 and "never" not in outputs[1]


def test_expected_output_lines_are_checked_in_order_with_ellipses():
    text = "```sh runnable\necho 'Deleted 3 key(s).'\n# → Deleted … key(s).\n```\n"
    [block] = runnable_blocks(text)
    assert block.expected == ["Deleted … key(s)."]
    assert missing_output("Deleted 3 key(s).\n", block.expected) == []
    assert missing_output("b\na\n", ["a", "b"]) == ["b"]


def test_only_blocks_marked_runnable_are_collected():
    text = "```sh\nrm -rf /\n```\n````sh runnable\necho ok\n```\nstill inside\n````\n"
    [block] = runnable_blocks(text)
    assert "rm" not in block.code and "still inside" in block.code


def test_the_docs_never_send_a_reader_outside_the_repository():
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        assert "../shared" not in text, page_id(page)
        assert "DESIGN.md" not in text, page_id(page)


def test_relative_links_of_the_docs_point_to_files_that_exist():
    link = re.compile(r"\]\((?!https?://|#|mailto:)([^)#\s]+)(?:#[^)]*)?\)")
    for page in PAGES:
        for target in link.findall(page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page_id(page)} links to {target}"


def test_the_readme_stays_short():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 250


def test_the_performance_page_is_what_the_generator_makes_of_the_committed_runs():
    page = ROOT / "docs" / "performance.md"
    runs = sorted((ROOT / "docs" / "performance").glob("*.json"))
    assert runs, "no benchmark run is committed under docs/performance/"
    for run in runs:
        assert not json.loads(run.read_text())["commit"].endswith("-dirty"), run.name
    text = page.read_text(encoding="utf-8")
    assert text == rewrite(text, generated_block(runs, root=page.parent)), (
        "docs/performance.md is out of date: run `make docs-performance`"
    )
