"""Per-worker stores of answers that depend only on their input (links, verified session cookies, signed
CSRF tokens). Each is bounded: a full store starts again empty, which costs a few answers worked out
again and never a wrong one."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any


def keep(store: dict, key: Hashable, value: Any, limit: int) -> None:
    if len(store) >= limit:
        store.clear()
    store[key] = value
