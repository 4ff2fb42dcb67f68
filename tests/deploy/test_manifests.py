"""The deployment files agree with Kubernetes' schemas and with what the image and the agent really accept.

No cluster and no containerlab can run here, so each manifest is checked offline against what would reject it
first: Kubernetes' own OpenAPI schemas (``kubernetes-validate --strict``, unknown fields included), yamllint, the
real argparse of ``iosxe-agent`` / ``iosxe-agent fleet`` for every command line, and the image's contract (its
name, user, entrypoint and volume) read from the Dockerfile and tools/image/build's naming.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]  # ships no type information
import pytest
import yaml
from yamllint import linter  # type: ignore[import-untyped]  # ships no type information
from yamllint.config import YamlLintConfig  # type: ignore[import-untyped]

from iosxe_agent import main as agent_main
from iosxe_agent.admin_password import PASSWORD_ENV, USER_ENV
from iosxe_agent.device.config_files import read_config_file
from iosxe_agent.device.seed import SeedError, read_seed
from iosxe_agent.fleet import cli as fleet_cli
from iosxe_agent.limits import DEFAULT_LIMITS

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
CONTAINERLAB = DEPLOY / "containerlab" / "iosxe-lab.clab.yml"
#: files in deploy/kubernetes that are Kubernetes objects (kustomization.yaml is kustomize's, not the API's)
OBJECTS = sorted(p for p in KUBERNETES.glob("*.yaml") if p.name != "kustomization.yaml")


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def image_name() -> str:
    """The name tools/image/build gives the image: ``iosxe-agent:<the project's version>``."""
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    return f"iosxe-agent:{version}"


