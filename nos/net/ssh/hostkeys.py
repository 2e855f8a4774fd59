"""The SSH host key: made once, then kept, so clients' known_hosts entries stay valid."""

from __future__ import annotations

import os
from pathlib import Path

import asyncssh

KEY_FILE = "ssh_host_ed25519_key"


def default_key_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "nos" / "ssh"


def load_or_create(directory: Path) -> asyncssh.SSHKey:
    """The host key kept in `directory`, generated (mode 0600) the first time."""
    path = directory / KEY_FILE
    if path.exists():
        return asyncssh.read_private_key(str(path))
    directory.mkdir(parents=True, exist_ok=True)
    key = asyncssh.generate_private_key("ssh-ed25519")
    temp = path.with_suffix(".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key.export_private_key())
    os.replace(temp, path)  # two servers starting at once both end with a whole key file
    return key


__all__ = ["default_key_dir", "load_or_create"]
