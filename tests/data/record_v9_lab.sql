-- A version 9 ailab record, frozen: the schema exactly as versions 1 to 9 built it (their SQL
-- as shipped, with the rows of the time between them), for tests that every later ailab still
-- reads it. Never edit this file: add a new fixture for a new version.
-- Applied with foreign keys off (as migrations run), then user_version = 9.

-- V1
-- One row per ailab process that records; runs point at their owner so a crash can be told
-- apart from a second instance that is still working.
CREATE TABLE instances (
    id            TEXT PRIMARY KEY,
    pid           INTEGER NOT NULL,
    host          TEXT,      -- Linux boot id: the pid below only means something on the same boot
    proc_start    TEXT,      -- the process's start time, so a reused pid is not taken for us
    app_version   TEXT NOT NULL,
    started_ms    INTEGER NOT NULL,
    heartbeat_ms  INTEGER NOT NULL
);

-- Resolved hierarchies, stored once per distinct content (runs share them).
CREATE TABLE hierarchies (
    digest  TEXT PRIMARY KEY,
    json    TEXT NOT NULL
);

CREATE TABLE runs (
    seq               INTEGER PRIMARY KEY,   -- also the high bits of the search index rowids
    id                TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL,
    prompt            TEXT NOT NULL,
    root              TEXT NOT NULL,
    status            TEXT NOT NULL,
    started_ms        INTEGER NOT NULL,
    ended_ms          INTEGER,
    answer            TEXT,
    note              TEXT,                  -- why a run was marked interrupted
    hierarchy_digest  TEXT NOT NULL REFERENCES hierarchies(digest),
    hierarchy_hash    TEXT NOT NULL,
    hierarchy_source  TEXT NOT NULL,
    app_version       TEXT NOT NULL,
    instance_id       TEXT,
    calls             INTEGER NOT NULL DEFAULT 0,
    failed_calls      INTEGER NOT NULL DEFAULT 0,
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    wall_ms           INTEGER,
    finish_seq        INTEGER
);
CREATE INDEX runs_by_time ON runs(started_ms DESC, id DESC);
CREATE INDEX runs_by_hash ON runs(hierarchy_hash);
CREATE INDEX runs_by_digest ON runs(hierarchy_digest);
CREATE INDEX runs_running ON runs(instance_id) WHERE status = 'running';