def dockerfile_instructions() -> dict[str, str]:
    """The runtime stage's instructions (the last of each name wins, as in Docker), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text())
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            found[word.upper()] = rest.strip()
    return found


def pod_spec(path: Path) -> dict[str, Any]:
    return load(path)["spec"]["template"]["spec"]


def the_container(path: Path) -> dict[str, Any]:
    (container,) = pod_spec(path)["containers"]
    return container


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def with_option(args: list[str], name: str, value: str) -> list[str]:
    changed = list(args)
    changed[changed.index(name) + 1] = value
    return changed


def mount_of(path: Path, volume: str) -> str:
    (mount,) = [m["mountPath"] for m in the_container(path)["volumeMounts"] if m["name"] == volume]
    return str(mount)


@pytest.mark.parametrize("path", OBJECTS, ids=lambda p: p.name)
def test_every_kubernetes_manifest_passes_the_strict_schema(path: Path) -> None:
    for document in yaml.safe_load_all(path.read_text()):
        kubernetes_validate.validate(document, kubernetes_validate.latest_version(), strict=True)


def test_a_manifest_with_an_unknown_field_is_refused() -> None:
    """The check above can fail: --strict rejects a field Kubernetes does not know (a typo would be ignored)."""
    statefulset = load(KUBERNETES / "statefulset.yaml")
    statefulset["spec"]["template"]["spec"]["containers"][0]["arg"] = ["fleet"]
    with pytest.raises(kubernetes_validate.ValidationError, match="'arg' was unexpected"):
        kubernetes_validate.validate(statefulset, kubernetes_validate.latest_version(), strict=True)


def test_every_deployment_file_is_clean_yaml() -> None:
    config = YamlLintConfig(file=str(DEPLOY / ".yamllint"))
    files = sorted(DEPLOY.rglob("*.yaml")) + sorted(DEPLOY.rglob("*.yml"))
    assert len(files) >= 5
    problems = [
        f"{p.relative_to(REPO)}:{e.line}: {e.message}" for p in files for e in linter.run(p.read_text(), config)
    ]
    assert problems == []


def test_the_statefulset_command_line_is_the_fleet_s_and_pod_k_serves_its_own_shard(tmp_path: Path) -> None:
    path = KUBERNETES / "statefulset.yaml"
    container = the_container(path)
    args = container["args"]
    assert container["image"] == image_name()
    assert args[0] == "fleet" and "--ordinal-from-hostname" in args
    count = int(option(args, "--devices"))
    # The password file as the pod sees it: the Secret's key under the Secret's mount.
    secret = tmp_path / "admin-password"
    secret.write_text("Lab-Pass-1\n")
    argv = with_option(args[1:], "--admin-password-file", str(secret))
    argv = with_option(argv, "--state-dir", str(tmp_path / "state"))
    settings = fleet_cli.parse_args(argv, environ={"HOSTNAME": "iosxe-fleet-2"})
    assert [s.name for s in settings.specs] == [f"R{2 * count + i}" for i in range(1, count + 1)]
    assert {s.host for s in settings.specs} == {"0.0.0.0"}  # the pod's own network namespace: every address
    assert settings.admin_password == "Lab-Pass-1" and settings.ready_file is not None
    # Every shard listens on the same ports; the liveness probe knocks on the first device's NETCONF port.
    assert container["livenessProbe"]["tcpSocket"]["port"] == settings.specs[0].netconf_port
    assert max(s.netconf_port for s in settings.specs) <= 65535


def test_the_statefulset_mounts_what_its_command_line_names() -> None:
    path = KUBERNETES / "statefulset.yaml"
    args = the_container(path)["args"]
    volumes = {v["name"]: v for v in pod_spec(path)["volumes"]}
    password_file = Path(option(args, "--admin-password-file"))
    assert mount_of(path, "admin-password") == str(password_file.parent)
    assert volumes["admin-password"]["secret"]["items"] == [{"key": password_file.name, "path": password_file.name}]
    # state on the pod's own claim, the ready file on a fresh in-memory volume (the root file system is read-only)
    (claim,) = load(path)["spec"]["volumeClaimTemplates"]
    assert Path(option(args, "--state-dir")).is_relative_to(mount_of(path, claim["metadata"]["name"]))
    assert Path(option(args, "--ready-file")).parent == Path(mount_of(path, "run"))
    assert "emptyDir" in volumes["run"]
    probe = " ".join(the_container(path)["readinessProbe"]["exec"]["command"])
    assert option(args, "--ready-file") in probe


def test_the_headless_service_names_the_statefulset_s_pods() -> None:
    statefulset, service = load(KUBERNETES / "statefulset.yaml"), load(KUBERNETES / "service.yaml")
    assert statefulset["spec"]["serviceName"] == service["metadata"]["name"]
    assert service["spec"]["clusterIP"] == "None"
    assert service["spec"]["selector"] == statefulset["spec"]["template"]["metadata"]["labels"]
    assert statefulset["spec"]["selector"]["matchLabels"] == service["spec"]["selector"]


def test_the_kustomization_makes_the_secret_the_pods_mount() -> None:
    kustomization = load(KUBERNETES / "kustomization.yaml")
    for resource in kustomization["resources"]:
        assert (KUBERNETES / resource).is_file(), resource
    (generator,) = kustomization["secretGenerator"]
    volumes = {v["name"]: v for v in pod_spec(KUBERNETES / "statefulset.yaml")["volumes"]}
    secret = volumes["admin-password"]["secret"]
    assert generator["name"] == secret["secretName"]
    assert generator["files"] == [secret["items"][0]["key"]]  # the file's name becomes the Secret's key
    ignored = (REPO / ".gitignore").read_text().splitlines()
    assert f"deploy/kubernetes/{generator['files'][0]}" in ignored  # the password file is never committed


def test_the_deployment_runs_a_loopback_fleet_on_the_host_network(tmp_path: Path) -> None:
    path = KUBERNETES / "deployment.yaml"
    container = the_container(path)
    assert pod_spec(path)["hostNetwork"] is True
    assert container["image"] == image_name()
    args = with_option(container["args"][1:], "--state-dir", str(tmp_path))
    settings = fleet_cli.parse_args(args, environ={PASSWORD_ENV: "Lab-Pass-1"})
    assert {s.host for s in settings.specs} == {"127.0.0.1"}  # the host's network: loopback only
    assert container["readinessProbe"]["tcpSocket"]["port"] == settings.specs[0].netconf_port
    # The same Secret as the StatefulSet's, read from the environment (podman 4.3 plays no secret volumes).
    (env,) = container["env"]
    assert env["name"] == PASSWORD_ENV
    volumes = {v["name"]: v for v in pod_spec(KUBERNETES / "statefulset.yaml")["volumes"]}
    secret = volumes["admin-password"]["secret"]
    assert env["valueFrom"]["secretKeyRef"] == {"name": secret["secretName"], "key": secret["items"][0]["key"]}


def test_the_manifests_run_as_the_image_s_user() -> None:
    user = dockerfile_instructions()["USER"]
    uid, _, gid = user.partition(":")
    for path in (KUBERNETES / "statefulset.yaml", KUBERNETES / "deployment.yaml"):
        context = pod_spec(path)["securityContext"]
        assert (str(context["runAsUser"]), str(context["runAsGroup"]), str(context["fsGroup"])) == (uid, gid, gid)


def test_the_image_s_default_command_parses_and_keeps_state_in_the_volume(monkeypatch: pytest.MonkeyPatch) -> None:
    instructions = dockerfile_instructions()
    assert json.loads(instructions["ENTRYPOINT"]) == ["iosxe-agent"]
    volume = json.loads(instructions["VOLUME"])[0]
    monkeypatch.setenv(PASSWORD_ENV, "Lab-Pass-1")
    settings = agent_main.parse_args(json.loads(instructions["CMD"]))
    assert settings.host == "0.0.0.0" and settings.state_dir == Path(volume)
    assert f"{settings.netconf_port}" in instructions["EXPOSE"].split()
    assert f"{settings.ssh_port}" in instructions["EXPOSE"].split()
    assert f"IOSXE_AGENT_HEALTH_PORT={settings.netconf_port}" in instructions["ENV"]


def clab_nodes() -> dict[str, dict[str, Any]]:
    """Every node of the containerlab topology with the topology's defaults applied (as containerlab does)."""
    topology = load(CONTAINERLAB)["topology"]
    defaults = topology.get("defaults", {})
    return {name: {**defaults, **(node or {})} for name, node in topology["nodes"].items()}


