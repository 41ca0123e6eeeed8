"""Checks of the deployment configuration: Dockerfile, docker-compose.yml,
deploy/kubernetes (kustomize) and the AsyncAPI validator in tools/.

No Docker engine or cluster is needed. Where `docker compose` and `kubectl`
are installed, their own offline checks run too (`docker compose config -q`,
`kubectl kustomize`); otherwise those tests are skipped with a reason.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from asyncapi_validator import compose_schema_path, node_available, validate_asyncapi

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
K8S = REPO / "deploy" / "kubernetes"

APP_SERVICES = {"intake": 8001, "routing": 8002, "notification": 8003, "archive": 8004}
NEEDS_MONGO = {"archive"}
INFRA = {"kafka", "mongo"}
SECRET_NAME = re.compile(r"(API_KEY|SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|PRIVATE_KEY)", re.I)
REQUIRED_REF = re.compile(r"^\$\{[A-Z0-9_]+:\?[^}]*\}$")

needs_node = pytest.mark.skipif(not node_available(), reason="node/npm not on PATH (tools/asyncapi-validate needs them)")


# --------------------------------------------------------------------------- helpers
def load_compose() -> dict:
    # safe_load resolves the `<<: *anchor` merge keys the file uses, which is what
    # Compose itself does before validating.
    return yaml.safe_load(COMPOSE_FILE.read_text())


def compose_env(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    logical, buf = [], ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not buf and (not line or line.startswith("#")):
            continue
        if buf and line.startswith("#"):
            continue
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        logical.append(buf)
        buf = ""
    out = []
    for line in logical:
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last_from = max(i for i, (ins, _) in enumerate(instructions) if ins == "FROM")
    return instructions[last_from:]


def k8s_yaml_files() -> list[Path]:
    return sorted(p for p in K8S.rglob("*") if p.suffix in {".yaml", ".yml"})


def k8s_documents(under: Path = K8S) -> list[tuple[Path, dict]]:
    """Every YAML mapping document under `under` (JSON-patch files, which are lists, are left out)."""
    docs = []
    for path in k8s_yaml_files():
        if not path.is_relative_to(under):
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict):
                docs.append((path, doc))
    return docs


def deployments_in(docs) -> list[dict]:
    return [d for d in docs if isinstance(d, dict) and d.get("kind") == "Deployment"]


# --------------------------------------------------------------------------- compose: schema
@pytest.fixture(scope="module")
def compose_schema() -> dict:
    if not node_available():
        pytest.skip("node/npm not on PATH: the Compose JSON Schema comes from tools/asyncapi-validate's npm lock")
    schema = json.loads(compose_schema_path().read_text())
    # It must be the Compose Specification's own schema, not some lookalike.
    assert schema.get("title") == "Compose Specification"
    assert schema.get("$id") == "compose_spec.json"
    for key in ("services", "networks", "volumes", "secrets", "configs", "include"):
        assert key in schema["properties"], key
    return schema


def _validator(schema: dict):
    # The schema says "$schema": "https://json-schema.org/draft-07/schema" (no
    # trailing "#"), which jsonschema's lookup doesn't recognise; pick by draft.
    declared = schema.get("$schema", "")
    cls = jsonschema.Draft7Validator if "draft-07" in declared else jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_compose_file_matches_compose_spec_schema(compose_schema):
    errors = sorted(_validator(compose_schema).iter_errors(load_compose()), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def test_compose_schema_check_can_fail(compose_schema):
    """Guards the check above: a broken file must be rejected."""
    validator = _validator(compose_schema)
    bad = copy.deepcopy(load_compose())
    bad["services"]["intake"]["depends_on"]["kafka"]["condition"] = "service_ready"
    bad["services"]["routing"]["healthcheck"]["intervall"] = "5s"
    bad["services"]["notification"]["restart"] = ["always"]
    paths = {"/".join(map(str, e.absolute_path)) for e in validator.iter_errors(bad)}
    assert any(p.startswith("services/intake") for p in paths), paths
    assert any(p.startswith("services/routing") for p in paths), paths
    assert any(p.startswith("services/notification") for p in paths), paths


def _docker_compose_cmd() -> list[str] | None:
    for cmd in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(cmd[0]) is None:
            continue
        probe = subprocess.run([*cmd, "version"], capture_output=True, text=True)
        if probe.returncode == 0:
            return cmd
    return None


def test_docker_compose_config_accepts_file():
    cmd = _docker_compose_cmd()
    if cmd is None:
        pytest.skip("`docker compose` is not installed here (the JSON-Schema test above still ran)")
    env = {k: v for k, v in os.environ.items() if k != "COMPLAINTS_API_KEY"}
    ok = subprocess.run(
        [*cmd, "-f", str(COMPOSE_FILE), "config", "-q"],
        cwd=REPO, capture_output=True, text=True, env={**env, "COMPLAINTS_API_KEY": "test-only-not-a-secret"},
    )
    assert ok.returncode == 0, ok.stderr
    # Without the secret, Compose must refuse to run (the `${COMPLAINTS_API_KEY:?...}` guard).
    missing = subprocess.run([*cmd, "-f", str(COMPOSE_FILE), "config", "-q"], cwd=REPO, capture_output=True, text=True, env=env)
    assert missing.returncode != 0
    assert "COMPLAINTS_API_KEY" in missing.stderr


# --------------------------------------------------------------------------- compose: policy
def test_compose_has_infra_and_all_services():
    services = load_compose()["services"]
    assert set(services) == INFRA | set(APP_SERVICES)
    assert services["kafka"]["image"].split(":-", 1)[-1].rstrip("}").startswith("apache/kafka:")
    assert services["mongo"]["image"].split(":-", 1)[-1].rstrip("}").startswith("mongo:8.0")


def test_compose_kafka_is_kraft_single_node_without_auto_create():
    env = compose_env(load_compose()["services"]["kafka"])
    for key in (
        "KAFKA_NODE_ID", "KAFKA_PROCESS_ROLES", "KAFKA_LISTENERS", "KAFKA_ADVERTISED_LISTENERS",
        "KAFKA_CONTROLLER_LISTENER_NAMES", "KAFKA_CONTROLLER_QUORUM_VOTERS", "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
    ):
        assert key in env, key
    assert str(env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"]).lower() == "false"
    assert set(str(env["KAFKA_PROCESS_ROLES"]).split(",")) == {"broker", "controller"}
    for key, value in env.items():
        if key.endswith("REPLICATION_FACTOR"):
            assert str(value) == "1", key


@pytest.mark.parametrize("name", sorted(INFRA | set(APP_SERVICES)))
def test_compose_every_service_has_healthcheck(name):
    hc = load_compose()["services"][name].get("healthcheck")
    assert hc and not hc.get("disable"), f"{name} has no healthcheck"
    test = hc["test"]
    assert isinstance(test, list) and test[0] in {"CMD", "CMD-SHELL"}, test
    text = " ".join(test)
    if name in APP_SERVICES:
        assert "urllib" in text and f":{APP_SERVICES[name]}/healthz" in text, text
    elif name == "kafka":
        assert "/opt/kafka/bin/kafka-" in text
    elif name == "mongo":
        assert "mongosh" in text and "ping" in text


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_compose_app_services_wait_for_healthy_infra(name):
    svc = load_compose()["services"][name]
    deps = svc.get("depends_on")
    assert isinstance(deps, dict), "depends_on must use the long form with conditions"
    assert deps.get("kafka", {}).get("condition") == "service_healthy"
    if name in NEEDS_MONGO:
        assert deps.get("mongo", {}).get("condition") == "service_healthy"
    for dep, spec in deps.items():
        if dep in INFRA:
            assert spec.get("condition") == "service_healthy", dep


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_compose_app_services_are_built_from_repo_and_configured(name):
    svc = load_compose()["services"][name]
    assert svc["build"]["context"] == "."
    assert svc["build"]["args"]["SERVICE"] == name
    assert svc.get("dockerfile", "Dockerfile") == "Dockerfile"
    port = APP_SERVICES[name]
    assert any(str(p).endswith(f":{port}") for p in svc["ports"]), svc["ports"]
    env = compose_env(svc)
    assert str(env[f"{name.upper()}_PORT"]) == str(port)
    assert env["KAFKA_BOOTSTRAP_SERVERS"]
    if name in NEEDS_MONGO:
        assert env["MONGODB_URL"].startswith("mongodb")
    # Non-root: the user matches the Dockerfile's USER.
    assert str(svc.get("user", "10001")).split(":")[0] == "10001"


def test_compose_defines_no_secret_values():
    compose = load_compose()
    for name, svc in compose["services"].items():
        for key, value in compose_env(svc).items():
            if SECRET_NAME.search(key):
                assert isinstance(value, str) and REQUIRED_REF.match(value), (
                    f"{name}.{key} must be a required `${{VAR:?message}}` reference, not a value"
                )
    api_key = compose_env(compose["services"]["intake"])["COMPLAINTS_API_KEY"]
    assert api_key.startswith("${COMPLAINTS_API_KEY:?")
    assert "secrets" not in compose or all("environment" in s or "file" in s for s in compose["secrets"].values())


def test_compose_persists_broker_and_database_data():
    compose = load_compose()
    assert any(str(v).endswith(":/var/lib/kafka/data") for v in compose["services"]["kafka"]["volumes"])
    assert any(str(v).endswith(":/data/db") for v in compose["services"]["mongo"]["volumes"])
    for vol in ("kafka-data", "mongo-data"):
        assert vol in compose["volumes"]


# --------------------------------------------------------------------------- Dockerfile
def test_dockerfile_is_multi_stage_on_python_311_slim():
    ins = dockerfile_instructions()
    froms = [arg for i, arg in ins if i == "FROM"]
    assert len(froms) >= 2, froms
    args = dict(a.split("=", 1) for i, a in ins if i == "ARG" and "=" in a)
    base = args.get("PYTHON_IMAGE")
    for f in froms:
        image = f.split()[0]
        image = base if image == "${PYTHON_IMAGE}" else image
        assert image == "python:3.11-slim", f


def test_dockerfile_installs_from_lock_with_pinned_uv():
    text = " ".join(arg for _, arg in dockerfile_instructions())
    assert re.search(r"pip install [^&;]*uv==(\$\{UV_VERSION\}|\d+\.\d+\.\d+)", text), "uv must be pinned"
    args = dict(a.split("=", 1) for i, a in dockerfile_instructions() if i == "ARG" and "=" in a)
    assert re.fullmatch(r"\d+\.\d+\.\d+", args["UV_VERSION"])
    assert re.search(r"uv sync --frozen --no-dev --package \"?\$\{SERVICE\}\"?", text)
    assert "uv.lock" in text


def test_dockerfile_runtime_is_non_root_with_healthcheck_and_entrypoint():
    stage = final_stage(dockerfile_instructions())
    users = [arg for i, arg in stage if i == "USER"]
    assert users, "final stage must set USER"
    assert users[-1].split(":")[0] in {"10001", "complaints"}
    assert users[-1].split(":")[0] not in {"0", "root"}
    assert any(i == "RUN" and "--uid 10001" in a for i, a in stage)
    hc = [arg for i, arg in stage if i == "HEALTHCHECK"]
    assert len(hc) == 1 and "urllib" in hc[0] and "/healthz" in hc[0]
    for port in APP_SERVICES.values():
        assert f"'{port}'" in hc[0]
    entry = json.loads(next(a for i, a in stage if i == "ENTRYPOINT"))
    cmd = json.loads(next(a for i, a in stage if i == "CMD"))
    assert entry == ["complaints-service"] and cmd == ["serve"]
    # complaints-service is a link to complaints-${SERVICE} made in the build stage.
    assert any(i == "RUN" and 'ln -s "complaints-${SERVICE}"' in a for i, a in dockerfile_instructions())


def test_dockerfile_copies_only_what_is_needed():
    copies = [arg for i, arg in dockerfile_instructions() if i == "COPY"]
    sources = [tok for c in copies if not c.startswith("--from") for tok in c.split()[:-1] if not tok.startswith("--")]
    assert "." not in sources and "./" not in sources, "the whole context must not be copied"
    for src in sources:
        assert src in {"pyproject.toml", "uv.lock", "shared/src", "services/${SERVICE}/src"} or src.endswith(
            "/pyproject.toml"
        ), src
    ignore = (REPO / ".dockerignore").read_text().split()
    for pattern in ("**/.venv", "**/node_modules", "**/.git", "**/.env"):
        assert pattern in ignore, pattern


# --------------------------------------------------------------------------- Kubernetes
def test_every_kustomize_yaml_parses():
    files = k8s_yaml_files()
    assert files, "deploy/kubernetes has no YAML"
    for path in files:
        list(yaml.safe_load_all(path.read_text()))
    for k in ("base", "overlays/dev", "overlays/prod"):
        assert (K8S / k / "kustomization.yaml").is_file(), k


def _check_deployment(dep: dict, where: str) -> None:
    name = dep["metadata"]["name"]
    pod = dep["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True, where
    assert pod["securityContext"].get("runAsUser", 10001) != 0, where
    (container,) = pod["containers"]
    port = APP_SERVICES[name]
    assert any(p["containerPort"] == port for p in container["ports"]), where
    live, ready = container.get("livenessProbe"), container.get("readinessProbe")
    assert live and live["httpGet"]["path"] == "/healthz", f"{where}: liveness must GET /healthz"
    assert ready and ready["httpGet"]["path"] == "/readyz", f"{where}: readiness must GET /readyz"
    res = container["resources"]
    assert res["requests"]["cpu"] and res["requests"]["memory"] and res["limits"]["memory"], where
    sc = container["securityContext"]
    assert sc["allowPrivilegeEscalation"] is False and sc["readOnlyRootFilesystem"] is True, where
    assert "ALL" in sc["capabilities"]["drop"], where
    env = {e["name"]: e for e in container.get("env", [])}
    api = env.get("COMPLAINTS_API_KEY")
    assert api and "value" not in api and api["valueFrom"]["secretKeyRef"]["key"] == "COMPLAINTS_API_KEY", where
    for e in container.get("env", []):
        if SECRET_NAME.search(e["name"]) or e["name"] == "MONGODB_URL":
            assert "value" not in e or (e["name"] == "MONGODB_URL" and "@" not in e["value"]), f"{where}: {e['name']}"


def test_base_deployments_have_probes_secret_ref_and_hardening():
    deps = deployments_in(doc for _, doc in k8s_documents(K8S / "base"))
    names = {d["metadata"]["name"] for d in deps}
    assert names == set(APP_SERVICES), names
    for d in deps:
        _check_deployment(d, f"base {d['metadata']['name']}")
    services = {d["metadata"]["name"]: d for _, d in k8s_documents(K8S / "base") if d.get("kind") == "Service"}
    assert set(services) == set(APP_SERVICES)


def test_kubernetes_files_commit_no_secret_values():
    for path, doc in k8s_documents():
        if doc.get("kind") == "Secret":
            assert path.name.endswith(".example.yaml"), f"{path}: real Secrets must not be committed"
            for value in (doc.get("stringData") or {}).values():
                assert "replace-me" in value or "change-me" in value
        if doc.get("kind") == "Kustomization" or path.name == "kustomization.yaml":
            for gen in doc.get("configMapGenerator", []):
                for literal in gen.get("literals", []):
                    key = literal.split("=", 1)[0]
                    assert not SECRET_NAME.search(key), f"{path}: {key} belongs in a Secret"
            for gen in doc.get("secretGenerator", []):
                assert not gen.get("literals"), f"{path}: secretGenerator must read a git-ignored file"
                for env_file in gen.get("envs", []):
                    assert not (path.parent / env_file).exists() or _git_ignored(path.parent / env_file)
                    assert (path.parent / f"{env_file}.example").is_file()


def _git_ignored(path: Path) -> bool:
    if shutil.which("git") is None:
        return True
    return subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=REPO).returncode == 0


def _kustomize_cmd() -> list[str] | None:
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    return None


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, list[dict]]:
    cmd = _kustomize_cmd()
    if cmd is None:
        pytest.skip("neither kubectl nor kustomize is installed: overlays not rendered")
    tree = tmp_path_factory.mktemp("k8s") / "kubernetes"
    shutil.copytree(K8S, tree, ignore=shutil.ignore_patterns("secret.env"))
    # The dev overlay's secretGenerator reads a git-ignored file; use the example.
    shutil.copy(tree / "overlays/dev/secret.env.example", tree / "overlays/dev/secret.env")
    out = {}
    for overlay in ("dev", "prod"):
        proc = subprocess.run([*cmd, str(tree / "overlays" / overlay)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        out[overlay] = [d for d in yaml.safe_load_all(proc.stdout) if d]
    return out


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_overlay_renders_valid_deployments(rendered, overlay):
    docs = rendered[overlay]
    deps = deployments_in(docs)
    assert {d["metadata"]["name"] for d in deps} == set(APP_SERVICES)
    configmaps = [d for d in docs if d["kind"] == "ConfigMap"]
    assert len(configmaps) == 1
    cm = configmaps[0]
    for d in deps:
        _check_deployment(d, f"{overlay} {d['metadata']['name']}")
        assert d["metadata"]["namespace"] == cm["metadata"]["namespace"]
        (container,) = d["spec"]["template"]["spec"]["containers"]
        assert container["envFrom"][0]["configMapRef"]["name"] == cm["metadata"]["name"]
    assert cm["data"]["KAFKA_BOOTSTRAP_SERVERS"]


def test_dev_overlay_single_replica_and_generated_secret(rendered):
    docs = rendered["dev"]
    assert all(d["spec"]["replicas"] == 1 for d in deployments_in(docs))
    secrets = [d for d in docs if d["kind"] == "Secret"]
    assert len(secrets) == 1 and "COMPLAINTS_API_KEY" in secrets[0]["data"]
    for d in deployments_in(docs):
        ref = next(e for e in d["spec"]["template"]["spec"]["containers"][0]["env"] if e["name"] == "COMPLAINTS_API_KEY")
        assert ref["valueFrom"]["secretKeyRef"]["name"] == secrets[0]["metadata"]["name"]


def test_prod_overlay_is_redundant_and_has_disruption_budgets(rendered):
    docs = rendered["prod"]
    deps = deployments_in(docs)
    assert all(d["spec"]["replicas"] >= 2 for d in deps)
    assert not [d for d in docs if d["kind"] == "Secret"], "prod Secrets come from the cluster's secret store"
    pdbs = {d["metadata"]["name"]: d for d in docs if d["kind"] == "PodDisruptionBudget"}
    for d in deps:
        labels = d["spec"]["template"]["metadata"]["labels"]
        matching = [
            p for p in pdbs.values()
            if all(labels.get(k) == v for k, v in p["spec"]["selector"]["matchLabels"].items())
        ]
        assert len(matching) == 1, d["metadata"]["name"]
        assert d["spec"]["template"]["spec"].get("topologySpreadConstraints")
    archive = next(d for d in deps if d["metadata"]["name"] == "archive")
    env = {e["name"]: e for e in archive["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["MONGODB_URL"]["valueFrom"]["secretKeyRef"]["name"] == "complaints-mongodb"


# --------------------------------------------------------------------------- AsyncAPI validator
GOOD_ASYNCAPI = """\
asyncapi: 3.0.0
info:
  title: Known-good sample
  version: 0.1.0
