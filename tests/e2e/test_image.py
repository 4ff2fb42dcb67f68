"""The container image, built and run for real: Docker (a private daemon) and podman's ``kube play``.

No image registry is reachable, so ``tools/image/build`` makes everything from Debian's archive and wheels built
on the host; the test runs exactly that script against a Docker daemon of its own (``--bridge=none
--iptables=false``: nothing on the host's network changes), runs the image with the host's network on loopback
and talks to it with real clients (ncclient, asyncssh), then plays ``deploy/kubernetes/deployment.yaml`` under
podman. Everything it starts (daemon, containers, storage, mounts) is stopped and removed at the end.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh
import pytest
import yaml
from agents import ADMIN_PASSWORD, ADMIN_USER
from fleets import free_port_run
from ncclient import manager  # type: ignore[import-untyped]  # ships no type information

from iosxe_agent.admin_password import PASSWORD_ENV
from iosxe_agent.fleet.endpoints import Endpoint, Ready

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "tools" / "image" / "build"
DEPLOYMENT = REPO / "deploy" / "kubernetes" / "deployment.yaml"
STATEFULSET = REPO / "deploy" / "kubernetes" / "statefulset.yaml"
#: bounds of every wait (seconds): the daemon's start, a build from nothing (mmdebstrap included), a container's
#: start to its ready line, one container command, and how fast SIGTERM must stop a container
DAEMON_START_S = 60
BUILD_S = 900
READY_S = 120
COMMAND_S = 180
STOP_S = 5.0
READY_LINE = r"iosxe-agent: ready: (\{.*\})"


class Lines:
    """What a child process prints, read by a thread, so that a test waits on a line instead of sleeping."""

    def __init__(self, argv: Sequence[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str]:
        """The first line matching ``pattern``; fails with everything printed so far after ``timeout``."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen = 0
        with self._changed:
            while True:
                for line in self.lines[seen:]:
                    if match := regex.search(line):
                        return match
                seen = len(self.lines)
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and seen == len(self.lines)):
                    raise AssertionError(f"no line like {pattern!r}; printed:\n" + "".join(self.lines[-40:]))
                self._changed.wait(min(left, 1.0))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@dataclass
class Engine:
    """A container command line (docker or podman) bound to this test's own daemon or storage."""

    argv: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)

    def __call__(self, *args: str, stdin: int | None = None, extra_env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            [*self.argv, *args],
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=COMMAND_S,
            env={**self.env, **(extra_env or {})},
        )
        assert result.returncode == 0, f"{' '.join(args[:3])}: {result.stderr}"
        return result.stdout

    def follow(self, *args: str) -> Lines:
        return Lines([*self.argv, *args], self.env)


def unmount_under(root: Path) -> None:
    """Unmount what a daemon left mounted below ``root`` (its network namespace file, overlay layers), deepest
    first: a removal would otherwise fail on them or, worse, reach through them."""
    mounts = [line.split()[4] for line in Path("/proc/self/mountinfo").read_text().splitlines()]
    for point in sorted((m for m in mounts if Path(m).is_relative_to(root)), key=len, reverse=True):
        subprocess.run(["umount", "--lazy", point], check=False, capture_output=True)


def missing_tools(*names: str) -> list[str]:
    return [name for name in names if shutil.which(name) is None]


@pytest.fixture(scope="module")
def docker() -> Iterator[Engine]:
    """A Docker daemon of this module's own, in a temporary directory, removed with everything it made."""
    missing = missing_tools("dockerd", "docker", "mmdebstrap")
    if missing:
        pytest.skip(
            f"{', '.join(missing)} not installed (tools/test-all installs them: "
            "apt-get install --no-install-recommends docker.io mmdebstrap)"
        )
    if os.geteuid() != 0:
        pytest.skip("a private dockerd needs root")
    root = Path(tempfile.mkdtemp(prefix="iosxe-docker-"))  # short: the socket's path must fit in sun_path
    socket_path = root / "docker.sock"
    daemon = Lines(
        ["dockerd", "--bridge=none", "--iptables=false", "--data-root", str(root / "data"),
         "--exec-root", str(root / "exec"), "--pidfile", str(root / "dockerd.pid"), "-H", f"unix://{socket_path}"],
        dict(os.environ),
    )  # fmt: skip
    engine = Engine(("docker",), {**os.environ, "DOCKER_HOST": f"unix://{socket_path}"})
    try:
        daemon.wait_for(r"API listen on", DAEMON_START_S)
        yield engine
    finally:
        if daemon.proc.poll() is None:
            leftover = engine("ps", "--all", "--quiet").split()
            if leftover:
                engine("rm", "--force", *leftover)
        daemon.stop()
        unmount_under(root)
        shutil.rmtree(root)


