-- Notices (geo/cases/notices.py). Bound parameters only.

-- name: notice
INSERT INTO notices (unit_code, account_id, case_id, kind, body)
SELECT CAST(:unit AS text), (SELECT id FROM accounts WHERE username = CAST(:account AS text)),
       :case_id, :kind, CAST(:body AS jsonb)
WHERE CAST(:unit AS text) IS NOT NULL
   OR EXISTS (SELECT 1 FROM accounts WHERE username = CAST(:account AS text));

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
