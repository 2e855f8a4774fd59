"""The RPCs a NETCONF session answers, by element name, one module per area.

A handler gets the session and the operation element, and returns the
elements of the reply (none: `<ok/>`) or raises `RpcFailed`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from nos.net.netconf.rpcs import command, config, files, system

if TYPE_CHECKING:
    from nos.net.netconf.session import NetconfSession

Handler = Callable[["NetconfSession", ET.Element], Awaitable[list[ET.Element]]]

HANDLERS: dict[str, Handler] = {**system.HANDLERS, **command.HANDLERS, **config.HANDLERS, **files.HANDLERS}

__all__ = ["HANDLERS", "Handler"]
