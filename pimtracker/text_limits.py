"""How long a text a person may type: one rule for models, forms and imports.

A description or a note is a few paragraphs. Without a limit a 2.4 MB description was
accepted, stored twice (the item and its journal) and sent in every digest; with one, a
text that long gets a clear form error and changes nothing.
"""

from typing import Any

from django.core.validators import MaxLengthValidator

# Descriptions, learning outcomes, glossary definitions, journal entries.
TEXT_MAX_LENGTH = 10_000


def bounded(max_length: int = TEXT_MAX_LENGTH) -> dict[str, Any]:
    """Options for a model TextField: ``max_length`` gives forms their limit (and the
    textarea its maxlength); the validator holds the services' ``full_clean`` to it too."""
    return {"max_length": max_length, "validators": [MaxLengthValidator(max_length)]}
