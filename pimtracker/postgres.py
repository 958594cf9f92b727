"""How the site's PostgreSQL sessions are set (``DATABASES`` in settings), in one place that
``bench/explain.py`` reads too, so that its plans are the ones the pages get."""

SESSION_SETTINGS = {
    # No JIT compilation: the pages' queries take milliseconds, and compiling one that the
    # planner thinks large (a window over 100,000 items) took 60 ms more than running it.
    "jit": "off",
    # Random reads priced as on an SSD with the tables in memory, as PostgreSQL's manual
    # suggests for such servers: at the default (4) PostgreSQL read every item to find a
    # partner's 4,300 of 100,000 rather than fetch them by key (55 ms against 26 ms).
    "random_page_cost": "1.1",
    # Joins in the order written beyond six tables: the detail page's item and the API's
    # rows join eight (the item, its plan, area, parent, forum, meeting...), one row each
    # by key, and PostgreSQL spent 2 to 6 ms trying every order of eight against 0.1 ms
    # running the one it chose (the API list's rows 9.0 to 2.8 ms, the item 3.3 to 1.4 ms).
    # Queries of six tables or fewer, all the others, are planned as before.
    "join_collapse_limit": "6",
}


# Django's OPTIONS for psycopg: parameters sent apart from the statement (server-side
# binding), so that the same statement has the same text whatever its values, and psycopg
# prepares a statement once its connection has run it five times (psycopg's own default,
# which Django turns off unless asked). PostgreSQL then plans it with its values for five
# more runs and keeps a generic plan if that costs no more. Tried on skewed data (an
# organisation leading 3 items against one leading 3,867, a status of 9 items against
# 40,098, a phrase found nowhere): no page got slower than planned afresh.
PREPARED_STATEMENTS = {"server_side_binding": True, "prepare_threshold": 5}


def connection_options() -> str:
    """``SESSION_SETTINGS`` as libpq's ``options``: ``-c name=value`` each."""
    return " ".join(f"-c {name}={value}" for name, value in SESSION_SETTINGS.items())
