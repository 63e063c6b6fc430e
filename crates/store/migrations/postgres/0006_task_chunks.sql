-- The chunk boundaries of a task's answer (one varint per stream event), written with the
-- partial-text flushes and the final record, so `resume` can rebuild the exact events of a task
-- that is no longer in memory.
ALTER TABLE ai_tasks ADD COLUMN response_chunks BYTEA;
