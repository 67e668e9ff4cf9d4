"""Data rights: a person's own data as JSON, and erasure (by the person or an admin)."""
