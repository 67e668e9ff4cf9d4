"""Who someone is: accounts and roles, sessions, passwords, tokens, the profile, log in and out.

The bottom domain: it imports no other domain, and announces what others may follow (core/signals.py)."""
