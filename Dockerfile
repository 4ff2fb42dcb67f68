# The iosxe-agent image: one simulated IOS XE 17.12 router (or a fleet) per container.
#
# Built by tools/image/build, which makes the Debian base image from Debian's archive and puts the wheels of the
# project and its dependencies in the build context: no image registry and no network are needed while building
# (`docker build --network none`). See docs/deploy.md.
ARG BASE=iosxe-agent-base:bookworm

FROM ${BASE} AS install
# The label lets tools/image/build prune this stage's untagged images (and the image a rebuild replaced).
LABEL io.github.iosxe-agent.image=1
COPY wheels/ /wheels/
RUN python3 -m venv /opt/iosxe-agent \
 && /opt/iosxe-agent/bin/pip install --no-index --no-cache-dir --disable-pip-version-check --find-links /wheels \
      iosxe-agent

# The runtime stage holds the venv but not the wheels it was installed from.
FROM ${BASE}
LABEL io.github.iosxe-agent.image=1 org.opencontainers.image.title=iosxe-agent
COPY --from=install /opt/iosxe-agent /opt/iosxe-agent
# A fixed non-root uid, so a Kubernetes securityContext (runAsUser/fsGroup) can name it.
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /var/lib/iosxe-agent iosxe \
 && install -d -m 0700 -o iosxe -g iosxe /var/lib/iosxe-agent
# XDG_STATE_HOME=/var/lib puts the default state directory (`$XDG_STATE_HOME/iosxe-agent`) in the volume, even
# when a user replaces the command. IOSXE_AGENT_HEALTH_PORT is the NETCONF port the health check knocks on.
ENV PATH=/opt/iosxe-agent/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PYTHONUNBUFFERED=1 \
    XDG_STATE_HOME=/var/lib \
    IOSXE_AGENT_HEALTH_HOST=127.0.0.1 \
    IOSXE_AGENT_HEALTH_PORT=8830
USER 10001:10001
WORKDIR /var/lib/iosxe-agent
VOLUME ["/var/lib/iosxe-agent"]
# Unprivileged ports inside (the agent's own defaults): publish them as the router's ports, -p 830:8830 -p 22:8022.
EXPOSE 8830 8022
# Healthy while the NETCONF port accepts a connection (a TCP connect: no login, nothing in the device's log).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python3", "-c", "import os, socket; socket.create_connection((os.environ['IOSXE_AGENT_HEALTH_HOST'], int(os.environ['IOSXE_AGENT_HEALTH_PORT'])), 2).close()"]
ENTRYPOINT ["iosxe-agent"]
# In its own network namespace the container must listen on every address to be reachable at all; tests that use
# the host's network pass --host 127.0.0.1 (and their own ports) instead.
CMD ["--host", "0.0.0.0", "--state-dir", "/var/lib/iosxe-agent"]
