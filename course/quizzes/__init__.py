"""Quiz attempts: the draw, serving, saving, grading, review, retake rules and instructor overrides."""
