"""The feature registry: how commits and commands reach the features without `config` or `cli` importing them.

A feature offers `verify(new)` (extra commit checks on the expanded
configuration) and `apply(old, new)` (reconfigure its runtime, touching only
what changed). The registry runs every feature's verify before any apply.
Features also register operational commands by the action names the grammar
gives them; the CLI runs those with a `CommandContext`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.runtime.interrupt import Interrupts


class Feature(Protocol):
    name: str

    def verify(self, new: Node) -> list[CheckError]: ...

    def apply(self, old: Node, new: Node) -> None: ...


@dataclass
class CommandContext:
    """What a feature's command handler gets: the device, the parsed arguments, a way to print as it goes."""

    device: Any
    args: dict[str, object]
    user: str
    write: Callable[[str], None] = print  # a line of output now (ping replies as they arrive)
    extra: dict[str, object] = field(default_factory=dict)
    interrupts: Interrupts = field(default_factory=Interrupts)  # Ctrl-C: register how to stop gracefully
    interactive: bool = False  # a person at a terminal (ping without a count runs until Ctrl-C)

    def arg(self, name: str, default: str | None = None) -> str | None:
        v = self.args.get(name, default)
        return v if isinstance(v, str) or v is None else default

    def has(self, name: str) -> bool:
        return bool(self.args.get(name))


CommandHandler = Callable[[CommandContext], Awaitable[Any]]  # lines, a Structured answer, or None


@dataclass(frozen=True)
class RpcSpec:
    """A command's Junos RPC: NETCONF clients call it by name with the command's arguments as
    elements (`<get-route-information><table>ISP1</table><detail/></get-route-information>`)."""

    name: str
    action: str
    words: tuple[str, ...]  # the command spelled out, as the login class judges it
    args: dict[str, str] = field(default_factory=dict)  # RPC argument -> the command's, where they differ


class FeatureRegistry:
    def __init__(self) -> None:
        self.features: list[Feature] = []
        self.commands: dict[str, CommandHandler] = {}
        self.rpcs: dict[str, RpcSpec] = {}  # RPC name -> the command NETCONF runs for it (the first registered)
        self.rpc_of: dict[str, RpcSpec] = {}  # command action -> its RPC (several commands may share one)

    def register(self, feature: Feature) -> None:
        self.features.append(feature)

    def command(self, action: str, handler: CommandHandler, rpc: RpcSpec | None = None) -> None:
        self.commands[action] = handler
        if rpc is not None:
            self.rpcs.setdefault(rpc.name, rpc)
            self.rpc_of[action] = rpc

    def verify(self, new: Node) -> list[CheckError]:
        errors: list[CheckError] = []
        for feature in self.features:
            errors.extend(feature.verify(new))
        return errors

    def apply(self, old: Node, new: Node) -> None:
        for feature in self.features:
            feature.apply(old, new)
