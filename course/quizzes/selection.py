"""Which questions a new attempt draws. PURE: standard library only.

Retakes should teach, not repeat: questions missed last time come first, then the ones this trainee
has seen least (Moodle's least-used-first), with random tie-breaks; a question is never drawn twice in
one attempt. The drawn questions are then shuffled, so the served order says nothing about priority.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence


def draw(
    pool: Sequence[str],
    count: int,
    rng: random.Random,
    seen: Counter[str] | None = None,
    missed_last_time: Iterable[str] = (),
) -> list[str]:
    seen = seen or Counter()
    missed = set(missed_last_time)
    ranked = sorted(pool, key=lambda qid: (qid not in missed, seen[qid], rng.random()))
    chosen = ranked[: min(count, len(pool))]
    rng.shuffle(chosen)
    return chosen
