"""Progress counted once, on change, instead of on every page (PostgreSQL).

The dashboard, the plan page and the organisation pages show items per status and overdue
for each area and organisation. At 100,000 items counting them took most of each page's
time, so PostgreSQL keeps the counts in two tables, written by triggers in the same
transaction as the change itself, on every path (the service, the admin, imports, bulk
loads, deletions), and row-locked by the upsert so that concurrent changes add up:

The tables are Django's (actions/derived.py); the triggers are PostgreSQL's:

- ``actions_progress_status``: items per (area, status) and per (organisation led,
  status); the other key is 0.
- ``actions_progress_open_due``: open items per (area, due date) and per (organisation,
  due date), so that "overdue", which moves with the calendar, is the sum of the rows
  before today: a few hundred rows, not the items.

``manage.py recount_progress`` rebuilds both from the items (``pim_recount_progress()``).
SQLite, the embedded mode of a handful of plans, counts on each page instead.
"""

from django.db import migrations, models

OPEN = "('not_started', 'in_progress', 'blocked')"

INDEXES = """
CREATE INDEX progress_status_organization ON actions_progress_status (organization_id)
    WHERE area_id = 0;
CREATE INDEX progress_open_due_organization
    ON actions_progress_open_due (organization_id, due_date) WHERE area_id = 0;
"""

# Row triggers; migration 0024 replaces them with statement triggers and restores these
# when reversed.
ROW_TRIGGERS = f"""
-- One item's part in the counts, added (delta 1) or taken away (-1): its area's rows, and
-- the rows of the organisations leading it now.
CREATE FUNCTION pim_count_item(item_id bigint, area bigint, item_status text, due date,
                               delta integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO actions_progress_status AS c (area_id, organization_id, status, n)
        VALUES (area, 0, item_status, delta)
        ON CONFLICT (area_id, organization_id, status) DO UPDATE SET n = c.n + delta;
    INSERT INTO actions_progress_status AS c (area_id, organization_id, status, n)
        SELECT 0, l.organization_id, item_status, delta
        FROM actions_actionpoint_lead_organizations l WHERE l.actionpoint_id = item_id
        ON CONFLICT (area_id, organization_id, status) DO UPDATE SET n = c.n + delta;
    IF due IS NOT NULL AND item_status IN {OPEN} THEN
        INSERT INTO actions_progress_open_due AS c (area_id, organization_id, due_date, n)
            VALUES (area, 0, due, delta)
            ON CONFLICT (area_id, organization_id, due_date) DO UPDATE SET n = c.n + delta;
        INSERT INTO actions_progress_open_due AS c (area_id, organization_id, due_date, n)
            SELECT 0, l.organization_id, due, delta
            FROM actions_actionpoint_lead_organizations l WHERE l.actionpoint_id = item_id
            ON CONFLICT (area_id, organization_id, due_date) DO UPDATE SET n = c.n + delta;
    END IF;
END $$;

CREATE FUNCTION actionpoint_progress() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pim_count_item(OLD.id, OLD.area_id, OLD.status, OLD.due_date, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM pim_count_item(NEW.id, NEW.area_id, NEW.status, NEW.due_date, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER actionpoint_progress AFTER INSERT OR DELETE ON actions_actionpoint
    FOR EACH ROW EXECUTE FUNCTION actionpoint_progress();
CREATE TRIGGER actionpoint_progress_change
    AFTER UPDATE OF area_id, status, due_date ON actions_actionpoint
    FOR EACH ROW
    WHEN (OLD.area_id IS DISTINCT FROM NEW.area_id OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.due_date IS DISTINCT FROM NEW.due_date)
    EXECUTE FUNCTION actionpoint_progress();

-- A lead added or removed: that organisation's rows, for an item that exists (an item
-- deleted first took its leads' part away itself).
CREATE FUNCTION lead_progress() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    link record;
    delta integer;
    item record;
BEGIN
    IF TG_OP = 'INSERT' THEN link := NEW; delta := 1; ELSE link := OLD; delta := -1; END IF;
    SELECT status, due_date INTO item FROM actions_actionpoint WHERE id = link.actionpoint_id;
    IF NOT FOUND THEN RETURN NULL; END IF;
    INSERT INTO actions_progress_status AS c (area_id, organization_id, status, n)
        VALUES (0, link.organization_id, item.status, delta)
        ON CONFLICT (area_id, organization_id, status) DO UPDATE SET n = c.n + delta;
    IF item.due_date IS NOT NULL AND item.status IN {OPEN} THEN
        INSERT INTO actions_progress_open_due AS c (area_id, organization_id, due_date, n)
            VALUES (0, link.organization_id, item.due_date, delta)
            ON CONFLICT (area_id, organization_id, due_date) DO UPDATE SET n = c.n + delta;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER lead_progress AFTER INSERT OR DELETE ON actions_actionpoint_lead_organizations
    FOR EACH ROW EXECUTE FUNCTION lead_progress();
"""

