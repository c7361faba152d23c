"""The Kubernetes manifests of a baked project (`deploy/kubernetes/`), checked without a cluster.

Each kustomization is rendered by kubectl's own kustomize and every object validated, strictly
(an unknown field fails), against the API schemas of one Kubernetes version; then everything
the objects name (image, commands, ports, probe paths, settings) is looked up in the project.
"""

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from .baking import bake
from .kubectl import kubectl

KUBERNETES_VERSION = "1.35.0"
KUSTOMIZATIONS = ("base", "overlays/production")
PREFIX = "TASK_SERVICE_"


@pytest.fixture(scope="module")
def project(cookies_session: Any) -> Path:
    baked: Path = bake(cookies_session)
    return baked


def rendered(project: Path, kustomization: str) -> list[dict[str, Any]]:
    folder = project / "deploy" / "kubernetes" / kustomization
    output = subprocess.run(
        [str(kubectl()), "kustomize", str(folder)], check=True, capture_output=True, text=True
    ).stdout
    return [document for document in yaml.safe_load_all(output) if document]


def containers(objects: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(object name, container) of every container and init container."""
    for item in objects:
        pod = item.get("spec", {}).get("template", {}).get("spec", {})
        for container in [*pod.get("initContainers", []), *pod.get("containers", [])]:
            yield item["metadata"]["name"], container


def one(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    (found,) = [
        item for item in objects if (item["kind"], item["metadata"]["name"]) == (kind, name)
    ]
    return found


@pytest.mark.parametrize("kustomization", KUSTOMIZATIONS)
def test_every_object_is_valid_against_the_kubernetes_api_schemas(
    project: Path, kustomization: str
) -> None:
    objects = rendered(project, kustomization)

    assert {item["kind"] for item in objects} == {
        "ConfigMap",
        "Deployment",
        "HorizontalPodAutoscaler",
        "Job",
        "PodDisruptionBudget",
        "Service",
    }
    for item in objects:
        kubernetes_validate.validate(item, KUBERNETES_VERSION, strict=True)


def test_a_misspelt_field_fails_the_validation(project: Path) -> None:
    deployment = one(rendered(project, "base"), "Deployment", "task-service-api")
    deployment["spec"]["template"]["spec"]["terminationGracePeriod"] = 35

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_the_workloads_run_locked_down_and_read_their_secrets_from_a_secret(
    project: Path,
) -> None:
    objects = rendered(project, "overlays/production")
    settings = one(objects, "ConfigMap", "task-service-settings")["data"]

    assert not any("URL" in key and not key.startswith("OTEL_") for key in settings)
    for name, container in containers(objects):
        sources = [next(iter(source.values()))["name"] for source in container["envFrom"]]
        assert sources == ["task-service-settings", "task-service-secrets"], name
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True, name
        assert security["allowPrivilegeEscalation"] is False, name
        assert container["resources"]["limits"]["memory"], name
        assert container["image"] == "registry.example.com/task-service:0.1.0", name
    for item in objects:
        if pod := item.get("spec", {}).get("template", {}).get("spec"):
            assert pod["securityContext"]["runAsNonRoot"] is True
            # The workers' metrics files: the only writable place.
            assert {"name": "tmp", "mountPath": "/tmp"} in [
                mount for _, container in containers([item]) for mount in container["volumeMounts"]
            ]


def test_a_new_version_waits_for_its_migrations_and_drains_before_it_stops(
    project: Path,
) -> None:
    objects = rendered(project, "overlays/production")
    settings = one(objects, "ConfigMap", "task-service-settings")["data"]
    api = one(objects, "Deployment", "task-service-api")["spec"]
    pod = api["template"]["spec"]
    job = one(objects, "Job", "task-service-migrate")["spec"]["template"]["spec"]

    assert job["containers"][0]["command"][-1] == "migrate"
    assert [container["command"][-1] for container in pod["initContainers"]] == [
        "wait-for-migrations"
    ]
    assert pod["terminationGracePeriodSeconds"] > int(settings[f"{PREFIX}HTTP__SHUTDOWN_TIMEOUT"])
    assert api["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    hpa = one(objects, "HorizontalPodAutoscaler", "task-service-api")["spec"]
    assert hpa["scaleTargetRef"]["name"] == "task-service-api"
    assert hpa["minReplicas"] >= 2
    budget = one(objects, "PodDisruptionBudget", "task-service-api")["spec"]
    assert (
        budget["selector"]["matchLabels"].items() <= pod_labels(objects, "task-service-api").items()
    )


def pod_labels(objects: list[dict[str, Any]], deployment: str) -> dict[str, str]:
    labels: dict[str, str] = one(objects, "Deployment", deployment)["spec"]["template"]["metadata"][
        "labels"
    ]
    return labels


def test_everything_the_manifests_name_exists_in_the_project(project: Path) -> None:
    objects = rendered(project, "base")
    settings = one(objects, "ConfigMap", "task-service-settings")["data"]
    main = (project / "src/task_service/__main__.py").read_text()
    commands = set(re.findall(r'^    "([a-z-]+)": ', main, re.MULTILINE))
    health = (project / "src/task_service/shared_kernel/api/health.py").read_text()
    documented = (project / ".env.example").read_text()
    dockerfile = (project / "Dockerfile").read_text()

    assert "docker build -t task-service ." in dockerfile
    for name, container in containers(objects):
        assert container["image"] == "task-service", name
        python, module, package, command = container["command"]
        assert (python, module, package) == ("python", "-m", "task_service"), name
        assert command in commands, name
        ports = {port["name"]: port["containerPort"] for port in container.get("ports", [])}
        for port, setting in (("http", "HTTP__PORT"), ("metrics", "METRICS__PORT")):
            assert ports.get(port, 0) in (0, int(settings[PREFIX + setting])), name
        for probe in ("livenessProbe", "readinessProbe"):
            if path := container.get(probe, {}).get("httpGet", {}).get("path"):
                assert path.startswith("/health/"), path
                assert f'@router.get("/{path.removeprefix("/health/")}"' in health, path
    assert 'APIRouter(prefix="/health"' in health
    for key in settings:
        standard = key.startswith("OTEL_")
        assert standard or re.search(rf"^#? ?{key}=", documented, re.MULTILINE), key
    assert "EXPOSE 8000" in dockerfile
