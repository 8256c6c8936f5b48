-- Cases and their events by month (migration 0027). A month is the district's: it begins at
-- midnight of the 1st in Asia/Shanghai. cases_YYYY_MM holds the cases reported in it and
-- case_events_YYYY_MM their events, whenever those happened, so a month is archived whole
-- (geo/cases/partitions.py). There is no default partition: a row whose month has no partition is
-- refused, and the writer makes the month (ensure_case_months) and writes again.
-- Repeatable definitions (geo/definitions.py).

CREATE OR REPLACE FUNCTION case_month(t timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
SELECT date_trunc('month', t AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'
$$;

-- The month named YYYY_MM (a partition's suffix): where it begins and where it ends.
CREATE OR REPLACE FUNCTION case_month_range(suffix text, OUT lo timestamptz, OUT hi timestamptz)
LANGUAGE sql STABLE AS $$
SELECT case_month(t), case_month(case_month(t) + interval '32 days')
FROM (SELECT (to_date(suffix, 'YYYY_MM') + 14)::timestamp AT TIME ZONE 'Asia/Shanghai' AS t) mid
$$;

-- The months from lo's to hi's that have no partition yet get one, for cases and for
-- case_events; returns how many months were made. Each month is made as a table of the
-- parent's shape and then attached: ATTACH takes SHARE UPDATE EXCLUSIVE on the parent, which
-- lets readers and writers of other months go on (CREATE … PARTITION OF would take ACCESS
-- EXCLUSIVE, and deadlock two intakes that each read cases before making the month). Two
-- writers making the same month queue on that lock; the second finds it made.
CREATE OR REPLACE FUNCTION ensure_case_months(lo timestamptz, hi timestamptz)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    m timestamptz := case_month(lo);
    nxt timestamptz;
    suffix text;
    made integer := 0;
    locked boolean := false;
BEGIN
    WHILE m <= hi LOOP
        nxt := case_month(m + interval '32 days');
        suffix := to_char(m AT TIME ZONE 'Asia/Shanghai', 'YYYY_MM');
        IF to_regclass('public.cases_' || suffix) IS NULL
           OR to_regclass('public.case_events_' || suffix) IS NULL THEN
            IF NOT locked THEN  -- then look again: another writer may have made it
                LOCK TABLE cases, case_events IN SHARE UPDATE EXCLUSIVE MODE;
                locked := true;
                CONTINUE;
            END IF;
            IF to_regclass('public.cases_' || suffix) IS NULL THEN
                EXECUTE format('CREATE TABLE public.%I (LIKE public.cases INCLUDING DEFAULTS '
                               'INCLUDING CONSTRAINTS INCLUDING STORAGE)', 'cases_' || suffix);
                EXECUTE format('ALTER TABLE public.cases ATTACH PARTITION public.%I '
                               'FOR VALUES FROM (%L) TO (%L)', 'cases_' || suffix, m, nxt);
                made := made + 1;
            END IF;
            IF to_regclass('public.case_events_' || suffix) IS NULL THEN
                EXECUTE format('CREATE TABLE public.%I (LIKE public.case_events INCLUDING '
                               'DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)',
                               'case_events_' || suffix);
                EXECUTE format('ALTER TABLE public.case_events ATTACH PARTITION public.%I '
                               'FOR VALUES FROM (%L) TO (%L)', 'case_events_' || suffix, m, nxt);
            END IF;
        END IF;
        m := nxt;
    END LOOP;
    RETURN made;
END
$$;

-- case_keys (what must be unique across months) for every case written, however it was
-- written (intake, batch import, COPY); a second case with a caller's idempotency key or a
-- public token already given fails here with the unique index's name.
CREATE OR REPLACE FUNCTION case_keys_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_keys (case_id, public_token, idempotency_scope, idempotency_key)
    SELECT id, public_token, idempotency_scope, idempotency_key FROM new_cases;
    RETURN NULL;
END
$$;

-- A deleted case's keys go with it (and so its places on meeting agendas); an archived
-- month is detached, not deleted, so its keys stay.
CREATE OR REPLACE FUNCTION case_keys_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM case_keys k USING old_cases o WHERE k.case_id = o.id;
    RETURN NULL;
END
$$;

-- The keys are written once: a case's id, token and idempotency key never change.
CREATE OR REPLACE FUNCTION case_keys_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a case''s id, public token and idempotency key never change'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_cases_keys_fixed';
END
$$;

CREATE OR REPLACE TRIGGER case_keys_insert AFTER INSERT ON cases
REFERENCING NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION case_keys_insert();

CREATE OR REPLACE TRIGGER case_keys_delete AFTER DELETE ON cases
REFERENCING OLD TABLE AS old_cases FOR EACH STATEMENT EXECUTE FUNCTION case_keys_delete();

CREATE OR REPLACE TRIGGER case_keys_fixed
BEFORE UPDATE OF id, public_token, idempotency_scope, idempotency_key ON cases
FOR EACH ROW
WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.public_token IS DISTINCT FROM NEW.public_token
      OR OLD.idempotency_scope IS DISTINCT FROM NEW.idempotency_scope
      OR OLD.idempotency_key IS DISTINCT FROM NEW.idempotency_key)
EXECUTE FUNCTION case_keys_fixed();
