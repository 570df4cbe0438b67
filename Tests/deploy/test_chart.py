"""The Helm chart deploy/helm/klaxon: lint, offline renders of every values file in values/,
Kubernetes schema validation, and the promises the chart makes (DESIGN.md, Deploy)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import (CHART, CHART_WORKERS, CRD_SCHEMA_FILES, CRD_SCHEMAS, KUBE_VERSION, REFERENCE_COMMENTED_KEYS,
                      REFERENCE_CONFIG, fullname, key_paths, load_yaml, need, objects, of_kind, package_executables,
                      pod_templates, render, rendered, values_files, yaml_module)

# Distinctive secret values used in values/*.yaml: they must reach the Secret, never a ConfigMap.
SECRET_MARKER = "SECRET"


def worker_of(obj: dict) -> str | None:
    return obj["metadata"].get("labels", {}).get("app.kubernetes.io/component")


# ---- lint and schema ---------------------------------------------------------------------------

def test_lint_is_clean(values_file: Path):
    helm = need("helm_python", "helm-python-sdk")
    report = helm.lint(str(CHART), load_yaml(values_file), strict=True, namespace="alerts",
                       kube_version=f"v{KUBE_VERSION}")
    problems = [m for m in report["messages"] if m["severity"] >= 2] + report["errors"]
    assert not problems, f"helm lint --strict with {values_file.name}:\n" + json.dumps(problems, indent=1)


def test_values_schema_rejects_a_typo():
    helm = need("helm_python", "helm-python-sdk")
    with pytest.raises(helm.HelmError, match="replica"):
        render({"workers": {"email": {"replica": 5}}})


def test_bare_defaults_fail_with_a_clear_message():
    """No broker given: the render stops and says which value is missing."""
    helm = need("helm_python", "helm-python-sdk")
    with pytest.raises(helm.HelmError, match=r"rabbitmq\.(host|password) is required"):
        render({})


def test_every_manifest_validates_against_kubernetes_schemas(values_file: Path):
    kv = need("kubernetes_validate", "kubernetes-validate")
    jsonschema = need("jsonschema", "jsonschema")
    manifests, _ = rendered(values_file)
    failures = []
    for obj in objects(manifests):
        what = f'{obj["kind"]}/{obj["metadata"]["name"]}'
        crd = CRD_SCHEMA_FILES.get((obj["apiVersion"], obj["kind"]))
        if crd:
            schema = json.loads((CRD_SCHEMAS / crd).read_text())
            errors = [f"{list(e.path)}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(obj)]
            failures += [f"{what}: {e}" for e in errors]
            continue
        try:
            kv.validate(obj, KUBE_VERSION, strict=True)
        except kv.ValidationError as e:
            failures.append(f"{what}: {'.'.join(map(str, e.path))}: {e.message}")
        except kv.SchemaNotFoundError as e:
            failures.append(f"{what}: {e.message} (add a minimal schema under crd-schemas/ if it is a CRD)")
    assert not failures, f"kubernetes-validate --strict (Kubernetes {KUBE_VERSION}), {values_file.name}:\n" + "\n".join(failures)


# ---- workers -----------------------------------------------------------------------------------

def test_every_long_running_executable_has_a_chart_worker():
    manifests, _ = rendered(Path(__file__).parent / "values" / "all-workers.yaml")
    commands = {c["command"][0] for d in of_kind(objects(manifests), "Deployment").values()
                for c in d["spec"]["template"]["spec"]["containers"]}
    missing = [e for e in package_executables() if e != "klaxonctl" and e not in commands]
    assert not missing, f"executables in Package.swift with no Deployment in the chart: {missing}"


def test_one_deployment_per_enabled_worker_with_its_replicas_and_command(values_file: Path):
    manifests, merged = rendered(values_file)
    deployments = of_kind(objects(manifests), "Deployment")
    for name, w in merged["workers"].items():
        dep = deployments.get(f"{fullname()}-{name}")
        if not w["enabled"]:
            continue
        assert dep, f"{values_file.name}: worker {name} is enabled but has no Deployment"
        container = dep["spec"]["template"]["spec"]["containers"][0]
        assert container["command"] == CHART_WORKERS[name], f"{name}: command {container['command']}"
        if w["autoscaling"]["enabled"]:
            assert "replicas" not in dep["spec"], f"{name}: autoscaled, so replicas belong to the autoscaler"
        else:
            assert dep["spec"]["replicas"] == w["replicas"], f"{name}: replicas {dep['spec'].get('replicas')} != {w['replicas']}"
    enabled = {f"{fullname()}-{n}" for n, w in merged["workers"].items() if w["enabled"]}
    assert set(deployments) == enabled, f"{values_file.name}: Deployments {sorted(deployments)} != enabled workers"


def test_scaling_one_channel_touches_only_that_channel():
    base = load_yaml(Path(__file__).parent / "values" / "defaults.yaml")
    before = of_kind(objects(render(base)), "Deployment")
    after = of_kind(objects(render({**base, "workers": {"email": {"replicas": 5}}})), "Deployment")
    assert after[f"{fullname()}-email"]["spec"]["replicas"] == 5
    for name, dep in before.items():
        if not name.endswith("-email"):
            assert after[name]["spec"] == dep["spec"], f"{name} changed when only email was scaled"


def test_disabled_workers_render_nothing():
    base = load_yaml(Path(__file__).parent / "values" / "all-workers.yaml")
    workers = {n: {"enabled": False} for n in CHART_WORKERS if n != "gateway"}
    objs = objects(render({**base, "workers": workers}))
    leftovers = [f'{o["kind"]}/{o["metadata"]["name"]}' for o in objs if worker_of(o) in workers]
    assert not leftovers, f"disabled workers still rendered: {leftovers}"
    # and by default the workers that arrive later are off
    manifests, _ = rendered(Path(__file__).parent / "values" / "defaults.yaml")
    later = {"voice", "sms", "dingtalk", "wecom", "feishu"}
    assert not [o["metadata"]["name"] for o in objects(manifests) if worker_of(o) in later]


def test_every_container_has_probes_resources_and_a_locked_down_security_context(values_file: Path):
    manifests, _ = rendered(values_file)
    problems = []
    for what, template in pod_templates(objects(manifests)):
        pod = template["spec"]
        pod_sc = pod.get("securityContext", {})
        if pod.get("terminationGracePeriodSeconds", 30) < 30:
            problems.append(f"{what}: terminationGracePeriodSeconds < 30")
        tmp_volumes = {v["name"] for v in pod.get("volumes", []) if "emptyDir" in v}
        for c in pod.get("initContainers", []) + pod["containers"]:
            where = f"{what} container {c['name']}"
            for probe in ("livenessProbe", "readinessProbe"):
                if probe not in c:
                    problems.append(f"{where}: no {probe}")
            res = c.get("resources", {})
            if not res.get("requests") or not res.get("limits", {}).get("memory"):
                problems.append(f"{where}: resources need requests and a memory limit, got {res}")
            sc = c.get("securityContext", {})
            expect = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True}
            for key, value in expect.items():
                if sc.get(key) is not value:
                    problems.append(f"{where}: securityContext.{key} must be {value}")
            if not (sc.get("runAsNonRoot") or pod_sc.get("runAsNonRoot")):
                problems.append(f"{where}: runAsNonRoot is not set")
            if "ALL" not in sc.get("capabilities", {}).get("drop", []):
                problems.append(f"{where}: capabilities.drop lacks ALL")
            seccomp = sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}
            if seccomp.get("type") != "RuntimeDefault":
                problems.append(f"{where}: seccompProfile is not RuntimeDefault")
            mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
            if mounts.get("/tmp") not in tmp_volumes:
                problems.append(f"{where}: no emptyDir at /tmp")
    assert not problems, f"{values_file.name}:\n" + "\n".join(problems)


def test_klaxon_probes_hit_healthz_and_readyz(values_file: Path):
    manifests, _ = rendered(values_file)
    for name, dep in of_kind(objects(manifests), "Deployment").items():
        c = dep["spec"]["template"]["spec"]["containers"][0]
        assert c["livenessProbe"]["httpGet"]["path"] == "/healthz", name
        assert c["readinessProbe"]["httpGet"]["path"] == "/readyz", name
        port_names = {p["name"] for p in c["ports"]}
        assert c["readinessProbe"]["httpGet"]["port"] in port_names, name


def test_gateway_health_is_apart_from_its_request_port(values_file: Path):
    """Senders past capacity fill the gateway's port; probes and scrapes must not share it."""
    manifests, _ = rendered(values_file)
    deps = of_kind(objects(manifests), "Deployment")
    gateway = [d for n, d in deps.items() if n.endswith("-gateway")]
    for dep in gateway:
        c = dep["spec"]["template"]["spec"]["containers"][0]
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        env = {e["name"]: e.get("value") for e in c["env"]}
        assert ports == {"health": 9090, "http": 8080}
        assert env["KLAXON_HEALTH_LISTEN"] == "0.0.0.0:9090"
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            assert c[probe]["httpGet"]["port"] == "health", probe