-- `seq` columns number a run's events in the order they happened, so a replay is exact.
CREATE TABLE tasks (
    run_id        TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    at_ms         INTEGER NOT NULL,
    node          TEXT NOT NULL,
    task          TEXT NOT NULL,
    from_call     INTEGER,
    split_method  TEXT,
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE node_events (
    run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    at_ms   INTEGER NOT NULL,
    node    TEXT NOT NULL,
    state   TEXT,      -- JSON of the node's new state; NULL for a node failure
    reason  TEXT,      -- the failure reason of a node failure
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE calls (
    run_id             TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    call               INTEGER NOT NULL,
    start_seq          INTEGER NOT NULL,
    finish_seq         INTEGER,
    node               TEXT NOT NULL,
    phase              TEXT NOT NULL,
    parent_call        INTEGER,
    endpoint           TEXT NOT NULL,
    request            TEXT NOT NULL,        -- the exact ChatRequest as JSON
    truncated_input    INTEGER NOT NULL DEFAULT 0,
    status             TEXT NOT NULL,        -- streaming | done | failed | interrupted | stopped
    opened_ms          INTEGER NOT NULL,     -- when CallStarted was emitted
    closed_ms          INTEGER,              -- when CallFinished was emitted
    last_token_ms      INTEGER,
    text               TEXT NOT NULL DEFAULT '',
    reasoning          TEXT NOT NULL DEFAULT '',
    marks              TEXT NOT NULL DEFAULT '',  -- streaming pace, see recorder::marks
    split_method       TEXT,
    error              TEXT,
    requested_model    TEXT NOT NULL,
    answering_model    TEXT,
    started_ms         INTEGER,
    first_token_ms     INTEGER,
    ended_ms           INTEGER,
    prompt_tokens      INTEGER,
    completion_tokens  INTEGER,
    usage_from_server  INTEGER,
    tokens_per_sec     REAL,
    finish_reason      TEXT,
    retries            INTEGER,
    PRIMARY KEY (run_id, call)
);

-- Full-text search over prompts (rowid = run seq << 20) and call texts (rowid = run seq << 20 | call).
CREATE VIRTUAL TABLE search_index USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');

-- V2
-- One prompt answered by several arms. Keyed by prompt, repeat number and the hierarchy version,
-- so `ailab eval` resumes finished work but never reuses answers from other prompts.
CREATE TABLE comparisons (
    id              INTEGER PRIMARY KEY,
    prompt          TEXT NOT NULL,
    category        TEXT NOT NULL,
    repeat          INTEGER NOT NULL,
    hierarchy_hash  TEXT NOT NULL,
    created_ms      INTEGER NOT NULL,
    UNIQUE (prompt, repeat, hierarchy_hash)
);

-- What each arm answered; run_id points into runs (the run may be deleted later, the result stays).
CREATE TABLE comparison_arms (
    comparison_id  INTEGER NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    arm            TEXT NOT NULL,
    run_id         TEXT NOT NULL,
    status         TEXT NOT NULL,
    answer         TEXT,
    calls          INTEGER NOT NULL,
    tokens         INTEGER NOT NULL,
    wall_ms        INTEGER NOT NULL,
    PRIMARY KEY (comparison_id, arm)
);

-- One judge call: the pair (arm_x vs arm_y), which arm was shown as A, and what the judge said.
CREATE TABLE judgements (
    comparison_id  INTEGER NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    arm_x          TEXT NOT NULL,
    arm_y          TEXT NOT NULL,
    shown_first    TEXT NOT NULL,
    judge_model    TEXT NOT NULL,
    run_id         TEXT NOT NULL,
    pick           TEXT,          -- a | b | tie, NULL when the judge said nothing usable
    reason         TEXT NOT NULL,
    created_ms     INTEGER NOT NULL,
    PRIMARY KEY (comparison_id, arm_x, arm_y, shown_first, judge_model)
);

-- A blind human vote on a pair; shown_first records the order the answers were shown in.
CREATE TABLE votes (
    id             INTEGER PRIMARY KEY,
    comparison_id  INTEGER NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    arm_x          TEXT NOT NULL,
    arm_y          TEXT NOT NULL,
    shown_first    TEXT NOT NULL,
    outcome        TEXT NOT NULL,  -- first | second | tie | both_bad, from arm_x's side
    reason         TEXT NOT NULL DEFAULT '',
    created_ms     INTEGER NOT NULL
);
CREATE INDEX votes_by_comparison ON votes(comparison_id);

-- V3
CREATE VIRTUAL TABLE search_index_v2 USING fts5(body, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
INSERT INTO search_index_v2 (rowid, body) SELECT rowid, body FROM search_index;
DROP TABLE search_index;
ALTER TABLE search_index_v2 RENAME TO search_index;

-- Written by a version 3 ailab: a real comparison, a demo one, a vote, and a judge call that failed.
INSERT INTO hierarchies VALUES ('d1', '{"server":{"base_url":"http://127.0.0.1:1234/v1"},"nodes":[]}');
INSERT INTO runs (id, kind, prompt, root, status, started_ms, hierarchy_digest, hierarchy_hash,
                  hierarchy_source, app_version)
VALUES ('t1', 'tree', 'Is 17 prime?', 'atlas', 'done', 1, 'd1', 'h', 'x', '0'),
       ('j1', 'judge', 'Is 17 prime?', 'judge', 'failed', 1, 'd1', 'h', 'x', '0'),
       ('j2', 'judge', 'Is 17 prime?', 'judge', 'done', 1, 'd1', 'h', 'x', '0');
INSERT INTO comparisons VALUES (1, 'Is 17 prime?', 'reasoning', 1, 'h', 1),
                               (2, 'Why?', 'explanation', 1, 'h', 2);
INSERT INTO comparison_arms VALUES (1, 'tree', 't1', 'done', 'Yes.', 9, 90, 900),
                                   (1, 'solo', 's1', 'done', 'Yes', 1, 10, 100),
                                   (2, 'tree', 't2', 'done', '[demo] ## On why', 9, 90, 900);
INSERT INTO judgements VALUES (1, 'tree', 'solo', 'tree', 'judge', 'j1', NULL, 'model not found', 1),
                              (1, 'tree', 'solo', 'solo', 'judge', 'j2', 'b', 'clearer', 1);
INSERT INTO votes (comparison_id, arm_x, arm_y, shown_first, outcome, created_ms)
VALUES (1, 'tree', 'solo', 'tree', 'first', 1);

-- V4
CREATE TABLE comparisons_v4 (
    id              INTEGER PRIMARY KEY,
    prompt          TEXT NOT NULL,
    category        TEXT NOT NULL,
    repeat          INTEGER NOT NULL,
    hierarchy_hash  TEXT NOT NULL,
    backend         TEXT NOT NULL,   -- 'demo', or the server's base URL
    created_ms      INTEGER NOT NULL,
    UNIQUE (prompt, repeat, hierarchy_hash, backend)
);
INSERT INTO comparisons_v4 (id, prompt, category, repeat, hierarchy_hash, backend, created_ms)
SELECT c.id, c.prompt, c.category, c.repeat, c.hierarchy_hash,
       CASE
           WHEN EXISTS (SELECT 1 FROM comparison_arms a WHERE a.comparison_id = c.id AND a.answer LIKE '[demo]%')
               OR EXISTS (SELECT 1 FROM judgements j WHERE j.comparison_id = c.id AND j.reason LIKE '[demo]%')
           THEN 'demo'
           ELSE coalesce((SELECT json_extract(h.json, '$.server.base_url')
                          FROM comparison_arms a
                          JOIN runs r ON r.id = a.run_id
                          JOIN hierarchies h ON h.digest = r.hierarchy_digest
                          WHERE a.comparison_id = c.id AND a.arm = 'tree'), '')
       END,
       c.created_ms
FROM comparisons c;
DROP TABLE comparisons;
ALTER TABLE comparisons_v4 RENAME TO comparisons;
DELETE FROM judgements
WHERE pick IS NULL AND run_id IN (SELECT id FROM runs WHERE status NOT IN ('done', 'degraded'));
-- The history tells a lab run from the user's own by these.
CREATE INDEX comparison_arms_by_run ON comparison_arms(run_id);
CREATE INDEX judgements_by_run ON judgements(run_id);

-- V5
ALTER TABLE runs ADD COLUMN conversation_id TEXT;
ALTER TABLE runs ADD COLUMN turn INTEGER NOT NULL DEFAULT 1;
ALTER TABLE runs ADD COLUMN turn_kind TEXT NOT NULL DEFAULT 'question';
ALTER TABLE runs ADD COLUMN parent_run TEXT;  -- the turn an expansion expands, the expansion a resynthesis sends up
UPDATE runs SET conversation_id = id;
CREATE INDEX runs_by_conversation ON runs(conversation_id, turn);

-- V6
ALTER TABLE tasks ADD COLUMN fallback_reason TEXT;
ALTER TABLE calls ADD COLUMN flag TEXT;

-- V7
ALTER TABLE comparisons ADD COLUMN reference TEXT;

-- V8
CREATE TABLE comparisons_v8 (
    id              INTEGER PRIMARY KEY,
    prompt          TEXT NOT NULL,
    category        TEXT NOT NULL,
    repeat          INTEGER NOT NULL,
    hierarchy_hash  TEXT NOT NULL,
    backend         TEXT NOT NULL,
    created_ms      INTEGER NOT NULL,
    reference       TEXT,
    earlier         TEXT NOT NULL DEFAULT '',  -- JSON list of the questions before this turn
    UNIQUE (prompt, repeat, hierarchy_hash, backend, earlier)
);
INSERT INTO comparisons_v8 (id, prompt, category, repeat, hierarchy_hash, backend, created_ms, reference)
SELECT id, prompt, category, repeat, hierarchy_hash, backend, created_ms, reference FROM comparisons;
DROP TABLE comparisons;
ALTER TABLE comparisons_v8 RENAME TO comparisons;

CREATE TABLE level_judgements (
    comparison_id   INTEGER NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    run_id          TEXT NOT NULL,   -- the tree run whose parent is judged
    node            TEXT NOT NULL,   -- the parent's id
    hierarchy_hash  TEXT NOT NULL,   -- the organization version the run used
    shown_first     TEXT NOT NULL,   -- synthesis | parts
    judge_model     TEXT NOT NULL,
    judge_run       TEXT NOT NULL,
    pick            TEXT,            -- a | b | tie, NULL when the judge said nothing usable
    reason          TEXT NOT NULL,
    created_ms      INTEGER NOT NULL,
    PRIMARY KEY (run_id, node, shown_first, judge_model)
);
CREATE INDEX level_judgements_by_comparison ON level_judgements(comparison_id);
CREATE INDEX level_judgements_by_judge_run ON level_judgements(judge_run);

-- V9
ALTER TABLE calls ADD COLUMN reflection_round INTEGER;
ALTER TABLE calls ADD COLUMN reflection_rounds INTEGER;
ALTER TABLE calls ADD COLUMN reflection_name TEXT;

-- Written by a version 9 ailab: a follow-up (MT-Bench's second turn, V8) and the judge's verdicts
-- on a parent of its tree run (--levels, V8).
INSERT INTO runs (id, kind, prompt, root, status, started_ms, hierarchy_digest, hierarchy_hash,
                  hierarchy_source, app_version, conversation_id, turn)
VALUES ('t3', 'tree', 'And 19?', 'atlas', 'done', 3, 'd1', 'h', 'x', '0', 't1', 2);
INSERT INTO comparisons (id, prompt, category, repeat, hierarchy_hash, backend, created_ms, reference, earlier)
VALUES (3, 'And 19?', 'reasoning', 1, 'h', 'http://127.0.0.1:1234/v1', 3, 'yes', '["Is 17 prime?"]');
INSERT INTO comparison_arms VALUES (3, 'tree', 't3', 'done', 'Yes, 19 is prime too.', 9, 95, 950),
                                   (3, 'solo', 's3', 'done', 'Yes.', 1, 8, 90);
INSERT INTO judgements VALUES (3, 'tree', 'solo', 'tree', 'judge', 'j5', 'a', 'complete', 4),
                              (3, 'tree', 'solo', 'solo', 'judge', 'j6', 'b', 'complete', 5);
INSERT INTO level_judgements VALUES (3, 't3', 'atlas', 'h', 'synthesis', 'judge', 'j7', 'a', 'r', 6),
                                    (3, 't3', 'atlas', 'h', 'parts', 'judge', 'j8', 'b', 'r', 7);
