"""Progress counts kept once per statement, and search documents only for real changes.

Migration 0022's row triggers upserted the count rows once per item changed. A 20,000-row
import updates the same few count rows 20,000 times in one transaction, and each update
of a row already updated by the same transaction must walk every version made before it,
so the import slowed with the square of its size (4,000 rows 9 s, 20,000 rows 231 s).
Statement triggers with transition tables add up each statement's items first and
upsert each count row once, in key order (two writers lock rows in the same order).

The search document (migration 0021) was recomputed whenever an ``UPDATE`` named the code,
title or description, as every bulk update does, changed or not: now only when one of
them differs.
"""

import importlib

from django.db import migrations

OPEN = "('not_started', 'in_progress', 'blocked')"

FORWARD = f"""
DROP TRIGGER actionpoint_progress ON actions_actionpoint;
DROP TRIGGER actionpoint_progress_change ON actions_actionpoint;
DROP FUNCTION actionpoint_progress();
DROP TRIGGER lead_progress ON actions_actionpoint_lead_organizations;
DROP FUNCTION lead_progress();
DROP FUNCTION pim_count_item(bigint, bigint, text, date, integer);

-- One count row's change; organisation 0 for an area's row, area 0 for an organisation's.
CREATE TYPE pim_count_delta AS
    (area_id bigint, organization_id bigint, status text, due_date date, delta integer);

CREATE FUNCTION pim_add_counts(deltas pim_count_delta[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO actions_progress_status AS c (area_id, organization_id, status, n)
        SELECT area_id, organization_id, status, sum(delta) FROM unnest(deltas)
        GROUP BY 1, 2, 3 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (area_id, organization_id, status) DO UPDATE SET n = c.n + excluded.n;
    INSERT INTO actions_progress_open_due AS c (area_id, organization_id, due_date, n)
        SELECT area_id, organization_id, due_date, sum(delta) FROM unnest(deltas)
        WHERE due_date IS NOT NULL AND status IN {OPEN}
        GROUP BY 1, 2, 3 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (area_id, organization_id, due_date) DO UPDATE SET n = c.n + excluded.n;
$$;

-- One item's part in the counts: its area's row and the rows of the organisations
-- leading it now.
CREATE FUNCTION pim_item_deltas(item_id bigint, area bigint, item_status text, due date,
                                delta integer) RETURNS SETOF pim_count_delta
LANGUAGE sql STABLE AS $$
    SELECT area, 0::bigint, item_status, due, delta
    UNION ALL
    SELECT 0, l.organization_id, item_status, due, delta
    FROM actions_actionpoint_lead_organizations l WHERE l.actionpoint_id = item_id
$$;

CREATE FUNCTION actionpoint_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pim_add_counts(ARRAY(
        SELECT d FROM new_items i,
            LATERAL pim_item_deltas(i.id, i.area_id, i.status, i.due_date, 1) d));
    RETURN NULL;
END $$;
CREATE TRIGGER actionpoint_counts_insert AFTER INSERT ON actions_actionpoint
    REFERENCING NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION actionpoint_counts_insert();

CREATE FUNCTION actionpoint_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pim_add_counts(ARRAY(
        SELECT d FROM old_items i,
            LATERAL pim_item_deltas(i.id, i.area_id, i.status, i.due_date, -1) d));
    RETURN NULL;
END $$;
CREATE TRIGGER actionpoint_counts_delete AFTER DELETE ON actions_actionpoint
    REFERENCING OLD TABLE AS old_items
    FOR EACH STATEMENT EXECUTE FUNCTION actionpoint_counts_delete();

-- Only the items whose area, status or due date changed count.
CREATE FUNCTION actionpoint_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pim_add_counts(ARRAY(
        WITH moved AS (
            SELECT o.id, o.area_id AS old_area, o.status AS old_status,
                   o.due_date AS old_due, n.area_id, n.status, n.due_date
            FROM old_items o JOIN new_items n ON n.id = o.id
            WHERE (o.area_id, o.status, o.due_date)
                IS DISTINCT FROM (n.area_id, n.status, n.due_date))
        SELECT d FROM moved m,
            LATERAL pim_item_deltas(m.id, m.old_area, m.old_status, m.old_due, -1) d
        UNION ALL
        SELECT d FROM moved m,
            LATERAL pim_item_deltas(m.id, m.area_id, m.status, m.due_date, 1) d));
    RETURN NULL;
END $$;
CREATE TRIGGER actionpoint_counts_update AFTER UPDATE ON actions_actionpoint
    REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION actionpoint_counts_update();

-- A lead added or removed: that organisation's rows, for an item that exists (an item
-- deleted first took its leads' part away itself).
CREATE FUNCTION lead_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pim_add_counts(ARRAY(
            SELECT ROW(0, l.organization_id, ap.status, ap.due_date, -1)::pim_count_delta
            FROM old_links l JOIN actions_actionpoint ap ON ap.id = l.actionpoint_id));
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM pim_add_counts(ARRAY(
            SELECT ROW(0, l.organization_id, ap.status, ap.due_date, 1)::pim_count_delta
            FROM new_links l JOIN actions_actionpoint ap ON ap.id = l.actionpoint_id));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER lead_counts_insert AFTER INSERT ON actions_actionpoint_lead_organizations
    REFERENCING NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION lead_counts();
CREATE TRIGGER lead_counts_update AFTER UPDATE ON actions_actionpoint_lead_organizations
    REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION lead_counts();
CREATE TRIGGER lead_counts_delete AFTER DELETE ON actions_actionpoint_lead_organizations
    REFERENCING OLD TABLE AS old_links
    FOR EACH STATEMENT EXECUTE FUNCTION lead_counts();

DROP TRIGGER actionpoint_search_document ON actions_actionpoint;
CREATE TRIGGER actionpoint_search_document AFTER INSERT ON actions_actionpoint
    FOR EACH ROW EXECUTE FUNCTION actionpoint_search_document();
CREATE TRIGGER actionpoint_search_document_change
    AFTER UPDATE OF code, title, description ON actions_actionpoint
    FOR EACH ROW
    WHEN ((OLD.code, OLD.title, OLD.description)
          IS DISTINCT FROM (NEW.code, NEW.title, NEW.description))
    EXECUTE FUNCTION actionpoint_search_document();

SELECT pim_recount_progress();
"""

