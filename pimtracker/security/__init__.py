"""Security that every feature leans on: session lifetimes, the secret-key guard, the
security log, names that never fall back to an address, and sign-in throttles.

A Django app of its own (label ``security``) rather than a feature of ``actions/``: the
exports, the API tokens and the people pages all write to the security log, and a feature
package may not import another one (tests/test_architecture.py). Features import this
package; it imports none of them.
"""
