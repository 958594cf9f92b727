"""Full-text search on PostgreSQL (actions/search.py; README, "Searching").

Each action point has a row in ``actions_search_document``: its code and title (weight A),
description (B) and every journal note, comments included (C), and every pair of
neighbouring words (for phrases of common words), in the ``pim_search`` configuration:
PostgreSQL's ``simple`` (no stemming, so English and Arabic words alike are matched as
written) with ``unaccent`` first. Triggers write it on every path, the bulk ones included:
on the item's own insert or change of code, title or description, and once per statement
after journal rows are added, redacted or removed; the item's deletion takes it along. A
GIN index serves the search. A table of its own (actions/derived.py), not a column of the
items: at 1.2 kB a row it would have made the item table three times as long to read.

SQLite leaves the table empty and searches with a plain scan. The backward step leaves the unaccent extension
installed: dropping it is a database administrator's decision.
"""

import django.contrib.postgres.search
from django.db import migrations, models

FORWARD = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION pim_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION pim_search
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, simple;

-- Every two words that follow each other, as one lexeme "_first_second" (without a
-- position): a phrase of common words ("referral pathway", each in most items) is then
-- found through the index by its pairs instead of by checking every item that has both.
-- The leading "_" keeps a word searched for as a prefix ('pathway':*) from matching them.
CREATE FUNCTION pim_search_pairs(doc tsvector) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_to_tsvector(array_agg(DISTINCT '_' || a.lexeme || '_' || b.lexeme)), '')
    FROM (SELECT u.lexeme, unnest(u.positions) AS pos FROM unnest(doc) AS u) AS a
    JOIN (SELECT u.lexeme, unnest(u.positions) AS pos FROM unnest(doc) AS u) AS b
        ON b.pos = a.pos + 1
$$;

-- The pairs of the words searched for, as the document spells them (lower case, no
-- accents); the last word may be the start of a longer one.
CREATE FUNCTION pim_search_pairs_query(words text[]) RETURNS tsquery LANGUAGE sql STABLE AS $$
    SELECT string_agg(
        quote_literal('_' || unaccent(lower(words[i])) || '_' || unaccent(lower(words[i + 1])))
            || CASE WHEN i = array_length(words, 1) - 1 THEN ':*' ELSE '' END,
        ' & ')::tsquery
    FROM generate_series(1, array_length(words, 1) - 1) AS i
$$;

CREATE FUNCTION pim_search_document(item_id bigint, code text, title text, description text)
RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT words || pim_search_pairs(words) FROM (SELECT
        setweight(to_tsvector('pim_search', coalesce(code, '') || ' ' || coalesce(title, '')), 'A')
        || setweight(to_tsvector('pim_search', coalesce(description, '')), 'B')
        || setweight(to_tsvector('pim_search', coalesce(
            (SELECT string_agg(u.note, ' ' ORDER BY u.id)
             FROM actions_actionupdate u
             WHERE u.action_point_id = item_id AND u.redacted_at IS NULL), '')), 'C')
        AS words) AS document
$$;

CREATE FUNCTION actionpoint_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO actions_search_document (action_point_id, document)
        VALUES (NEW.id, pim_search_document(NEW.id, NEW.code, NEW.title, NEW.description))
        ON CONFLICT (action_point_id) DO UPDATE SET document = excluded.document;
    RETURN NULL;
END $$;
CREATE TRIGGER actionpoint_search_document
    AFTER INSERT OR UPDATE OF code, title, description ON actions_actionpoint
    FOR EACH ROW EXECUTE FUNCTION actionpoint_search_document();
CREATE FUNCTION actionpoint_search_document_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM actions_search_document WHERE action_point_id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER actionpoint_search_document_gone AFTER DELETE ON actions_actionpoint
    FOR EACH ROW EXECUTE FUNCTION actionpoint_search_document_gone();

-- Once per statement, over the items its journal rows belong to: an import or a sample
-- removal writes thousands of rows in one statement.
CREATE FUNCTION actionupdate_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE actions_search_document d
    SET document = pim_search_document(ap.id, ap.code, ap.title, ap.description)
    FROM actions_actionpoint ap
    WHERE ap.id = d.action_point_id
      AND ap.id IN (SELECT action_point_id FROM changed_journal);
    RETURN NULL;
END $$;
CREATE TRIGGER actionupdate_search_document_insert
    AFTER INSERT ON actions_actionupdate REFERENCING NEW TABLE AS changed_journal
    FOR EACH STATEMENT EXECUTE FUNCTION actionupdate_search_document();
CREATE TRIGGER actionupdate_search_document_update
    AFTER UPDATE ON actions_actionupdate REFERENCING NEW TABLE AS changed_journal
    FOR EACH STATEMENT EXECUTE FUNCTION actionupdate_search_document();
CREATE TRIGGER actionupdate_search_document_delete
    AFTER DELETE ON actions_actionupdate REFERENCING OLD TABLE AS changed_journal
    FOR EACH STATEMENT EXECUTE FUNCTION actionupdate_search_document();

INSERT INTO actions_search_document (action_point_id, document)
    SELECT id, pim_search_document(id, code, title, description) FROM actions_actionpoint;
CREATE INDEX search_document_words ON actions_search_document USING gin (document);
"""

BACKWARD = """
DROP TRIGGER IF EXISTS actionupdate_search_document_insert ON actions_actionupdate;
DROP TRIGGER IF EXISTS actionupdate_search_document_update ON actions_actionupdate;
DROP TRIGGER IF EXISTS actionupdate_search_document_delete ON actions_actionupdate;
DROP FUNCTION IF EXISTS actionupdate_search_document();
DROP TRIGGER IF EXISTS actionpoint_search_document ON actions_actionpoint;
DROP FUNCTION IF EXISTS actionpoint_search_document();
DROP TRIGGER IF EXISTS actionpoint_search_document_gone ON actions_actionpoint;
DROP FUNCTION IF EXISTS actionpoint_search_document_gone();
DROP INDEX IF EXISTS search_document_words;
DROP FUNCTION IF EXISTS pim_search_document(bigint, text, text, text);
DROP FUNCTION IF EXISTS pim_search_pairs_query(text[]);
DROP FUNCTION IF EXISTS pim_search_pairs(tsvector);
DROP TEXT SEARCH CONFIGURATION IF EXISTS pim_search;
"""


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0020_text_limits_of_meetings_links_and_report_text"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("action_point_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={"db_table": "actions_search_document"},
        ),
        migrations.RunPython(forward, backward),
    ]