@pytest.fixture(scope="module")
def image(docker: Engine) -> str:
    """The image tools/image/build makes (the base image included: the daemon starts empty)."""
    started = time.monotonic()
    result = subprocess.run([str(BUILD)], capture_output=True, text=True, timeout=BUILD_S, env=docker.env)
    assert result.returncode == 0, result.stderr
    name = result.stdout.split()[-1]
    size = int(docker("image", "inspect", "--format", "{{.Size}}", name))
    print(f"\nimage {name}: built from nothing in {time.monotonic() - started:.1f} s, {size / 1e6:.0f} MB")
    return name


def netconf_hostname(endpoint: Endpoint) -> str:
    """The device's hostname read over NETCONF (ncclient: hello, then get-config of running)."""
    with manager.connect(
        host="127.0.0.1", port=endpoint.netconf_port, username=ADMIN_USER, password=ADMIN_PASSWORD,
        hostkey_verify=False, look_for_keys=False, allow_agent=False, timeout=30,
    ) as m:  # fmt: skip
        assert "urn:ietf:params:netconf:base:1.1" in m.server_capabilities
        reply = m.get_config(
            "running",
            filter=("subtree", '<native xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-native"><hostname/></native>'),
        )
    match = re.search(r"<(?:\w+:)?hostname>([^<]+)<", reply.data_xml)
    assert match is not None, reply.data_xml
    return match.group(1)


def show_version(endpoint: Endpoint) -> str:
    """``show version`` over the device's SSH port (asyncssh exec request), as an automation tool sends it."""

    async def run() -> str:
        async with asyncssh.connect(
            "127.0.0.1", endpoint.ssh_port, username=ADMIN_USER, password=ADMIN_PASSWORD, known_hosts=None
        ) as conn:
            return str((await conn.run("show version", timeout=30, check=True)).stdout)

    return asyncio.run(run())


def stop_quickly(engine: Engine, name: str) -> float:
    """``stop`` the container (SIGTERM, SIGKILL after 10 s) and return how long it took; it must exit 0."""
    started = time.monotonic()
    engine("stop", "--time", "10", name)
    took = time.monotonic() - started
    assert engine("inspect", "--format", "{{.State.ExitCode}}", name).strip() == "0"
    return took


def test_the_image_serves_one_device_is_healthy_and_stops_on_sigterm(docker: Engine, image: str) -> None:
    base = free_port_run(2)
    name = "iosxe-single"
    health = docker.follow("events", "--filter", f"container={name}", "--filter", "event=health_status")
    try:
        started = time.monotonic()
        docker(
            "run", "--detach", "--name", name, "--network", "host", "--env", PASSWORD_ENV,
            "--env", f"IOSXE_AGENT_HEALTH_PORT={base + 1}", "--health-interval", "1s",
            image, "--host", "127.0.0.1", "--ssh-port", str(base), "--netconf-port", str(base + 1),
            "--admin-user", ADMIN_USER, "--state-dir", "/var/lib/iosxe-agent",
            extra_env={PASSWORD_ENV: ADMIN_PASSWORD},  # `--env NAME` passes it on: never on a command line
        )  # fmt: skip
        logs = docker.follow("logs", "--follow", name)
        ready = Ready.loads(logs.wait_for(READY_LINE, READY_S).group(1))
        print(f"\nimage start to ready line: {time.monotonic() - started:.2f} s")
        (endpoint,) = ready.endpoints
        assert (endpoint.ssh_port, endpoint.netconf_port) == (base, base + 1)
        assert netconf_hostname(endpoint) == "Router"
        assert "Cisco IOS XE Software, Version 17.12" in show_version(endpoint)
        health.wait_for(r"health_status: healthy", 30)
        # non-root, and the state in the volume, private to the agent's user
        assert docker("exec", name, "stat", "--format", "%u %a", "/var/lib/iosxe-agent").split() == ["10001", "700"]
        took = stop_quickly(docker, name)
        print(f"docker stop: {took:.2f} s")
        assert took < STOP_S
    finally:
        health.stop()
        docker("rm", "--force", "--volumes", name)