def test_a_pdb_per_enabled_worker(values_file: Path):
    manifests, _ = rendered(values_file)
    objs = objects(manifests)
    assert set(of_kind(objs, "PodDisruptionBudget")) == set(of_kind(objs, "Deployment"))


# ---- autoscaling -------------------------------------------------------------------------------

def test_hpa_and_keda_follow_each_workers_autoscaling():
    manifests, merged = rendered(Path(__file__).parent / "values" / "autoscaling.yaml")
    objs = objects(manifests)
    hpas, scaled = of_kind(objs, "HorizontalPodAutoscaler"), of_kind(objs, "ScaledObject")
    auths = of_kind(objs, "TriggerAuthentication")
    namespace = merged["config"]["broker"]["namespace"]
    queues = {"dedup": "alerts.ingest", "router": "alerts.route", "email": "notify.email"}
    for name, w in merged["workers"].items():
        a, key = w["autoscaling"], f"{fullname()}-{name}"
        if not (w["enabled"] and a["enabled"]):
            assert key not in hpas and key not in scaled, name
            continue
        if a["type"] == "hpa":
            hpa = hpas[key]["spec"]
            assert (hpa["minReplicas"], hpa["maxReplicas"]) == (a["minReplicas"], a["maxReplicas"])
            assert hpa["scaleTargetRef"]["name"] == key
            assert key not in scaled
        else:
            so = scaled[key]["spec"]
            assert so["scaleTargetRef"]["name"] == key
            assert (so["minReplicaCount"], so["maxReplicaCount"]) == (a["minReplicas"], a["maxReplicas"])
            trigger = so["triggers"][0]
            assert trigger["type"] == "rabbitmq"
            assert trigger["metadata"]["queueName"] == f"{namespace}.{queues[name]}"
            assert trigger["metadata"]["value"] == str(a["queueLength"])
            auth = auths[trigger["authenticationRef"]["name"]]["spec"]["secretTargetRef"][0]
            assert (auth["parameter"], auth["name"], auth["key"]) == ("host", fullname(), "KLAXON_BROKER_URL")
            assert key not in hpas, f"{name}: KEDA owns the HPA; the chart must not add one"


