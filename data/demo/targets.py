"""How much of each a generated district holds: the demo's published counts, or K times them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Targets:
    communities: int = 200
    compounds: int = 690
    business_communities: int = 30
    buildings: int = 621  # business buildings (楼宇), published: 621 in 30 business communities

    def scaled(self, k: int) -> Targets:
        return Targets(
            *(
                v * k
                for v in (
                    self.communities,
                    self.compounds,
                    self.business_communities,
                    self.buildings,
                )
            )
        )
