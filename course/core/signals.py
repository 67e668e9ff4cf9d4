"""Domain events that services announce, for whoever listens (the metrics, a domain higher up).

Services stay free of Flask, of monitoring and of the domains above them: they only say what happened."""

from __future__ import annotations

from blinker import Namespace

_events = Namespace()

#: sender: the module slug; sent once a new attempt is committed (not when an open one is resumed)
attempt_started = _events.signal("attempt-started")
#: sender: the module slug; keyword `passed`; sent once per attempt, after its grade is committed
attempt_submitted = _events.signal("attempt-submitted")
#: sender: the QuizAttempt, graded and flushed; keyword `now`; sent inside the transaction, before its commit,
#: so what a listener queues (a statement for the LRS, a score for the LMS) is committed with the grade or
#: not at all
attempt_graded = _events.signal("attempt-graded")
#: sender: the User; keywords `old`, `new`, `now`; sent inside the transaction, before its commit, so a
#: listener's changes (the certificate's holder name) are committed with the new name or not at all
display_name_changing = _events.signal("display-name-changing")
#: sender: the module slug; keywords `user_id`, `now`, `objectives` ((objective, score) per question of the
#: passing attempt) and `catalog`; sent inside the transaction of every passing
#: attempt, before its commit, so what a pass starts (the refresher schedule, a renewal) is committed with it
module_passed = _events.signal("module-passed")