def test_keda_on_a_worker_without_a_queue_is_refused():
    helm = need("helm_python", "helm-python-sdk")
    base = load_yaml(Path(__file__).parent / "values" / "defaults.yaml")
    with pytest.raises(helm.HelmError, match="gateway consumes no queue"):
        render({**base, "workers": {"gateway": {"autoscaling": {"enabled": True, "type": "keda"}}}})


# ---- config and secrets ------------------------------------------------------------------------

def rendered_config(manifests: dict[str, str]) -> dict:
    cm = of_kind(objects(manifests), "ConfigMap")[f"{fullname()}-config"]
    return yaml_module().safe_load(cm["data"]["klaxon.yaml"])


def test_rendered_config_uses_only_keys_of_the_reference(values_file: Path):
    manifests, merged = rendered(values_file)
    config = rendered_config(manifests)
    reference = load_yaml(REFERENCE_CONFIG)
    assert set(config) == set(reference), f"top-level sections {sorted(config)} != reference {sorted(reference)}"
    unknown = key_paths(config) - key_paths(reference) - REFERENCE_COMMENTED_KEYS
    assert not unknown, f"{values_file.name}: keys not in {REFERENCE_CONFIG.name}: {sorted(unknown)}"
    assert config["broker"]["url_env"] == "KLAXON_BROKER_URL"
    assert config["gateway"]["listen"] == "0.0.0.0:8080"
    assert config["gateway"]["max_body_bytes"] == 1048576, "integers must stay integers (no 1.048576e+06)"
    assert config["redis"]["port"] == (6379 if merged["redis"]["bundled"]["enabled"] else merged["redis"]["port"])


