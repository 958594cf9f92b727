"""The calendar feed: a person's open items with due dates, as an iCalendar file that
calendar programs subscribe to with a secret address instead of a password."""
