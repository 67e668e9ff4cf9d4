"""The admin console (/admin): accounts, roles, deactivation, reset links, data requests. Admins only."""
