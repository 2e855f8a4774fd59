"""A simulated device: its configuration database, clock, log, features and sessions."""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from nos.config.database import ConfigDatabase
from nos.config.render import RenderOptions, curly_lines
from nos.config.store import ConfigStore
from nos.config.tree import ConfigTree, Leaf, Node
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


@functools.lru_cache(maxsize=8)
def factory_hash(account: str, password: str) -> str:
    """The factory configuration's hash of `password` for `account`.

    Salted by the account alone, so every device of a process shares it and it
    is made once: sha512-crypt takes milliseconds, which a lab of a thousand
    devices would otherwise pay twice per device."""
    return sha512_crypt(password, _salt(account + "@nos-factory"))


def factory_config(hostname: str, user: str = DEFAULT_USER, password: str = DEFAULT_PASSWORD) -> str:
    """The configuration a new device starts with: a host name, root and one super-user login."""
    root_hash = factory_hash("root", password)
    user_hash = factory_hash(user, password)
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


class ConfigRejected(Exception):
    """The configuration a device was started with failed its commit (the lines say why, as `commit` does)."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


class Device:
    """A device. A new one (its state directory holds no commits) starts from `initial_config`
    (curly text), else from the factory configuration; with `factory=False` it starts empty and
    uncommitted, for a caller that has the configuration to start with (`start_with`).

    `durable=False` is for throwaway state (a lab's temporary folder): commits skip fsync."""

    def __init__(
        self,
        schema: Schema,
        scheduler: BaseScheduler,
        *,
        hostname: str = "nos",
        state_dir: Path | None = None,
        initial_config: str | None = None,
        factory: bool = True,
        durable: bool = True,
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
        # The on-box event policies (nos.features.events), asked before an event is logged: False
        # drops it (a policy's `ignore`: not logged, nobody told).
        self.event_policies: Callable[[Event], bool] | None = None
        # Set by the features installer and the lab (kept untyped: runtime imports neither).
        self.routing: Any = None  # nos.routing.engine.RoutingEngine
        self.dataplane: Any = None  # the device's forwarding (nos.features.dataplane)
        self.rpm: Any = None  # the RPM tests (nos.features.rpm), which ip-monitoring follows
        self.bgp: Any = None  # BGP sessions and their routes (nos.features.bgp)
        self.network: Any = None  # what carries the device's own packets (a lab, or none)
        self.lab: Any = None
        self.node_name = hostname  # the device's name in its lab
        self.cabled = False  # in a lab, only linked ports have a link; alone, every port is up
        self.platform = "srx"  # srx: flow mode (zones, policies, sessions, NAT); router: packet mode (lab file)
        if initial_config is None and factory:
            initial_config = factory_config(hostname)
        self.db = ConfigDatabase(
            schema,
            ConfigStore(state_dir, durable=durable),
            scheduler,
            hooks=self.features,
            initial=initial_config,
            log=lambda tag, message: self.event("mgd", tag, message),
        )
        self.db.broadcast = self.broadcast
        # The files logins see: `<state-dir>/fs` (beside, never above, the commit store and host keys).
        self.fs = DeviceFilesystem(state_dir / "fs" if state_dir is not None else None, scheduler.epoch, self._views())

    def start_with(self, config: ConfigTree, comment: str) -> None:
        """Make `config` (the file a lab or `nos cli --config` names) the active configuration.

        Called once the features are installed, so it is checked and applied like
        any commit, by root. A device made with `factory=False` gets it as its
        one and only commit; one whose state directory already holds commits
        gets it on top, when it differs. Raises ConfigRejected."""
        if self.db.store.records and not self.db.changed(config):
            return
        result = self.db.commit(config, "root", client="other", comment=comment)
        if not result.ok:
            raise ConfigRejected(result.lines)

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

    def event(self, process: str, tag: str, message: str, attributes: Mapping[str, str] | None = None) -> Event:
        """Log an event (syslog form) and tell the listeners (the lab's timeline); the event
        policies see it first and may keep it out of the log."""
        event = Event(self.scheduler.epoch(), process, tag, message, attributes or {})
        if self.event_policies is not None and not self.event_policies(event):
            return event
        self.log.append(event)
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


__all__ = [
    "DEFAULT_PASSWORD",
    "DEFAULT_USER",
    "ConfigRejected",
    "Device",
    "default_state_dir",
    "factory_config",
    "factory_hash",
]
