"""Staying current after the pass: validity, spaced refreshers, lapses and renewals (issue 23).

In the learning layer, beside `learning/` (which keeps lessons, the dashboard and the certificate): a pass
is where this package starts, and the certificate is what it keeps true. Refreshers are quiz-like (served
snapshots, the question types' grading) but they live here rather than in `quizzes/`: they never count
toward a pass, follow their own review policy (feedback at once, always), and their answers decide whether
a module stays current, which is the certificate's business, above the quiz layer.

- `schedule.py` (PURE): when each objective is due (FSRS), and which questions a refresher draws.
- `policy.py` (PURE): the staying-current rule, the windows, and the certificate's status.
- `models.py`: the schedule, refreshers and their answers, and each module's certification period.
- `standing.py`: what a pass, a lapse and a renewal change, and the sweep that records them.
- `refreshers.py` and `views.py`: a refresher, question by question, with immediate feedback.
- `retention.py`: the share of refresher answers right by days since the pass.
"""
