"""The feature registry: how a commit reaches the features without `config` importing them.

A feature offers `verify(new)` (extra commit checks on the expanded
configuration) and `apply(old, new)` (reconfigure its runtime, touching only
what changed). The registry runs every feature's verify before any apply.
"""

from __future__ import annotations

from typing import Protocol

from nos.config.tree import Node
from nos.config.validate import CheckError


class Feature(Protocol):
    name: str

    def verify(self, new: Node) -> list[CheckError]: ...

    def apply(self, old: Node, new: Node) -> None: ...


class FeatureRegistry:
    def __init__(self) -> None:
        self.features: list[Feature] = []

    def register(self, feature: Feature) -> None:
        self.features.append(feature)

    def verify(self, new: Node) -> list[CheckError]:
        errors: list[CheckError] = []
        for feature in self.features:
            errors.extend(feature.verify(new))
        return errors

    def apply(self, old: Node, new: Node) -> None:
        for feature in self.features:
            feature.apply(old, new)
