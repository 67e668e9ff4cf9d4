"""The instructor workspace: read-only reports, statistics and exports. Nothing imports this package."""
