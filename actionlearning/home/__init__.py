"""Home: each role's first page, and the health check. The pages only gather what other areas
answer (programmes, scheduling, journal, evaluation), so this package holds no queries."""
