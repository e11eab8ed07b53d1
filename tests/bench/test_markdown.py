"""docs/performance.md is generated from saved runs: the block between its markers, and --check."""

import json

import pytest

from bench.markdown import BEGIN, END, generated_block, main, rewrite

RUN = {
    "devices": 10,
    "devices_present": 10,
    "commit": "abc123def456",
    "started_at": "2026-12-01T13:00:00+0100",
    "machine": {
        "cpu_count": 2,
        "cpu_model": "Test CPU",
        "memory_gb": 4.0,
        "python": "3.11.7",
        "load_avg": [0.5, 0.25, 0.125],
    },
    "database": {"vendor": "sqlite", "version": "3.40.1"},
    "peak_rss_mb": 100.0,
    "scenarios": [
        {
            "name": "api_scan",
            "describe": "GET /api/scan/{tag}",
            "samples": 5,
            "p50_ms": 1.0,
            "p95_ms": 2.0,
            "p99_ms": 3.0,
            "queries": 2,
            "target_p95_ms": 10,
            "meets_target": True,
        },
        {"name": "later", "describe": "not built", "skipped": "waiting for /api/later/"},
    ],
}


@pytest.fixture
def runs(tmp_path):
    older = {**RUN, "started_at": "2026-11-01T13:00:00+0100", "commit": "0ld0ld0ld0ld"}
    (tmp_path / "performance").mkdir()
    for name, run in (("a.json", older), ("b.json", RUN)):
        (tmp_path / "performance" / name).write_text(json.dumps(run))
    return sorted((tmp_path / "performance").glob("*.json"))


def test_the_block_shows_each_run_newest_first_with_machine_load_commit_and_date(runs, tmp_path):
    block = generated_block(runs, root=tmp_path)
    assert block.startswith(BEGIN) and block.endswith(END)
    runs_part = block[block.index("| run | |") :]  # after the side-by-side comparison
    assert runs_part.index("abc123def456") < runs_part.index("0ld0ld0ld0ld")
    assert "| started | 2026-12-01T13:00:00+0100 |" in block
    assert "| load average at start (1, 5, 15 min) | 0.50, 0.25, 0.12 |" in block
    assert "2 × Test CPU, 4.0 GB" in block
    assert "| api_scan (GET /api/scan/{tag}) | 5 | 1.0 | 2.0 | 3.0 | 2 |  | ≤ 10 ✓ |" in block
    assert "waiting for /api/later/" in block
    assert "[`performance/b.json`](performance/b.json)" in block


def test_rewrite_replaces_only_the_marked_part():
    page = f"intro\n{BEGIN}\nold\n{END}\noutro\n"
    assert rewrite(page, f"{BEGIN}\nnew\n{END}") == f"intro\n{BEGIN}\nnew\n{END}\noutro\n"
    with pytest.raises(ValueError):
        rewrite("no markers", "x")


def test_check_fails_until_write_has_run(runs, tmp_path, capsys):
    page = tmp_path / "performance.md"
    page.write_text(f"# Performance\n\n{BEGIN}\n{END}\n")
    args = [str(path) for path in runs]
    assert main(["--check", str(page), *args]) == 1
    assert main(["--write", str(page), *args]) == 0
    assert main(["--check", str(page), *args]) == 0
    assert page.read_text().startswith("# Performance\n\n" + BEGIN)


def test_two_runs_of_one_data_set_are_compared_side_by_side_with_ratios(tmp_path):
    before = {**RUN, "started_at": "2026-11-01T13:00:00+0100", "commit": "0ld0ld0ld0ld"}
    before["scenarios"] = [{**RUN["scenarios"][0], "p50_ms": 4.0, "queries": 9}]
    before["seed"] = {"seconds": {"rollups": 129.0, "analyze": 2.0, "total": 140.0}}
    after = {**RUN, "seed": {"seconds": {"analyze": 2.5, "rollups": 3.9, "total": 20.0}}}
    other = {**RUN, "devices_present": 20, "started_at": "2026-12-02T13:00:00+0100"}
    for name, run in (("a.json", before), ("b.json", after), ("c.json", other)):
        (tmp_path / name).write_text(json.dumps(run))
    block = generated_block(sorted(tmp_path.glob("*.json")), root=tmp_path)
    assert block.count("### Side by side") == 1  # the 20-device run has nothing to face
    assert "### Side by side: sqlite 3.40.1, 10 devices" in block
    assert "Before: commit `0ld0ld0ld0ld`" in block and "After: commit `abc123def456`" in block
    assert "| api_scan | 4.0 | 1.0 | 0.25 | 2.0 | 2.0 | 9 | 2 |" in block
    assert "later" not in block.split("### sqlite")[0]  # skipped scenarios are not compared
    assert "analyze 2.0 → 2.5, rollups 129.0 → 3.9, total 140.0 → 20.0" in block


def test_a_run_of_other_scenarios_does_not_hide_the_last_comparison(tmp_path):
    """A catalogue-only run is newer, but faces no earlier run: the side-by-side table stays
    the newest two runs that measured the same scenarios."""
    before = {**RUN, "started_at": "2026-11-01T13:00:00+0100", "commit": "0ld0ld0ld0ld"}
    before["scenarios"] = [{**RUN["scenarios"][0], "p50_ms": 4.0, "queries": 9}]
    only = {**RUN, "started_at": "2026-12-09T13:00:00+0100", "commit": "0nly0nly0nly"}
    only["scenarios"] = [{**RUN["scenarios"][0], "name": "catalogue_list"}]
    for name, run in (("a.json", before), ("b.json", RUN), ("c.json", only)):
        (tmp_path / name).write_text(json.dumps(run))
    block = generated_block(sorted(tmp_path.glob("*.json")), root=tmp_path)
    assert block.count("### Side by side") == 1
    assert "| api_scan | 4.0 | 1.0 | 0.25 |" in block
    assert "After: commit `0nly0nly0nly`" not in block
