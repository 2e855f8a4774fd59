"""NETCONF tests reuse the SSH tests' served devices (`ssh_device`, `serve`) and their `Shell` client."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SSH_TESTS = Path(__file__).resolve().parent.parent / "ssh"
sys.path.insert(0, str(SSH_TESTS))  # sshclient.Shell

# Loaded under a name of its own: every test folder has a module called `conftest`.
_spec = importlib.util.spec_from_file_location("ssh_served", SSH_TESTS / "conftest.py")
assert _spec is not None and _spec.loader is not None
ssh_served = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ssh_served)

ssh_device = ssh_served.ssh_device
serve = ssh_served.serve


def _import_ncclient() -> None:
    """Import ncclient with tests/ off the path: there `import ssh` finds the tests/ssh folder (as a
    namespace package), and ncclient takes that for ssh-python and fails to import its libssh transport."""
    tests = SSH_TESTS.parent
    saved = sys.path[:]
    sys.path[:] = [p for p in sys.path if not p or Path(p).resolve() != tests]
    if "ssh" in sys.modules and getattr(sys.modules["ssh"], "__file__", None) is None:
        del sys.modules["ssh"]
    try:
        import ncclient.manager  # noqa: F401
    finally:
        sys.path[:] = saved


_import_ncclient()
