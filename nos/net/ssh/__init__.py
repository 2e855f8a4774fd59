"""SSH access to devices (server.py), with host keys kept once made (hostkeys.py)."""

from __future__ import annotations

from pathlib import Path

from nos.net.ssh.hostkeys import default_key_dir
from nos.net.ssh.server import Endpoint, SshService
from nos.runtime.accounts import LAB_PASSWORD, LAB_USER, accounts, authenticate


def lab_service(devices: list[tuple[str, object]], first_port: int, state_dir: Path | None) -> SshService:
    """Serve devices on consecutive ports from `first_port`, in the order given (0: free ports)."""
    endpoints = [
        Endpoint(device, first_port + i if first_port else 0, name=name) for i, (name, device) in enumerate(devices)
    ]  # type: ignore[arg-type]
    return SshService(endpoints, state_dir / "ssh" if state_dir is not None else default_key_dir())


def access_table(service: SshService) -> list[str]:
    """The start-up table: where each device listens and who may log in."""
    rows = [("Device", "Address", "Log in with")]
    # Whether the lab password opens a lab user's passwords, by those passwords: devices that start
    # from the factory configuration share one hash, so a lab of them pays one crypt, not one each.
    opens: dict[tuple[str | None, tuple[str, ...]], bool] = {}
    for e in service.endpoints:
        root = e.device.db.active_expanded
        users = accounts(root)
        lab = users.get(LAB_USER)
        known = (lab.lab_password, lab.password_hashes) if lab is not None else None
        if known is not None and known not in opens:
            opens[known] = authenticate(root, LAB_USER, LAB_PASSWORD) is not None
        if known is not None and opens[known]:
            login = f"ssh -p {e.port} {LAB_USER}@{e.host}  (password {LAB_PASSWORD})"
        else:
            names = ", ".join(sorted(u for u in users if u != "root")) or "root"
            login = f"ssh -p {e.port} USER@{e.host}  (users: {names})"
        rows.append((e.name or e.device.hostname, f"{e.host}:{e.port}", login))
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    return [f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]}" for r in rows]


__all__ = ["Endpoint", "SshService", "access_table", "lab_service"]