def test_no_secret_value_outside_secrets(values_file: Path):
    manifests, _ = rendered(values_file)
    values_text = values_file.read_text()
    secrets = sorted({tok.strip('"\'') for tok in values_text.split() if SECRET_MARKER in tok})
    objs = objects(manifests)
    for obj in objs:
        if obj["kind"] == "Secret":
            continue
        text = json.dumps(obj)
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{values_file.name}: {obj['kind']}/{obj['metadata']['name']} contains secret values {leaked}"
    chart_secret = of_kind(objs, "Secret").get(fullname())
    if chart_secret:  # the test values are really there, so the check above means something
        held = json.dumps(chart_secret)
        assert all(s in held for s in secrets), f"{values_file.name}: secret values missing from the Secret"


def test_existing_secret_replaces_the_chart_secret():
    manifests, _ = rendered(Path(__file__).parent / "values" / "external-existing-secret.yaml")
    objs = objects(manifests)
    assert fullname() not in of_kind(objs, "Secret"), "with existingSecret the chart must make no Secret"
    for name, dep in of_kind(objs, "Deployment").items():
        refs = [e["secretRef"]["name"] for e in dep["spec"]["template"]["spec"]["containers"][0]["envFrom"]]
        assert refs == ["klaxon-prod-secrets"], f"{name}: envFrom {refs}"
    config = rendered_config(manifests)
    assert config["redis"]["password_env"] == "KLAXON_REDIS_PASSWORD"
    assert (config["redis"]["host"], config["redis"]["port"], config["redis"]["database"]) == ("redis.prod.example.com", 6380, 3)


def test_chart_secret_must_hold_every_variable_the_config_names():
    helm = need("helm_python", "helm-python-sdk")
    base = load_yaml(Path(__file__).parent / "values" / "defaults.yaml")
    integration = {"name": "am", "kind": "alertmanager", "token_env": "KLAXON_AM_TOKEN"}
    with pytest.raises(helm.HelmError, match="KLAXON_AM_TOKEN"):
        render({**base, "config": {"integrations": [integration]}})


def test_checksums_follow_config_and_secret():
    base = load_yaml(Path(__file__).parent / "values" / "defaults.yaml")

    def sums(values: dict) -> tuple[str, str]:
        dep = of_kind(objects(render(values)), "Deployment")[f"{fullname()}-router"]
        ann = dep["spec"]["template"]["metadata"]["annotations"]
        return ann["checksum/config"], ann["checksum/secret"]

    config0, secret0 = sums(base)
    config1, secret1 = sums({**base, "config": {"dedup": {"window": "10m"}}})
    assert config1 != config0 and secret1 == secret0, "a config change must change checksum/config only"
    config2, secret2 = sums({**base, "rabbitmq": {**base["rabbitmq"], "password": "another-SECRET"}})
    assert secret2 != secret0 and config2 == config0, "a secret change must change checksum/secret only"


def test_notes_print_integration_urls_and_the_replay_command():
    manifests, _ = rendered(Path(__file__).parent / "values" / "all-workers.yaml")
    notes = manifests["klaxon/templates/NOTES.txt"]
    assert "/integrations/alertmanager/$TOKEN" in notes
    assert f"kubectl -n alerts exec deploy/{fullname()}-router -- klaxonctl dlq replay klaxon.notify.email" in notes
    assert SECRET_MARKER not in notes, "NOTES must not print secret values"


def test_calendar_sync_cronjob_runs_klaxonctl_with_the_config_and_secret():
    manifests, _ = rendered(Path(__file__).parent / "values" / "all-workers.yaml")
    jobs = [o for o in objects(manifests) if o["kind"] == "CronJob"]
    assert [j["metadata"]["name"] for j in jobs] == [f"{fullname()}-calendar-sync"]
    job = jobs[0]
    assert job["spec"]["schedule"] == "*/15 * * * *" and job["spec"]["concurrencyPolicy"] == "Forbid"
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    c = pod["containers"][0]
    assert c["command"] == ["klaxonctl", "oncall", "sync-calendars"]
    assert {"name": "KLAXON_CONFIG", "value": "/etc/klaxon/klaxon.yaml"} in c["env"]
    assert c["envFrom"][0]["secretRef"]["name"], "the Redis password comes from the Secret"
    assert c["securityContext"]["readOnlyRootFilesystem"] is True and c["securityContext"]["allowPrivilegeEscalation"] is False
    assert pod["restartPolicy"] == "Never"
    # off by default
    defaults, _ = rendered(Path(__file__).parent / "values" / "defaults.yaml")
    assert not [o for o in objects(defaults) if o["kind"] == "CronJob"]