defaultContentType: application/json
channels:
  received:
    address: complaints.received.v1
    messages:
      ComplaintReceived:
        $ref: '#/components/messages/ComplaintReceived'
operations:
  publishReceived:
    action: send
    channel:
      $ref: '#/channels/received'
    messages:
      - $ref: '#/channels/received/messages/ComplaintReceived'
components:
  messages:
    ComplaintReceived:
      payload:
        type: object
        required: [id]
        properties:
          id:
            type: string
"""

BAD_ASYNCAPI = """\
asyncapi: 3.0.0
info:
  title: Known-bad sample (no version, wrong type, dangling $ref)
channels:
  received:
    address: 42
operations:
  publishReceived:
    action: send
    channel:
      $ref: '#/channels/doesNotExist'
"""


@needs_node
def test_asyncapi_validator_accepts_known_good_document(tmp_path):
    doc = tmp_path / "good.yaml"
    doc.write_text(GOOD_ASYNCAPI)
    result = validate_asyncapi(doc)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid AsyncAPI 3.0.0" in result.stdout


@needs_node
def test_asyncapi_validator_rejects_known_bad_document(tmp_path):
    doc = tmp_path / "bad.yaml"
    doc.write_text(BAD_ASYNCAPI)
    result = validate_asyncapi(doc)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "INVALID" in result.stdout
    report = json.loads(validate_asyncapi(doc, json_output=True).stdout)
    codes = {d["code"] for d in report[0]["diagnostics"] if d["severity"] == "error"}
    assert "invalid-ref" in codes, codes
    assert report[0]["valid"] is False


@needs_node
def test_asyncapi_validator_reports_missing_file(tmp_path):
    result = validate_asyncapi(tmp_path / "missing.yaml")
    assert result.returncode == 2
