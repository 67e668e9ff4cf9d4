"""Who is in which cohort: cohorts and join codes, registration with a code, and invitations."""
