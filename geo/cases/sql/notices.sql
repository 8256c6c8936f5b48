-- Notices (geo/cases/notices.py). Bound parameters only.

-- name: notice
-- the notice, and a delivery of it to each webhook active now (gridmap notify sends them)
WITH n AS (
    INSERT INTO notices (unit_code, account_id, case_id, kind, body)
    SELECT CAST(:unit AS text),
           (SELECT id FROM accounts WHERE username = CAST(:account AS text)),
           :case_id, :kind, CAST(:body AS jsonb)
    WHERE CAST(:unit AS text) IS NOT NULL
       OR EXISTS (SELECT 1 FROM accounts WHERE username = CAST(:account AS text))
    RETURNING id
)
INSERT INTO notice_deliveries (notice_id, webhook_id)
SELECT n.id, w.id FROM n, webhooks w WHERE w.disabled_at IS NULL;

-- name: inbox
SELECT id, kind, case_id, body, created_at, read_at FROM notices
WHERE (account_id = :me OR unit_code = ANY(CAST(:units AS text[])))
  AND (NOT :unread OR read_at IS NULL)
ORDER BY id DESC LIMIT :limit;

-- name: unread
SELECT count(*) FROM notices
WHERE (account_id = :me OR unit_code = ANY(CAST(:units AS text[]))) AND read_at IS NULL;

-- name: read
UPDATE notices SET read_at = now()
WHERE (account_id = :me OR unit_code = ANY(CAST(:units AS text[]))) AND read_at IS NULL
  AND (CAST(:ids AS bigint[]) IS NULL OR id = ANY(CAST(:ids AS bigint[])));

-- name: webhooks
SELECT id FROM webhooks WHERE disabled_at IS NULL ORDER BY id;

-- name: webhook
SELECT url, secret FROM webhooks WHERE id = :id AND disabled_at IS NULL;

-- name: claim
-- a webhook's due deliveries, oldest notice first, locked for this sender alone
SELECT d.notice_id, d.attempts, n.kind, n.case_id, n.body, n.created_at
FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id
WHERE d.webhook_id = :hook AND d.delivered_at IS NULL AND d.next_at <= now()
ORDER BY d.notice_id
LIMIT :limit
FOR UPDATE OF d SKIP LOCKED;

-- name: delivered
-- a batch's delivered notices
UPDATE notice_deliveries SET delivered_at = now(), attempts = attempts + 1, last_error = NULL
WHERE webhook_id = :hook AND notice_id = ANY(CAST(:notices AS bigint[]));

-- name: retry
-- a batch's refused notices, each with its back-off and why
UPDATE notice_deliveries d SET attempts = d.attempts + 1, last_error = r.why,
       next_at = now() + make_interval(secs => r.wait)
FROM unnest(CAST(:notices AS bigint[]), CAST(:waits AS double precision[]),
            CAST(:whys AS text[])) AS r(notice_id, wait, why)
WHERE d.webhook_id = :hook AND d.notice_id = r.notice_id;

-- name: add_webhook
INSERT INTO webhooks (url, secret) VALUES (:url, :secret)
ON CONFLICT (url) DO UPDATE SET secret = EXCLUDED.secret, disabled_at = NULL
RETURNING id;

-- name: disable_webhook
UPDATE webhooks SET disabled_at = now() WHERE url = :url AND disabled_at IS NULL;

-- name: warnings
-- the yellow (past warn_at) and red (past due_at) notices not yet written, once each, to each
-- case's unit and its supervisor (the office of the case's street, U + street + JD), with a
-- delivery to every active webhook; a paused clock (an extension waiting) warns of nothing new
WITH due AS (
    SELECT c.id, c.unit_code, c.street_code, w.level
    FROM cases c
    CROSS JOIN LATERAL (VALUES ('yellow', c.warn_at), ('red', c.due_at)) w(level, at)
    WHERE case_is_open(c.status) AND c.status <> 'parked' AND c.unit_code IS NOT NULL
      AND w.at <= least(:at, c.paused_at)
      AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.case_id = c.id AND n.kind = 'warning'
                      AND n.body->>'level' = w.level)
), n AS (
    INSERT INTO notices (unit_code, case_id, kind, body)
    SELECT t.unit, d.id, 'warning',
           jsonb_build_object('kind', 'warning', 'case_id', d.id, 'level', d.level,
                              'label', CASE d.level WHEN 'red' THEN :red ELSE :yellow END,
                              'unit', d.unit_code)
    FROM due d
    CROSS JOIN LATERAL (SELECT DISTINCT u FROM (VALUES (d.unit_code), ('U' || d.street_code || 'JD'))
                        v(u) WHERE u IS NOT NULL) t(unit)
    RETURNING id
), d AS (
    INSERT INTO notice_deliveries (notice_id, webhook_id)
    SELECT n.id, w.id FROM n, webhooks w WHERE w.disabled_at IS NULL
)
SELECT count(*) FROM n;