def test_a_statefulset_pod_serves_its_shard(docker: Engine, image: str, tmp_path: Path) -> None:
    """The StatefulSet's container as Kubernetes would run it: its command line (on loopback, 3 devices, free
    ports), pod hostname ``iosxe-fleet-2``, read-only root, the Secret as a 0440 file of the pod's group, the
    ready file on an in-memory volume, no capabilities; then its readiness probe, run inside the container."""
    statefulset = yaml.safe_load(STATEFULSET.read_text())
    pod = statefulset["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    user, group = pod["securityContext"]["runAsUser"], pod["securityContext"]["fsGroup"]
    devices = 3
    base = free_port_run(2 * devices)
    args = list(container["args"])
    for option, value in (("--devices", devices), ("--host", "127.0.0.1"), ("--port-base", base)):
        args[args.index(option) + 1] = str(value)
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    secret_dir = tmp_path / "secret"
    secret_dir.mkdir()
    password_file = secret_dir / Path(args[args.index("--admin-password-file") + 1]).name
    password_file.write_text(f"{ADMIN_PASSWORD}\n")
    os.chown(password_file, 0, group)
    password_file.chmod(0o440)
    name, hostname = "iosxe-shard", f"{statefulset['metadata']['name']}-2"  # pod 2 of the StatefulSet
    try:
        docker(
            "run", "--detach", "--name", name, "--network", "host", "--hostname", hostname,
            "--user", f"{user}:{group}", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "--tmpfs", f"{mounts['run']}:uid={user},gid={group},mode=0700",
            "--volume", f"{secret_dir}:{mounts['admin-password']}:ro", image, *args,
        )  # fmt: skip
        ready = Ready.loads(docker.follow("logs", "--follow", name).wait_for(READY_LINE, READY_S).group(1))
        assert [e.name for e in ready.endpoints] == [f"R{2 * devices + i}" for i in range(1, devices + 1)]
        for endpoint in ready.endpoints:
            assert netconf_hostname(endpoint) == endpoint.name
            assert "Cisco IOS XE Software, Version 17.12" in show_version(endpoint)
        docker("exec", name, *container["readinessProbe"]["exec"]["command"])  # fails the test if the probe fails
        assert stop_quickly(docker, name) < STOP_S
    finally:
        docker("rm", "--force", "--volumes", name)


@pytest.fixture(scope="module")
def podman() -> Iterator[Engine]:
    """podman with storage, run and temporary directories of its own, removed with everything it made."""
    missing = missing_tools("podman", "catatonit")
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (tools/test-all installs them)")
    root = Path(tempfile.mkdtemp(prefix="iosxe-podman-"))
    conf = root / "containers.conf"
    # Its default rlimits cannot be set without CAP_SYS_RESOURCE; logs to files podman logs can follow.
    conf.write_text(
        '[containers]\ndefault_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]\nlog_driver = "k8s-file"\n'
        '[engine]\nevents_logger = "file"\n'
    )
    engine = Engine(
        ("podman", "--root", str(root / "storage"), "--runroot", str(root / "run"), "--tmpdir", str(root / "tmp"),
         "--cgroup-manager", "cgroupfs"),
        {**os.environ, "CONTAINERS_CONF": str(conf)},
    )  # fmt: skip
    try:
        yield engine
    finally:
        for cleanup in (("pod", "rm", "--all", "--force"), ("rmi", "--all", "--force"), ("secret", "rm", "--all")):
            subprocess.run([*engine.argv, *cleanup], capture_output=True, timeout=COMMAND_S, env=engine.env)
        unmount_under(root)
        shutil.rmtree(root)


def test_podman_plays_the_deployment(docker: Engine, image: str, podman: Engine, tmp_path: Path) -> None:
    with subprocess.Popen([*docker.argv, "save", image], stdout=subprocess.PIPE, env=docker.env) as saved:
        podman("load", "--quiet", stdin=saved.stdout.fileno() if saved.stdout else None)
    assert saved.returncode == 0
    deployment = yaml.safe_load(DEPLOYMENT.read_text())
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    args = container["args"]
    devices = int(args[args.index("--devices") + 1])
    base = free_port_run(2 * devices)
    args[args.index("--port-base") + 1] = str(base)  # the manifest as written, on ports free on this machine
    container["readinessProbe"]["tcpSocket"]["port"] = base + 1
    manifest = tmp_path / "deployment.yaml"
    manifest.write_text(yaml.safe_dump(deployment))
    # podman 4.3 keeps a Kubernetes Secret as a podman secret: JSON of base64 values by key.
    secret_ref = container["env"][0]["valueFrom"]["secretKeyRef"]
    secret = tmp_path / "secret.json"
    secret.touch(mode=0o600)
    secret.write_text(json.dumps({secret_ref["key"]: base64.b64encode(ADMIN_PASSWORD.encode()).decode()}))
    podman("secret", "create", secret_ref["name"], str(secret))
    secret.unlink()
    podman("kube", "play", str(manifest))
    try:
        name = f"{deployment['metadata']['name']}-pod-0-{container['name']}"
        ready = Ready.loads(podman.follow("logs", "--follow", name).wait_for(READY_LINE, READY_S).group(1))
        assert len(ready.endpoints) == devices
        first = ready.endpoints[0]
        assert (first.host, first.netconf_port) == ("127.0.0.1", base + 1)
        assert netconf_hostname(first) == first.name
    finally:
        podman("kube", "down", str(manifest))