RECOUNT = f"""
CREATE FUNCTION pim_recount_progress() RETURNS void LANGUAGE sql AS $$
    DELETE FROM actions_progress_status;
    DELETE FROM actions_progress_open_due;
    INSERT INTO actions_progress_status (area_id, organization_id, status, n)
        SELECT area_id, 0, status, count(*) FROM actions_actionpoint GROUP BY 1, 3
        UNION ALL
        SELECT 0, l.organization_id, ap.status, count(*)
        FROM actions_actionpoint_lead_organizations l
        JOIN actions_actionpoint ap ON ap.id = l.actionpoint_id GROUP BY 2, 3;
    INSERT INTO actions_progress_open_due (area_id, organization_id, due_date, n)
        SELECT area_id, 0, due_date, count(*) FROM actions_actionpoint
        WHERE due_date IS NOT NULL AND status IN {OPEN} GROUP BY 1, 3
        UNION ALL
        SELECT 0, l.organization_id, ap.due_date, count(*)
        FROM actions_actionpoint_lead_organizations l
        JOIN actions_actionpoint ap ON ap.id = l.actionpoint_id
        WHERE ap.due_date IS NOT NULL AND ap.status IN {OPEN} GROUP BY 2, 3;
$$;
SELECT pim_recount_progress();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS lead_progress ON actions_actionpoint_lead_organizations;
DROP FUNCTION IF EXISTS lead_progress();
DROP TRIGGER IF EXISTS actionpoint_progress ON actions_actionpoint;
DROP TRIGGER IF EXISTS actionpoint_progress_change ON actions_actionpoint;
DROP FUNCTION IF EXISTS actionpoint_progress();
DROP FUNCTION IF EXISTS pim_count_item(bigint, bigint, text, date, integer);
DROP FUNCTION IF EXISTS pim_recount_progress();
DROP INDEX IF EXISTS progress_status_organization;
DROP INDEX IF EXISTS progress_open_due_organization;
"""


FORWARD = INDEXES + ROW_TRIGGERS + RECOUNT


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0021_full_text_search"),
        ("participants", "0006_organisation_contacts_and_notices"),
    ]

    operations = [
        migrations.CreateModel(
            name='ProgressOpenDueCount',
            fields=[
                ('pk', models.CompositePrimaryKey('area_id', 'organization_id', 'due_date', blank=True, editable=False, primary_key=True, serialize=False)),
                ('area_id', models.BigIntegerField()),
                ('organization_id', models.BigIntegerField()),
                ('due_date', models.DateField()),
                ('n', models.IntegerField()),
            ],
            options={
                'db_table': 'actions_progress_open_due',
            },
        ),
        migrations.CreateModel(
            name='ProgressStatusCount',
            fields=[
                ('pk', models.CompositePrimaryKey('area_id', 'organization_id', 'status', blank=True, editable=False, primary_key=True, serialize=False)),
                ('area_id', models.BigIntegerField()),
                ('organization_id', models.BigIntegerField()),
                ('status', models.CharField(max_length=20)),
                ('n', models.IntegerField()),
            ],
            options={
                'db_table': 'actions_progress_status',
            },
        ),
        migrations.RunPython(forward, backward),
    ]
