"""Schemathesis over the app's OpenAPI schema: generated requests never get a server error."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.web.conftest import Site, csrf


def test_no_generated_request_gets_a_server_error(site: Site) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", site.app)
    browser = site.signed_in("admin")
    signed_in: dict[str, Any] = {
        "cookies": dict(browser.cookies),
        "headers": {"x-csrftoken": csrf(browser, "/overview")},
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    # Signing out would leave the rest of the run anonymous: it has its own tests.
    operations = [o for o in operations if o.path != "/logout"]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=6,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def no_server_error(case: Any) -> None:
            response = case.call(**signed_in)
            assert response.status_code < 500, f"{case.method} {case.path}: {response.text[:200]}"

        no_server_error()
