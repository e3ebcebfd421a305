"""Schemathesis against /openapi.json: every documented operation, anonymous and authenticated, never a 5xx.

We drive each operation's strategy with hypothesis directly instead of `schemathesis.pytest.from_fixture`,
which does not run under pytest 9 (it reads a private node attribute that is gone).
"""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy.orm import Session, sessionmaker

from service.storage.accounts import create_moderator
from service.storage.models import Site

# Bounded so the whole run takes a couple of minutes on two cores.
EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def moderator_token(site: Site, sessions: sessionmaker[Session]) -> str:
    with sessions() as session, session.begin():
        created = create_moderator(session, "fuzz@example.org", "demo", role="admin", with_token=True)
    assert created.token is not None
    return created.token


@pytest.mark.slow
def test_no_request_makes_the_server_fail(app: Flask, moderator_token: str) -> None:
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5, "the OpenAPI document lists too few operations"
    failures: list[str] = []
    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def exercise(case: schemathesis.Case) -> None:
            # Once as a stranger, once with a real admin token, to reach the code past the 401.
            case.call_and_validate(checks=[not_a_server_error])
            case.call_and_validate(headers={"Authorization": f"Bearer {moderator_token}"}, checks=[not_a_server_error])

        try:
            exercise()
        except Exception as error:  # collect every failing operation, not only the first
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
