"""Data responsibility: redacting journal notes and the "Data we hold" page."""
