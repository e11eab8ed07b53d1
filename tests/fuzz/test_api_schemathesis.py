"""Fuzz every API operation with schemathesis, every check on (``--checks all``).

The WSGI app runs in-process against a demo-seeded test database, authenticated with a
manager's token, with the repository's ``schemathesis.toml`` (the CLI's configuration: a
schema-valid request may be refused with 404, 409 or 422, never 400). Each operation gets a
bounded number of generated requests, schema-valid and schema-violating, with a fixed seed
(``FUZZ_MAX_EXAMPLES``, default 10; ``FUZZ_SEED``), so the run is repeatable and takes a few
minutes (``FUZZ_BUDGET_SECONDS``, 300). Every built-in check that judges one answer runs:
no 5xx, statuses, content types, headers and bodies as documented, schema-valid data accepted
(``positive_data_acceptance``), schema-violating data refused (``negative_data_rejection``),
missing authentication refused (``ignored_auth``)... The stateful checks (``use_after_free``,
``ensure_resource_availability``) need the CLI's stateful phase (docs/api.md). The summary
(operations, examples, failures) is printed even when the test passes so it shows in the CI
log.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from workshop.services import user_token_create

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", 10))
SEED = int(os.environ.get("FUZZ_SEED", 20260301))
BUDGET_SECONDS = float(os.environ.get("FUZZ_BUDGET_SECONDS", 300))
CONFIG_FILE = Path(__file__).resolve().parents[2] / "schemathesis.toml"


def fuzz_operation(operation, headers: dict, stats: dict) -> None:
    @seed(SEED)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    # Schema-valid cases and cases the schema forbids (negative generation).
    @given(
        case=st.one_of(
            operation.as_strategy(), operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
        )
    )
    def run(case):
        stats["examples"] += 1
        case.call_and_validate(headers=headers)  # every check the configuration enables

    run()


@pytest.mark.slow(39)
def test_every_api_operation_survives_fuzzing_and_matches_its_schema(capsys, make_user):
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))
    manager = make_user("manager", username="fuzz-manager")
    headers = {"Authorization": f"Token {user_token_create(user=manager)[1]}"}
    # Like Django's test client: keep the test's connection (and transaction) across requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi(
            "/api/schema/",
            get_wsgi_application(),
            config=SchemathesisConfig.from_path(CONFIG_FILE),
        )
        stats, failures, elapsed = fuzz_all(schema, headers)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    with capsys.disabled():
        print(
            f"\nschemathesis: {stats['operations']} operations, {stats['examples']} examples "
            f"(max {MAX_EXAMPLES}/operation, seed {SEED}), {len(failures)} failures, "
            f"{elapsed:.1f} s"
        )
        for failure in failures:
            print(f"  FAIL {failure}")
    assert stats["operations"] > 10
    assert not failures, "\n\n".join(failures)


def fuzz_all(schema, headers: dict):
    stats = {"operations": 0, "examples": 0}
    failures: list[str] = []
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        stats["operations"] += 1
        try:
            fuzz_operation(operation, headers, stats)
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - reported, then asserted
            failures.append(f"{operation.label}: {str(error).strip()[:2000]}")
        if time.monotonic() - started > BUDGET_SECONDS:
            failures.append(f"time budget of {BUDGET_SECONDS:.0f} s exceeded")
            break
    return stats, failures, time.monotonic() - started