def test_the_containerlab_nodes_are_linux_nodes_of_the_image() -> None:
    nodes = clab_nodes()
    assert len(nodes) >= 2
    for node in nodes.values():
        assert node["kind"] == "linux"
        assert node["image"] == image_name()


@pytest.mark.parametrize("name", sorted(clab_nodes()))
def test_each_containerlab_node_s_command_parses_and_its_startup_config_is_bound_in(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    node = clab_nodes()[name]
    monkeypatch.setenv(PASSWORD_ENV, "Lab-Pass-1")
    settings = agent_main.parse_args(shlex.split(node["cmd"]))
    binds = {inside: outside for outside, inside, *_ in (b.split(":") for b in node["binds"])}
    assert settings.startup_config is not None
    seed = CONTAINERLAB.parent / binds[str(settings.startup_config)]
    assert seed.is_file()
    read_seed(seed, DEFAULT_LIMITS)  # a configuration file the device reads (SeedError otherwise)
    assert read_config_file(seed.read_bytes(), str(seed), None).skipped == ()  # and every line of it applies
    assert f"hostname {name}" in seed.read_text().splitlines()
    # Published ports: the host's loopback only, onto the ports the command line listens on.
    published = {int(p.split(":")[2]): p.split(":")[0] for p in node["ports"]}
    assert published == {settings.ssh_port: "127.0.0.1", settings.netconf_port: "127.0.0.1"}
    if min(published) < 1024:  # the image's user binds a router's ports only with this sysctl
        assert node["sysctls"]["net.ipv4.ip_unprivileged_port_start"] == 0
    # The credential comes from the environment of whoever deploys the lab, never from the file itself.
    assert node["env"][PASSWORD_ENV] == f"${{{PASSWORD_ENV}}}"
    assert set(node["env"]) <= {PASSWORD_ENV, USER_ENV}


def test_the_seed_checks_above_can_fail(tmp_path: Path) -> None:
    """A file that is no configuration is refused; a line with a bad argument is skipped (as a booting IOS box
    skips it), which the manifest test's second check sees."""
    broken = tmp_path / "broken.cfg"
    broken.write_text("<config><native>")
    with pytest.raises(SeedError):
        read_seed(broken, DEFAULT_LIMITS)
    seed = tmp_path / "bad.cfg"
    seed.write_text("hostname r9\nip ssh time-out 999\n")
    assert read_config_file(seed.read_bytes(), str(seed), None).skipped != ()
