-- The columns the several-node deployment (PostgreSQL) records with each task: the node that
-- runs it and an epoch a reaper bumps. A single node leaves them NULL and 0, and its writes
-- check the epoch the same way.
ALTER TABLE ai_tasks ADD COLUMN node_id BLOB;
ALTER TABLE ai_tasks ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
