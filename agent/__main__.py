"""``python -m agent`` runs the agent like the ``iosxe-agent`` console script."""

from agent.main import main

main()
