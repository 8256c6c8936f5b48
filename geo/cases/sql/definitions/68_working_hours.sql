-- Time limits on the district's calendar (geo/cases/steps.py): a day works as its weekday says
-- (Monday to Friday) unless calendar_days says otherwise (a public holiday, a make-up working
-- day), during work_periods (district time). Repeatable definitions.

CREATE OR REPLACE FUNCTION work_day(d date) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT COALESCE((SELECT working FROM calendar_days WHERE day = d), extract(isodow FROM d) < 6)
$$;

-- `hours` after `start`: working hours on the calendar (working true), else calendar hours.
-- A start outside working time counts from the next working period.
CREATE OR REPLACE FUNCTION add_hours(start timestamptz, hours double precision, working boolean)
RETURNS timestamptz LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    left_s double precision := hours * 3600;
    here timestamp := start AT TIME ZONE 'Asia/Shanghai';
    d date := (start AT TIME ZONE 'Asia/Shanghai')::date;
    p record;
    s timestamp;
    e timestamp;
    span double precision;
BEGIN
    IF hours IS NULL OR start IS NULL THEN
        RETURN NULL;
    END IF;
    IF NOT working THEN
        RETURN start + make_interval(secs => left_s);
    END IF;
    FOR i IN 0..800 LOOP
        IF work_day(d) THEN
            FOR p IN SELECT starts, ends FROM work_periods ORDER BY starts LOOP
                s := greatest(d + p.starts, here);
                e := d + p.ends;
                IF e > s THEN
                    span := extract(epoch FROM e - s);
                    IF span >= left_s THEN
                        RETURN (s + make_interval(secs => left_s)) AT TIME ZONE 'Asia/Shanghai';
                    END IF;
                    left_s := left_s - span;
                END IF;
            END LOOP;
        END IF;
        d := d + 1;
    END LOOP;
    RAISE EXCEPTION 'no working time within 800 days after %', start;
END
$$;

-- The hours from `a` to `b`: working hours on the calendar (working true), else calendar hours;
-- 0 when b is not after a. A case's clock restarts by them after a pause.
CREATE OR REPLACE FUNCTION hours_between(a timestamptz, b timestamptz, working boolean)
RETURNS double precision LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    total double precision := 0;
    lo timestamp := a AT TIME ZONE 'Asia/Shanghai';
    hi timestamp := b AT TIME ZONE 'Asia/Shanghai';
    d date := (a AT TIME ZONE 'Asia/Shanghai')::date;
    p record;
BEGIN
    IF a IS NULL OR b IS NULL OR b <= a THEN
        RETURN 0;
    END IF;
    IF NOT working THEN
        RETURN extract(epoch FROM b - a) / 3600;
    END IF;
    WHILE d <= hi::date LOOP
        IF work_day(d) THEN
            FOR p IN SELECT starts, ends FROM work_periods ORDER BY starts LOOP
                total := total + greatest(
                    0, extract(epoch FROM least(d + p.ends, hi) - greatest(d + p.starts, lo)));
            END LOOP;
        END IF;
        d := d + 1;
    END LOOP;
    RETURN total / 3600;
END
$$;

-- A case of `category` reported at `at`: its due time (share 1) or its warning time (0.8).
CREATE OR REPLACE FUNCTION case_due(category text, at timestamptz, share double precision DEFAULT 1)
RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT add_hours(at, k.sla_hours * share, k.working_hours) FROM categories k WHERE k.code = category
$$;

-- A case of `category` reported at `at`: its dispatch due time (派遣时限, on the same clock).
CREATE OR REPLACE FUNCTION case_dispatch_due(category text, at timestamptz)
RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT add_hours(at, k.dispatch_hours, k.working_hours) FROM categories k WHERE k.code = category
$$;

-- The working clock as tables (work_clock_days, work_clock_seconds), for counting working hours
-- over many cases at once by joins (the evaluation: geo/evaluation/sql/evaluation.sql): the
-- working seconds of the district's clock before instant t (district time lt) are
--   d.before_s + CASE WHEN d.working THEN s.before_s
--                     + CASE WHEN s.working THEN lt's fraction of its second ELSE 0 END ELSE 0 END
-- with d the row of lt's day and s the row of lt's second of the day; hours_between(a, b, true)
-- is the difference of two such counts over 3600 (tests/evaluation/test_evaluation.py holds the
-- two to each other). Days of 2000–2100 (an instant outside has no count: NULL); rebuilt
-- whenever the calendar or the work periods change.
CREATE OR REPLACE FUNCTION refresh_work_clock_days() RETURNS void LANGUAGE sql AS $$
DELETE FROM work_clock_days;
INSERT INTO work_clock_days (day, working, before_s)
SELECT d.day, d.working,
       COALESCE(sum(CASE WHEN d.working THEN len.s ELSE 0 END)
                    OVER (ORDER BY d.day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
FROM (SELECT g::date AS day,
             COALESCE(c.working, extract(isodow FROM g) < 6) AS working
      FROM generate_series(DATE '2000-01-01', DATE '2100-12-31', interval '1 day') g
      LEFT JOIN calendar_days c ON c.day = g::date) d,
     (SELECT COALESCE(sum(extract(epoch FROM ends - starts)), 0) AS s FROM work_periods) len;
$$;

CREATE OR REPLACE FUNCTION refresh_work_clock() RETURNS void LANGUAGE sql AS $$
DELETE FROM work_clock_seconds;
INSERT INTO work_clock_seconds (second, working, before_s)
SELECT g, EXISTS (SELECT 1 FROM work_periods p
                  WHERE make_interval(secs => g) >= p.starts::interval
                    AND make_interval(secs => g) < p.ends::interval),
       COALESCE((SELECT sum(greatest(0, extract(epoch FROM least(p.ends::interval,
                                                            make_interval(secs => g))
                                                      - p.starts::interval)))
                 FROM work_periods p), 0)
FROM generate_series(0, 86399) g;
SELECT refresh_work_clock_days();
$$;

-- a calendar day changed: the days again (about 0.1 s); a work period: the seconds too
CREATE OR REPLACE FUNCTION work_clock_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'calendar_days' THEN
        PERFORM refresh_work_clock_days();
    ELSE
        PERFORM refresh_work_clock();
    END IF;
    RETURN NULL;
END
$$;
CREATE OR REPLACE TRIGGER work_clock_calendar AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON calendar_days FOR EACH STATEMENT EXECUTE FUNCTION work_clock_changed();
CREATE OR REPLACE TRIGGER work_clock_periods AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON work_periods FOR EACH STATEMENT EXECUTE FUNCTION work_clock_changed();
SELECT refresh_work_clock();
