"""The "event or mere mention" decision: a transparent weighted score over a few general signals.

Every place mention that meets an incident trigger is scored by the signals that fire for it; it
becomes an event when the sum reaches THRESHOLD. The table is the whole decision: no phrase has
its own code path. Each event keeps the human-readable list of its signals (the output column
``why``), so an analyst can judge a dot.

Weights were set by hand, on the repository's own annotated fixtures (tests/fixtures/articles) and
on ../shared/realdev, the development set: nothing is fitted, but the realdev scores are development
scores (rules were written while reading its errors), not held-out ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: signal -> (weight, how the popup says it). Scope signals say where the trigger is relative to the place.
WEIGHTS: dict[str, tuple[float, str]] = {
    # where the incident word is
    "trigger_clause": (1.0, "incident word {0!r} in the same clause"),
    "trigger_sentence": (0.8, "incident word {0!r} in the same sentence"),
    "trigger_item": (0.9, "incident word {0!r} in the same short item"),
    "trigger_text": (0.9, "incident word {0!r} in a one-incident text"),
    "trigger_bare": (0.9, "a one-incident text (analyst item, caption) that names no incident word"),
    # how the place is used
    "role_target": (1.5, "place is the target"),
    "role_locative": (1.2, "place in locative role"),
    "role_rel": (1.0, "place given as a direction from it"),
    "role_ref": (1.0, "place is a reference point of an approximate place"),
    "role_affiliation": (1.0, "place named by an affiliation (its mayor, residents)"),
    "role_facility": (1.2, "a facility of the place is where it happened"),
    "role_list": (1.2, "place in a list whose role is locative/target"),
    "role_heading": (1.1, "place heads a short item or headline"),
    "nationwide": (1.2, "a nationwide total ({0!r}): a country-level event"),
    "role_none": (0.0, "no governing word"),
    # against
    "affiliation_no_victim": (-2.0, "affiliation without harm to people"),
    "titled_speaker": (-2.0, "a speaker's title, not a victim"),
    "purpose_clause": (-2.0, "place inside a purpose clause"),
    "campaign_start": (-2.0, "start of an ongoing campaign"),
    "region_weak_trigger": (-2.0, "region with only a campaign or casualty word"),
    "background_date": (-2.0, "the clause's date is background (weeks before publication)"),
    "caption": (-0.1, "photo caption"),
}

THRESHOLD = 2.0


@dataclass
class Score:
    """Signals that fired for one place mention, with their arguments for the explanation."""
    fired: list[tuple[str, tuple]] = field(default_factory=list)

    def add(self, name: str, *args) -> Score:
        if name not in WEIGHTS:
            raise KeyError(f"unknown signal {name!r}")
        self.fired.append((name, args))
        return self

    @property
    def total(self) -> float:
        return sum(WEIGHTS[n][0] for n, _ in self.fired)

    @property
    def passes(self) -> bool:
        return self.total >= THRESHOLD - 1e-9

    def why(self) -> str:
        """Human-readable: the signals with their weights, e.g. "incident word 'shelled' in the same clause (+1.0)"."""
        parts = []
        for n, args in self.fired:
            w, text = WEIGHTS[n]
            if w == 0:
                continue
            try:
                s = text.format(*args)
            except (IndexError, KeyError):
                s = text
            parts.append(f"{s} ({w:+.1f})")
        return "; ".join(parts) + f" = {self.total:.1f}"
