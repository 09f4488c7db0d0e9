"""Property-based tests over the REST API's OpenAPI schema (issue 12, security): schemathesis
generates requests for every operation from the schema itself, sent with an admin key (so
that they reach the routes' own code); no answer may be a 5xx, and every answer must match
what the schema documents for it (its body's schema, its content type). A bounded number of
examples per operation keeps the run under a minute.

Driven through schemathesis' Python API (each operation's Hypothesis strategy) rather than its
pytest plugin: the plugin's fixture-backed schema (`schemathesis.pytest.from_fixture`, needed
because the app's data dir is the test's own) renames pytest's private `node._nodeid`, which
pytest 9.2 no longer has."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is in the dev extra")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from tests.server.conftest import bearer  # noqa: E402

EXAMPLES = 8  # per operation (about 50 of them)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def test_the_api_matches_its_schema(store, tmp_path):
    from alignkit.server.app import create_app

    app = create_app(store, poll_s=0.02, roots=[tmp_path])
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    admin = bearer(store, "admin", "fuzz")
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(headers=admin, checks=CHECKS)

        try:
            check()
        except Exception as exc:  # every operation is tried; all failures reported at once
            failures.append(f"{operation.label}: {' '.join(str(exc).split())[:600]}")
    assert operations > 40
    assert not failures, "\n".join(failures)
