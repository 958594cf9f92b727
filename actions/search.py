"""The list's text search: what ``q`` finds, on PostgreSQL and on SQLite alike in meaning.

It looks in an item's code, title and description and in every note of its journal,
comments included. The words typed are found as a phrase, the last one also as the start
of a longer word ("referral pathway" finds "referral pathways"), without regard to case.
Items whose code or title has the words come first, then the others; each group in plan
order (a sort the reader chooses wins).

PostgreSQL finds them through their search documents (actions/derived.py) and a GIN index
(migration 0021: the
``pim_search`` configuration drops accents and does not stem, so that Arabic and English
words are matched as written): a single word as a lexeme, several words by their pairs of
neighbours, so that a phrase of common words reads only the items that have it. SQLite,
the embedded mode of a handful of plans, compares the same texts as substrings.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchQueryField
from django.db import connection
from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, QuerySet, Value, When

from .derived import SearchDocument
from .journal import ActionUpdate
from .models import REPORT_ORDER, ActionPoint

CONFIG = "pim_search"
# Letters and digits of any script; everything else (quotes, operators, backslashes) only
# separates words, so nothing typed can make the query invalid.
WORD = re.compile(r"\w+")


def search(queryset: QuerySet, text: str) -> QuerySet:
    """``queryset`` narrowed to the items ``text`` finds, best matches first."""
    text = text.strip()
    if not text:
        return queryset
    # A code as typed ("C-12"): codes are not words, and have no spaces.
    code_like = len(text.split()) == 1
    by_code = Q(code__icontains=text) if code_like else Q(pk__in=[])
    if connection.vendor == "postgresql":
        words = WORD.findall(text.lower())
        found_ids = ActionPoint.objects.filter(by_code).values("pk")
        if len(words) == 1:
            word = SearchQuery(f"'{words[0]}':*", search_type="raw", config=CONFIG)
            found_ids = _documents(word).union(found_ids) if code_like else _documents(word)
        elif words:
            pairs = _documents(WordPairs(words))
            found_ids = pairs.union(found_ids) if code_like else pairs
        # One list of ids, so that each part reads its own index (an OR would read every item).
        found = Q(pk__in=found_ids)
    else:
        # A redacted note's words are gone; so is the placeholder that replaced them.
        unredacted = ActionUpdate.objects.filter(redacted_at__isnull=True)
        noted = unredacted.filter(note__icontains=text).values("action_point")
        found = (
            by_code | Q(title__icontains=text) | Q(description__icontains=text) | Q(pk__in=noted)
        )
    # Titles only: short, where comparing every description found took longer than the
    # search itself (5,000 of them for a common phrase at 100,000 items).
    rank = Case(
        When(Q(code__icontains=text) | Q(title__icontains=text), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    order = list(queryset.query.order_by) or [*REPORT_ORDER]
    return queryset.filter(found).annotate(search_rank=rank).order_by("search_rank", *order)


def _documents(query: Func) -> QuerySet:
    """The items whose search document (actions/derived.py) matches ``query``."""
    return SearchDocument.objects.filter(Matches(query)).values("action_point_id")


class Matches(Func):
    """``document @@ query``."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, query: Func) -> None:
        super().__init__(F("document"), query)


class WordPairs(Func):
    """``pim_search_pairs_query(words)`` (migration 0021): each two neighbouring words as
    the document keeps them, the last as a prefix. Two words side by side are a phrase."""

    function = "pim_search_pairs_query"
    output_field = SearchQueryField()

    def __init__(self, words: list[str]) -> None:
        super().__init__(Value(words))
