-- Deliberation meetings (geo/meetings/meetings.py). Bound parameters only.

-- name: place
-- the place a meeting is tied to (the meeting_places view: definitions/70_meeting_places.sql)
SELECT name FROM meeting_places WHERE kind = :kind AND code = :code LIMIT 1;

-- name: insert
INSERT INTO meetings (kind, place_kind, place_code, held_on, topic, topic_class, participants,
                      created_by)
VALUES (:kind, :place_kind, :place_code, :held_on, :topic, :topic_class,
        CAST(:participants AS jsonb), :actor)
RETURNING id;

-- name: lock
SELECT id, kind, place_kind, place_code, held_on, topic, status FROM meetings
WHERE id = :id FOR UPDATE;

-- name: get
SELECT m.*,
       (SELECT p.name FROM meeting_places p
        WHERE p.kind = m.place_kind AND p.code = m.place_code LIMIT 1) AS place_name
FROM meetings m WHERE m.id = :id;

-- name: actions
SELECT id, action, owner, due_on, status, done_at, done_by, note,
       (status = 'open' AND due_on < current_date) AS overdue
FROM meeting_actions WHERE meeting_id = :id ORDER BY id;

-- name: agenda
-- a case of an archived month (geo/cases/partitions.py) stays on the agenda, its details archived
SELECT a.case_id, c.id IS NULL AS archived, c.status, k.name AS category, c.description,
       a.added_at
FROM meeting_agenda a
LEFT JOIN cases c ON c.id = a.case_id
LEFT JOIN categories k ON k.code = c.category_code
WHERE a.meeting_id = :id ORDER BY a.added_at, a.case_id;

-- name: add_agenda
INSERT INTO meeting_agenda (meeting_id, case_id, added_by) VALUES (:id, :case_id, :actor)
ON CONFLICT DO NOTHING
RETURNING case_id;

-- name: decide
UPDATE meetings SET status = 'decided', decisions = :decisions, outcome = :outcome,
       decided_at = now()
WHERE id = :id;

-- name: add_action
INSERT INTO meeting_actions (meeting_id, action, owner, due_on)
VALUES (:id, :action, :owner, :due_on);

-- name: lock_action
SELECT id, status FROM meeting_actions WHERE id = :action_id AND meeting_id = :id FOR UPDATE;

-- name: finish_action
UPDATE meeting_actions SET status = 'done', done_at = now(), done_by = :actor, note = :note
WHERE id = :action_id;

-- name: open_actions
SELECT count(*) FROM meeting_actions WHERE meeting_id = :id AND status = 'open';

-- name: close
UPDATE meetings SET status = 'closed', closed_at = now() WHERE id = :id;

-- name: agenda_cases
SELECT case_id FROM meeting_agenda WHERE meeting_id = :id ORDER BY case_id;

-- name: list
-- meetings at places whose code begins :prefix, newest first, optionally one place or class
SELECT m.id, m.kind, m.place_kind, m.place_code, m.held_on, m.topic, m.topic_class, m.status,
       m.outcome
FROM meetings m
WHERE m.place_code LIKE :prefix || '%'
  AND (CAST(:place_kind AS text) IS NULL OR m.place_kind = :place_kind)
  AND (CAST(:topic_class AS text) IS NULL OR m.topic_class = :topic_class)
  AND (CAST(:status AS text) IS NULL OR m.status = :status)
ORDER BY m.held_on DESC, m.id DESC
LIMIT :limit;

-- name: of_compound
-- a compound's recent meetings: at the compound or one of its residential buildings
SELECT m.id, m.kind, m.place_kind, m.place_code, m.held_on, m.topic, m.topic_class,
       m.status, m.outcome
FROM meetings m
WHERE (m.place_kind = 'compound' AND m.place_code = :code)
   OR (m.place_kind = 'residential_building'
       AND m.place_code IN (SELECT code FROM residential_buildings WHERE compound_code = :code))
ORDER BY m.held_on DESC, m.id DESC
LIMIT :limit;

-- name: counts
-- meetings at places whose code begins :prefix, counted by place kind, topic class, outcome
-- and status, and their actions open, done and overdue
SELECT 'place_kind' AS dim, place_kind AS key, count(*) AS n FROM meetings
WHERE place_code LIKE :prefix || '%' GROUP BY place_kind
UNION ALL
SELECT 'topic_class', topic_class, count(*) FROM meetings
WHERE place_code LIKE :prefix || '%' GROUP BY topic_class
UNION ALL
SELECT 'outcome', COALESCE(outcome, 'pending'), count(*) FROM meetings
WHERE place_code LIKE :prefix || '%' GROUP BY outcome
UNION ALL
SELECT 'status', status, count(*) FROM meetings
WHERE place_code LIKE :prefix || '%' GROUP BY status
UNION ALL
SELECT 'actions', CASE WHEN a.status = 'done' THEN 'done'
                       WHEN a.due_on < current_date THEN 'overdue' ELSE 'open' END, count(*)
FROM meeting_actions a JOIN meetings m ON m.id = a.meeting_id
WHERE m.place_code LIKE :prefix || '%' GROUP BY 2;

-- name: proposal_cases
-- a recurring place's cases (事件预警): where each lies and what it is
SELECT c.id, c.status, c.zone_kind, c.zone_code, c.grid_code, k.name AS category
FROM cases c JOIN categories k ON k.code = c.category_code
WHERE c.id = ANY(CAST(:ids AS bigint[]));

-- name: next_meeting
-- the place's next meeting still taking topics
SELECT id FROM meetings
WHERE place_kind = :kind AND place_code = :code AND status = 'scheduled' AND held_on >= :today
ORDER BY held_on, id
LIMIT 1;
