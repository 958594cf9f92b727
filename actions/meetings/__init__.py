"""Meetings that follow the plan up: who met, what they discussed and decided, and the
journal rows their decisions produced."""
