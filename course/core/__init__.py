"""App-wide subsystems without pages, each with its own init_app or command: the catalog, the database,
mail, signals, logs, metrics, health checks and backups. Imports only the wiring and the pure content."""
