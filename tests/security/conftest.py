"""Devices served over SSH (tests/served.py) for the attacks that come through real SSH clients."""

from served import serve, ssh_device  # noqa: F401  (fixtures)
