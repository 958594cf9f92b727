"""Update from an e-mail: the one-item page a digest links to, which needs no password.

The link itself is made in the core (``actions.update_links``) so that any e-mail can carry
it; this package serves it, throttles it, and holds the coordinators' switch.
"""
