"""A simulated device: its configuration database, clock, log, features and sessions."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nos.config.database import ConfigDatabase
from nos.config.render import RenderOptions, curly_lines
from nos.config.store import ConfigStore
from nos.config.tree import Leaf, Node
from nos.runtime.clock import BaseScheduler, format_time
from nos.runtime.eventlog import Event, EventLog
from nos.runtime.features import FeatureRegistry
from nos.runtime.filesystem import DeviceFilesystem, View
from nos.runtime.passwords import sha512_crypt
from nos.schema.model import Schema

DEFAULT_USER = "lab"
DEFAULT_PASSWORD = "lab123"


def default_state_dir(hostname: str) -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "nos" / hostname


def _salt(seed: str) -> str:
    alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(alphabet[b % 64] for b in digest[:16])


def factory_config(hostname: str, user: str = DEFAULT_USER, password: str = DEFAULT_PASSWORD) -> str:
    """The configuration a new device starts with: a host name, root and one super-user login."""
    root_hash = sha512_crypt(password, _salt("root@" + hostname))
    user_hash = sha512_crypt(password, _salt(f"{user}@{hostname}"))
    return f"""system {{
    host-name {hostname};
    root-authentication {{
        encrypted-password "{root_hash}";
    }}
    login {{
        user {user} {{
            uid 2000;
            class super-user;
            authentication {{
                encrypted-password "{user_hash}";
            }}
        }}
    }}
    services {{
        ssh;
        netconf {{
            ssh;
        }}
    }}
}}
"""


class Device:
    def __init__(
        self,
        schema: Schema,
        scheduler: BaseScheduler,
        *,
        hostname: str = "nos",
        state_dir: Path | None = None,
        initial_config: str | None = None,
    ):
        self.schema = schema
        self.scheduler = scheduler
        self.default_hostname = hostname
        self.state_dir = state_dir
        self.log = EventLog()
        self.features = FeatureRegistry()
        self.boot_time = scheduler.epoch()
        self.sessions: dict[int, object] = {}
        self._next_session = 1
        self.listeners: list[Callable[[str], None]] = []
        self.event_listeners: list[Callable[[Event], None]] = []  # the lab's timeline listens here
        # Set by the features installer and the lab (kept untyped: runtime imports neither).
        self.routing: Any = None  # nos.routing.engine.RoutingEngine
        self.dataplane: Any = None  # the device's forwarding (nos.features.dataplane)
        self.rpm: Any = None  # the RPM tests (nos.features.rpm), which ip-monitoring follows
        self.network: Any = None  # what carries the device's own packets (a lab, or none)
        self.lab: Any = None
        self.node_name = hostname  # the device's name in its lab
        self.cabled = False  # in a lab, only linked ports have a link; alone, every port is up
        self.db = ConfigDatabase(
            schema,
            ConfigStore(state_dir),
            scheduler,
            hooks=self.features,
            initial=initial_config if initial_config is not None else factory_config(hostname),
            log=lambda tag, message: self.event("mgd", tag, message),
        )
        self.db.broadcast = self.broadcast
        # The files logins see: `<state-dir>/fs` (beside, never above, the commit store and host keys).
        self.fs = DeviceFilesystem(state_dir / "fs" if state_dir is not None else None, scheduler.epoch, self._views())

    # -- identity -------------------------------------------------------------------------------

    @property
    def hostname(self) -> str:
        system = self.db.active.children.get("system")
        if isinstance(system, Node):
            name = system.children.get("host-name")
            if isinstance(name, Leaf) and isinstance(name.value, str) and name.value:
                return name.value
        return self.default_hostname

    # -- files ------------------------------------------------------------------------------------

    def _messages_view(self, secrets: bool) -> str:
        """/var/log/messages: the lines `show log messages` prints."""
        return "".join(event.syslog(self.hostname) + "\n" for event in self.log.events)

    def _config_view(self, secrets: bool) -> str:
        """/config/juniper.conf.gz: the active configuration as `show configuration` prints it."""
        records = self.db.store.records
        header = [f"## Last commit: {format_time(records[0].time)} by {records[0].user}"] if records else []
        lines = header + curly_lines(self.db.active, RenderOptions(secrets=secrets))
        return "".join(line + "\n" for line in lines)

    def _views(self) -> dict[tuple[str, ...], View]:
        def last_event() -> float:
            return self.log.events[-1].time if self.log.events else self.boot_time

        def last_commit() -> float:
            records = self.db.store.records
            return records[0].time if records else self.boot_time

        return {
            ("var", "log", "messages"): View(self._messages_view, last_event),
            ("config", "juniper.conf.gz"): View(self._config_view, last_commit),
        }

    # -- events -------------------------------------------------------------------------------------

    def event(self, process: str, tag: str, message: str) -> Event:
        """Log an event (syslog form) and tell the listeners (the lab's timeline)."""
        event = self.log.add(self.scheduler.epoch(), process, tag, message)
        for listener in list(self.event_listeners):
            listener(event)
        return event

    # -- sessions ---------------------------------------------------------------------------------

    def new_session_id(self) -> int:
        sid = self._next_session
        self._next_session += 1
        return sid

    def close(self) -> None:
        """Release the state directory (its lock) for another device or process."""
        self.db.store.close()

    def broadcast(self, message: str) -> None:
        """A message to every logged-in session (automatic rollback, logout requests)."""
        for listener in list(self.listeners):
            listener(message)


__all__ = ["DEFAULT_PASSWORD", "DEFAULT_USER", "Device", "default_state_dir", "factory_config"]
