"""With METRICS__PORT set, `/metrics` on that port (never on the API's) counts and times every
request by method, route template and status, in the Prometheus text format."""

import socket
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from {{ cookiecutter.package_name }}.shared_kernel.infrastructure.database import (
    Database,
)

from {{ cookiecutter.package_name }}.app import (
    create_app,
)
from {{ cookiecutter.package_name }}.serving import (
    metrics_exposed,
)

from .conftest import client_for, settings_under_test

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def metrics_port() -> Iterator[int]:
    """The port `/metrics` answers on while this module's tests run."""
    port = free_port()
    with metrics_exposed(settings_under_test(metrics={"port": port})):
        yield port


def scrape(port: int) -> Samples:
    """Every sample `/metrics` answers, parsed by prometheus-client's own parser."""
    response = httpx.get(f"http://127.0.0.1:{port}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def requests_of(
    samples: Samples, route: str, status: str, name: str = "http_requests_total"
) -> float:
    labels = frozenset({"method": "GET", "route": route, "status": status}.items())
    return samples.get((name, labels), 0.0)


async def test_requests_are_counted_and_timed_by_route_template_and_status(
    database: Database, metrics_port: int
) -> None:
    app = create_app(settings_under_test(metrics={"port": metrics_port}), database)
    before = scrape(metrics_port)
    async with client_for(app) as client:
        for _ in range(3):
            assert (await client.get("/health/live")).status_code == 200
        assert (await client.get("/no/such/path/42")).status_code == 404

    after = scrape(metrics_port)

    def counted(route: str, status: str, name: str = "http_requests_total") -> float:
        return requests_of(after, route, status, name) - requests_of(before, route, status, name)

    assert counted("/health/live", "200") == 3
    assert counted("/health/live", "200", "http_request_duration_seconds_count") == 3
    # A path that matches no route is one series, whatever the path.
    assert counted("unmatched", "404") == 1
    assert not any("/no/such/path" in str(labels) for _, labels in after)


async def test_the_api_does_not_serve_metrics(database: Database, metrics_port: int) -> None:
    app = create_app(settings_under_test(metrics={"port": metrics_port}), database)
    async with client_for(app) as client:
        response = await client.get("/metrics")

    assert response.status_code == 404


async def test_without_the_setting_requests_are_not_measured(
    database: Database, metrics_port: int
) -> None:
    before = scrape(metrics_port)
    async with client_for(create_app(settings_under_test(), database)) as client:
        assert (await client.get("/health/live")).status_code == 200

    assert requests_of(scrape(metrics_port), "/health/live", "200") == requests_of(
        before, "/health/live", "200"
    )
