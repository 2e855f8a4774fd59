"""NETCONF tests use the same served devices as the SSH tests (tests/served.py)."""

from served import serve, ssh_device  # noqa: F401  (fixtures)
