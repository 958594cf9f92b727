"""Saved views: a person keeps filters of the action point list under a name ("My views")."""
