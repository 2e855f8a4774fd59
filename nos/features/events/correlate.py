"""Which policies an event triggers: trigger events, `within` windows, counts and attribute matches.

The rules (Juniper's "Use Correlated Events to Trigger an Event Policy" and
"Trigger an Event Policy Based on Event Count"; [G] where the reference is silent):

- a policy is considered for an event named in its `events`;
- `within S events [X]`: some X was logged at most S seconds before the trigger
  (before it: the trigger itself does not count, an earlier event of its own
  name does); `within S not events [X]`: no X was;
- `within S trigger on|after|until N` counts the policy's trigger events logged
  in the last S seconds, this one included: `on N` runs the policy when the count
  is N, `after N` when it is N + 1, `until N` while it is below N. Only events
  that pass the policy's `matches` conditions on themselves count ("matching
  events");
- `attributes-match` conditions name events: the trigger itself when it has that
  name; another of the policy's trigger events does not apply (its conditions are
  for when it triggers) [G]; any other name means the events of that name logged
  within the policy's longest `within` window, one of which must satisfy the
  condition. `matches` is a case-insensitive POSIX extended search; `equals` and
  `starts-with` compare with another event's attribute;
- policies are evaluated in configuration order; one whose actions `ignore` the
  event ends the evaluation (no later policy runs) and keeps it out of the log.

Only the events some policy may look back at are remembered, and only for as long
as the longest window needs.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from nos.features.events.config import Condition, PolicySpec
from nos.runtime.eventlog import Event
from nos.runtime.patterns import UserRegex

_VARIABLE = re.compile(r"\{\$(\$|\*|[^.{}\s]+)\.([^{}\s]+)\}")
KEEP = 1000  # events of one name remembered at most


@dataclass
class _Compiled:
    spec: PolicySpec
    patterns: dict[Condition, UserRegex] = field(default_factory=dict)
    counted: deque[float] = field(default_factory=deque)  # times of matching trigger events

    @property
    def count_window(self) -> int:
        return max((w.seconds for w in self.spec.withins if w.trigger is not None), default=0)


@dataclass
class Decision:
    """What one event did: the policies it triggers (in order) and whether it is still logged."""

    fired: list[PolicySpec] = field(default_factory=list)
    logged: bool = True


class Correlator:
    """The event history the policies look back at, and the verdict of each policy on each event."""

    def __init__(self) -> None:
        self._policies: list[_Compiled] = []
        self._history: dict[str, deque[Event]] = {}  # lowercase name -> its recent events, oldest first
        self._watched: set[str] = set()
        self._horizon = 0  # seconds the longest window looks back

    # -- configuration --------------------------------------------------------------------------------

    def configure(self, policies: Iterable[PolicySpec]) -> None:
        """Take the policies of a commit; one that did not change keeps its count of trigger events."""
        before = {c.spec: c for c in self._policies}
        self._policies = [before.get(spec) or self._compile(spec) for spec in policies]
        self._watched = set()
        for c in self._policies:
            spec = c.spec
            for w in spec.withins:
                self._watched.update(w.events + w.not_events)
            for cond in spec.conditions:
                self._watched.update(n for n in (cond.event, cond.other_event) if n and n not in spec.events)
            commands = (spec.change.commands if spec.change else ()) + (spec.execute.commands if spec.execute else ())
            for command in commands:  # `{$NAME.attribute}`: the latest NAME event is looked up
                self._watched.update(m.group(1).lower() for m in _VARIABLE.finditer(command))
        self._horizon = max((c.spec.window for c in self._policies), default=0)
        for name in list(self._history):
            if name not in self._watched:
                del self._history[name]

    @staticmethod
    def _compile(spec: PolicySpec) -> _Compiled:
        return _Compiled(spec, {c: c.pattern() for c in spec.conditions if c.operator == "matches"})

    @property
    def policies(self) -> list[PolicySpec]:
        return [c.spec for c in self._policies]

    # -- events ----------------------------------------------------------------------------------------

    def offer(self, event: Event, skip: frozenset[str] = frozenset()) -> Decision:
        """Evaluate every policy (but those in `skip`) on `event`, then remember it."""
        decision = Decision()
        name = event.tag.lower()
        for c in self._policies:
            spec = c.spec
            if spec.name in skip or name not in spec.events:
                continue
            if self._fires(c, event, name):
                decision.fired.append(spec)
                if spec.ignore:
                    decision.logged = False
                    break
        if name in self._watched:
            kept = self._history.setdefault(name, deque(maxlen=KEEP))
            kept.append(event)
            while len(kept) > 1 and kept[0].time < event.time - self._horizon:  # the latest stays: `{$NAME.x}`
                kept.popleft()
        return decision

    def _fires(self, c: _Compiled, event: Event, name: str) -> bool:
        spec = c.spec
        now = event.time
        own = [cond for cond in spec.conditions if cond.event == name and cond.operator == "matches"]
        if not all(self._holds(c, cond, event, name) for cond in own):
            return False  # not a matching event: not counted either
        counted = c.counted
        counted.append(now)
        while counted and counted[0] < now - c.count_window:
            counted.popleft()
        for w in spec.withins:
            since = now - w.seconds
            if w.events and not any(self._recent(x, since) for x in w.events):
                return False
            if w.not_events and any(self._recent(x, since) for x in w.not_events):
                return False
            if w.trigger is not None:
                how, n = w.trigger
                count = sum(1 for t in counted if t >= since)
                if not (count == n if how == "on" else count == n + 1 if how == "after" else count < n):
                    return False
        rest = [cond for cond in spec.conditions if cond not in own]
        return all(self._holds(c, cond, event, name) for cond in rest)

    def _recent(self, name: str, since: float) -> list[Event]:
        """The events of `name` logged at or after `since`, newest first."""
        return [e for e in reversed(self._history.get(name, ())) if e.time >= since]

    def _candidates(self, spec: PolicySpec, name: str, event: Event, trigger: str) -> list[Event] | None:
        """The events a condition's `name` stands for (None: the condition does not apply)."""
        if name == trigger:
            return [event]
        if name in spec.events:
            return None
        return self._recent(name, event.time - spec.window) if spec.window else []

    def _holds(self, c: _Compiled, cond: Condition, event: Event, trigger: str) -> bool:
        spec = c.spec
        left = self._candidates(spec, cond.event, event, trigger)
        if left is None:
            return True
        values = [e.attributes.get(cond.attribute) for e in left]
        present = [v for v in values if v is not None]
        if cond.operator == "matches":
            pattern = c.patterns[cond]
            return any(pattern.search(v) for v in present)
        if cond.other_event is None:
            others = [cond.text]
        else:
            right = self._candidates(spec, cond.other_event, event, trigger)
            if right is None:
                return True
            others = [v for e in right if (v := e.attributes.get(cond.other_attribute or "")) is not None]
        if cond.operator == "equals":
            return any(v == o for v in present for o in others)
        return any(v.startswith(o) for v in present for o in others)

    # -- command variables -------------------------------------------------------------------------------

    def substitute(self, command: str, spec: PolicySpec, event: Event) -> str:
        """`{$$.attr}` (the trigger), `{$NAME.attr}` (the latest NAME event) and `{$*.attr}` (the
        latest of the policy's correlated events) in a command, as the policy fires."""

        def value(m: re.Match[str]) -> str:
            who, attribute = m.group(1), m.group(2)
            if who == "$":
                source: Event | None = event
            elif who == "*":
                names = {x for w in spec.withins for x in w.events}
                latest = [e for n in names for e in self._history.get(n, ())]
                source = max(latest, key=lambda e: e.time, default=None)
            elif who.lower() == event.tag.lower():
                source = event
            else:
                kept = self._history.get(who.lower())
                source = kept[-1] if kept else None
            return source.attributes.get(attribute, "") if source is not None else ""

        return _VARIABLE.sub(value, command)


__all__ = ["KEEP", "Correlator", "Decision"]