BACKWARD = """
DROP TRIGGER actionpoint_search_document_change ON actions_actionpoint;
DROP TRIGGER actionpoint_search_document ON actions_actionpoint;
CREATE TRIGGER actionpoint_search_document
    AFTER INSERT OR UPDATE OF code, title, description ON actions_actionpoint
    FOR EACH ROW EXECUTE FUNCTION actionpoint_search_document();

DROP TRIGGER lead_counts_insert ON actions_actionpoint_lead_organizations;
DROP TRIGGER lead_counts_update ON actions_actionpoint_lead_organizations;
DROP TRIGGER lead_counts_delete ON actions_actionpoint_lead_organizations;
DROP FUNCTION lead_counts();
DROP TRIGGER actionpoint_counts_insert ON actions_actionpoint;
DROP TRIGGER actionpoint_counts_delete ON actions_actionpoint;
DROP TRIGGER actionpoint_counts_update ON actions_actionpoint;
DROP FUNCTION actionpoint_counts_insert();
DROP FUNCTION actionpoint_counts_delete();
DROP FUNCTION actionpoint_counts_update();
DROP FUNCTION pim_item_deltas(bigint, bigint, text, date, integer);
DROP FUNCTION pim_add_counts(pim_count_delta[]);
DROP TYPE pim_count_delta;
"""


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)
        counts = importlib.import_module("actions.migrations.0022_progress_counts")
        schema_editor.execute(counts.ROW_TRIGGERS, params=None)
        schema_editor.execute("SELECT pim_recount_progress();", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0023_pending_imports_in_the_database"),
    ]

    operations = [migrations.RunPython(forward, backward)]
