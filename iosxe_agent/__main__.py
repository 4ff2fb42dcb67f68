"""``python -m iosxe_agent`` runs the agent like the ``iosxe-agent`` console script."""

from iosxe_agent.main import main

main()
