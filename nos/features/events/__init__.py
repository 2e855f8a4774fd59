"""event-options (eventd): on-box event policies that act on logged events, on the device's clock.

The policies' runtime is service.py; which policies an event triggers, correlate.py;
what they do, actions.py. They add no command of their own: what they do shows in
`show system commit`, `show log messages` and the files they write (`file list`).
"""

from __future__ import annotations

from nos.features.events.service import EventPolicies

__all__ = ["EventPolicies"]
