"""Fault injection on PostgreSQL: a crashed database, a killed task worker."""
