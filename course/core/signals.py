"""Domain events that services announce after they commit, for whoever listens (the metrics).

Services stay free of Flask and of monitoring: they only say what happened."""

from __future__ import annotations

from blinker import Namespace

_events = Namespace()

#: sender: the module slug; sent once a new attempt is committed (not when an open one is resumed)
attempt_started = _events.signal("attempt-started")
#: sender: the module slug; keyword `passed`; sent once per attempt, after its grade is committed
attempt_submitted = _events.signal("attempt-submitted")
