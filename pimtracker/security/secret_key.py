"""The start guard's test of a SECRET_KEY, the same as ``check --deploy`` (security.W009)."""

# Django's own rule (django/core/checks/security/base.py): fewer than 50 characters, fewer
# than 5 different ones, or the prefix startproject gives to its throw-away keys.
MIN_LENGTH = 50
MIN_UNIQUE_CHARACTERS = 5
INSECURE_PREFIX = "django-insecure-"


def is_weak(key: str) -> bool:
    return (
        len(key) < MIN_LENGTH
        or len(set(key)) < MIN_UNIQUE_CHARACTERS
        or key.startswith(INSECURE_PREFIX)
    )
