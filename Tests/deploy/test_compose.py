"""deploy/compose: the Compose file against the shared Compose spec schema, a service for every
executable, and a sample config with the reference's sections. Also the Dockerfile's promises."""

from __future__ import annotations

import copy
import json
import re

import pytest

from conftest import (COMPOSE_CONFIG, COMPOSE_FILE, COMPOSE_SCHEMA, REFERENCE_COMMENTED_KEYS, REFERENCE_CONFIG, REPO,
                      key_paths, load_yaml, need, package_executables)

KLAXON_IMAGE = "klaxon:dev"


def compose() -> dict:
    return load_yaml(COMPOSE_FILE)


def compose_validator():
    jsonschema = need("jsonschema", "jsonschema")
    if not COMPOSE_SCHEMA.is_file():
        pytest.fail(f"missing shared schema: {COMPOSE_SCHEMA} (the Compose spec JSON schema is read from "
                    "../shared/schemas beside the repository, never copied into it)", pytrace=False)
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    # The spec names "https://json-schema.org/draft-07/schema", which jsonschema does not map
    # to draft 7 by itself.
    if "draft-07" in schema.get("$schema", ""):
        return jsonschema.Draft7Validator(schema)
    return jsonschema.validators.validator_for(schema)(schema)


def klaxon_services(doc: dict) -> dict[str, dict]:
    return {n: s for n, s in doc["services"].items() if s.get("image") == KLAXON_IMAGE}


def test_compose_file_validates_against_the_compose_spec():
    errors = [f"{'.'.join(map(str, e.path))}: {e.message}" for e in compose_validator().iter_errors(compose())]
    assert not errors, f"{COMPOSE_FILE} does not match {COMPOSE_SCHEMA}:\n" + "\n".join(errors)


def test_the_compose_validator_catches_a_mistake():
    broken = copy.deepcopy(compose())
    broken["services"]["gateway"]["helthcheck"] = {"test": ["CMD", "true"]}
    assert list(compose_validator().iter_errors(broken)), "a misspelt service key must fail the schema"


def test_every_executable_has_a_compose_service():
    doc = compose()
    runs = {(s.get("entrypoint") or s.get("command"))[0] for s in klaxon_services(doc).values()}
    missing = [e for e in package_executables() if e not in runs]
    assert not missing, f"executables in Package.swift with no service in {COMPOSE_FILE.name}: {missing}"


def test_klaxon_services_run_locked_down_with_the_sample_config():
    for name, s in klaxon_services(compose()).items():
        assert s["read_only"] is True and s["tmpfs"] == ["/tmp"], name
        assert re.fullmatch(r"\d+:\d+", s["user"]) and not s["user"].startswith("0:"), f"{name}: numeric non-root user"
        assert "./klaxon.yaml:/etc/klaxon/klaxon.yaml:ro" in s["volumes"], name
        assert s["environment"]["KLAXON_CONFIG"] == "/etc/klaxon/klaxon.yaml", name
        assert s["stop_grace_period"] == "30s", name


def test_depends_on_waits_for_healthy_services_that_have_healthchecks():
    services = compose()["services"]
    for name, s in services.items():
        for dep, cond in (s.get("depends_on") or {}).items():
            assert cond["condition"] == "service_healthy", f"{name} -> {dep}"
            assert "healthcheck" in services[dep], f"{name} waits for {dep}, which has no healthcheck"
        if s.get("image") == KLAXON_IMAGE and "klaxonctl" not in (s.get("entrypoint") or []):
            assert "healthcheck" in s, f"{name} has no healthcheck"


def test_compose_sets_every_secret_variable_the_sample_config_names():
    config = load_yaml(COMPOSE_CONFIG)
    named = [i["token_env"] for i in config.get("integrations", [])]
    named += [v for section in config.values() if isinstance(section, dict)
              for k, v in section.items() if k.endswith("_env")]
    for name, s in klaxon_services(compose()).items():
        missing = [n for n in named if n not in s["environment"]]
        assert not missing, f"{name}: config names {missing} but the service does not set them"
    token = klaxon_services(compose())["gateway"]["environment"]["KLAXON_DEMO_TOKEN"]
    default = re.fullmatch(r"\$\{KLAXON_DEMO_TOKEN:-(.+)\}", token)
    assert default and len(default.group(1)) >= 16, "the demo token must default to 16+ characters"


def test_sample_config_has_the_reference_sections_and_keys():
    sample, reference = load_yaml(COMPOSE_CONFIG), load_yaml(REFERENCE_CONFIG)
    assert list(sample) == list(reference), f"sections {list(sample)} != reference {list(reference)}"
    unknown = key_paths(sample) - key_paths(reference) - REFERENCE_COMMENTED_KEYS
    assert not unknown, f"{COMPOSE_CONFIG.name} has keys not in {REFERENCE_CONFIG.name}: {sorted(unknown)}"


def test_sample_config_points_at_compose_services():
    sample, services = load_yaml(COMPOSE_CONFIG), compose()["services"]
    assert sample["redis"]["host"] in services
    assert sample["email"]["host"] in services and sample["email"]["port"] == 1025
    broker_url = klaxon_services(compose())["gateway"]["environment"][sample["broker"]["url_env"]]
    assert re.match(r"amqp://[^@]+@rabbitmq:5672/", broker_url)
    assert sample["gateway"]["listen"].endswith(":8080")


# ---- Dockerfile ---------------------------------------------------------------------------------

def test_dockerfile_builds_every_executable_and_runs_non_root():
    text = (REPO / "Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+(\S+)", text, re.M)
    assert len(stages) == 2, f"expected a build and a run stage, got {stages}"
    assert "swift build -c release --static-swift-stdlib" in text
    assert re.search(r"^ARG RUNTIME_IMAGE=debian:bookworm-slim$", text, re.M)
    assert re.search(r"^USER \d+:\d+$", text, re.M), "USER must be numeric (runAsNonRoot checks it)"
    assert re.search(r'^CMD \["klaxonctl", "--help"\]$', text, re.M)
    runtime_libs = {"librabbitmq4", "libhiredis0.14", "libcurl4", "libmicrohttpd12", "libssl3", "libyaml-0-2",
                    "ca-certificates", "tzdata"}
    missing = [p for p in sorted(runtime_libs) if p not in text]
    assert not missing, f"run stage lacks {missing}"


def test_dockerfile_copies_every_target_directory():
    # The build stage copies only some directories; a target whose sources live elsewhere would
    # build here and fail in the image.
    text = (REPO / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY\s+(\S+?)/?\s+\./\S*$", text, re.M))
    package = (REPO / "Package.swift").read_text()
    explicit = re.findall(r'path:\s*"([^"]+)"', package)
    for path in explicit:
        top = path.split("/")[0]
        assert top in copied, f"Package.swift target path {path} is outside what the Dockerfile copies ({sorted(copied)})"
    assert {"Sources", "Tests"} <= copied, f"the build stage must copy Sources and Tests, copies {sorted(copied)}"
    # Resources linked from elsewhere (Sources/Gateway/openapi.json → docs/openapi.json) must be
    # copied too, or the image's build fails on a dangling link.
    for link in (REPO / "Sources").rglob("*"):
        if link.is_symlink():
            top = link.resolve().relative_to(REPO.resolve()).parts[0]
            assert top in copied, f"{link.relative_to(REPO)} links into {top}/, which the Dockerfile does not copy"
