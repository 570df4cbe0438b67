"""Shared helpers for the deploy checks (scripts/check-deploy.sh runs them).

Every tool these tests need is checked here; a missing one FAILS the test that needs it with a
message naming it and how to install it. Nothing is ever skipped.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "deploy" / "helm" / "klaxon"
VALUES_DIR = Path(__file__).resolve().parent / "values"
CRD_SCHEMAS = Path(__file__).resolve().parent / "crd-schemas"
COMPOSE_FILE = REPO / "deploy" / "compose" / "compose.yaml"
COMPOSE_CONFIG = REPO / "deploy" / "compose" / "klaxon.yaml"
REFERENCE_CONFIG = REPO / "deploy" / "local" / "klaxon.yaml"
# Shared files are read from ../shared beside the repository, never copied into it.
COMPOSE_SCHEMA = REPO.parent / "shared" / "schemas" / "compose-spec.json"

RELEASE = "rel"
NAMESPACE = "alerts"
KUBE_VERSION = "1.30.0"  # kubernetes-validate ships schemas for 1.25 ... 1.37
# Every worker the chart knows, with the executable (and arguments) it runs.
CHART_WORKERS = {
    "gateway": ["klaxon-gateway"],
    "dedup": ["klaxon-dedup"],
    "router": ["klaxon-router"],
    "email": ["klaxon-email"],
    "escalator": ["klaxon-escalator"],
    "voice": ["klaxon-voice", "--channel", "voice"],
    "sms": ["klaxon-voice", "--channel", "sms"],
    "dingtalk": ["klaxon-chat", "--channel", "dingtalk"],
    "wecom": ["klaxon-chat", "--channel", "wecom"],
    "feishu": ["klaxon-chat", "--channel", "feishu"],
    "shift": ["klaxon-shift"],
}
# Keys the reference config (deploy/local/klaxon.yaml) names only in its comments.
REFERENCE_COMMENTED_KEYS = {"broker.url_env", "redis.password_env", "email.username_env", "email.password_env"}
# Custom resources kubernetes-validate has no schema for: checked against our minimal schemas.
CRD_SCHEMA_FILES = {
    ("keda.sh/v1alpha1", "ScaledObject"): "scaledobject-keda-v1alpha1.json",
    ("keda.sh/v1alpha1", "TriggerAuthentication"): "triggerauthentication-keda-v1alpha1.json",
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "servicemonitor-monitoring-v1.json",
}

_INSTALL_HINT = "run scripts/check-deploy.sh (it installs the tools into var/deploy-venv)"


def need(module: str, package: str) -> Any:
    """Imports a tool or fails the calling test, naming the PyPI package to install."""
    try:
        return importlib.import_module(module)
    except ImportError as error:  # a failure, never a skip
        pytest.fail(f"missing tool: Python module {module!r} (PyPI {package}) is not importable: {error}; {_INSTALL_HINT}",
                    pytrace=False)


def yaml_module() -> Any:
    return need("yaml", "pyyaml")


def load_yaml(path: Path) -> Any:
    return yaml_module().safe_load(path.read_text())


def values_files() -> list[Path]:
    files = sorted(VALUES_DIR.glob("*.yaml"))
    assert files, f"no values files in {VALUES_DIR}"
    return files


def package_executables() -> list[str]:
    """Every `.executable(name: "…")` product of Package.swift."""
    text = (REPO / "Package.swift").read_text()
    names = re.findall(r'\.executable\(\s*name:\s*"([^"]+)"', text)
    assert names, "found no .executable(name: …) product in Package.swift"
    return names


def key_paths(node: Any, prefix: str = "") -> set[str]:
    """Dotted paths of every mapping key; list items add `[]`."""
    out: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.add(path)
            out |= key_paths(value, path)
    elif isinstance(node, list):
        for item in node:
            out |= key_paths(item, f"{prefix}[]")
    return out


@functools.cache
def _chart() -> Any:
    helm = need("helm_python", "helm-python-sdk")
    return helm.Chart.load(str(CHART))


def render(values: dict | None) -> dict[str, str]:
    """Renders the chart offline (helm-python-sdk) and returns template path -> manifest text."""
    return _chart().render(values or {}, name=RELEASE, namespace=NAMESPACE)


def merged_values(values: dict | None) -> dict:
    return _chart().merge_values(values or {})


@functools.cache
def _render_file(path: str) -> tuple[str, str]:
    values = load_yaml(Path(path)) or {}
    manifests = render(values)
    return json.dumps(manifests), json.dumps(merged_values(values))


def rendered(path: Path) -> tuple[dict[str, str], dict]:
    manifests, merged = _render_file(str(path))
    return json.loads(manifests), json.loads(merged)


def objects(manifests: dict[str, str]) -> list[dict]:
    """Every Kubernetes object of a render (NOTES.txt is not a manifest)."""
    yaml = yaml_module()
    out = []
    for template, text in sorted(manifests.items()):
        if template.endswith("NOTES.txt"):
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                assert isinstance(doc, dict) and "kind" in doc, f"{template}: not a Kubernetes object: {doc!r}"
                out.append(doc)
    return out


def fullname() -> str:
    return f"{RELEASE}-klaxon"


def of_kind(objs: list[dict], kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objs if o["kind"] == kind}


def pod_templates(objs: list[dict]) -> list[tuple[str, dict]]:
    return [(f'{o["kind"]}/{o["metadata"]["name"]}', o["spec"]["template"]) for o in objs
            if o["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job")]


@pytest.fixture(params=values_files(), ids=lambda p: p.stem)
def values_file(request) -> Path:
    return request.param
