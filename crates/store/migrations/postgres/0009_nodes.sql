-- Several nodes on one database: each node heartbeats in `nodes`; a task records the node that
-- runs it and an epoch, which the reaper bumps when it fails a dead node's task, so the dead
-- node's late writes (which expect epoch 0) change nothing.
CREATE TABLE nodes (
  id UUID PRIMARY KEY,
  started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
ALTER TABLE ai_tasks ADD COLUMN node_id UUID;
ALTER TABLE ai_tasks ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
CREATE INDEX ai_tasks_unfinished_by_node ON ai_tasks (node_id) WHERE status IN ('pending', 'streaming');

-- Liveness is the server's own business: the per-request role never sees it.
ALTER TABLE nodes ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON nodes FROM authenticated;
