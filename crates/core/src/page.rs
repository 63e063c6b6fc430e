//! Paging of list endpoints: what a caller asks for and what a list answers.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// Default number of items on a page.
pub const DEFAULT_PAGE_LIMIT: i64 = 50;
/// Largest page a caller may ask for; larger limits are clamped.
pub const MAX_PAGE_LIMIT: i64 = 200;

/// Which slice of a list to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Items per page, 1 to [`MAX_PAGE_LIMIT`].
    pub limit: i64,
    /// Items skipped.
    pub offset: i64,
}

impl PageRequest {
    /// A page from optional query values, clamped to the allowed range.
    pub fn new(limit: Option<i64>, offset: Option<i64>) -> Self {
        PageRequest {
            limit: limit.unwrap_or(DEFAULT_PAGE_LIMIT).clamp(1, MAX_PAGE_LIMIT),
            offset: offset.unwrap_or(0).max(0),
        }
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest::new(None, None)
    }
}

/// One page of a list with the total count, as every list endpoint answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Items in the whole list.
    pub total: i64,
    /// The page size used.
    pub limit: i64,
    /// Items skipped.
    pub offset: i64,
}

impl<T> Page<T> {
    /// Wraps items with the request that produced them.
    pub fn new(items: Vec<T>, total: i64, req: PageRequest) -> Self {
        Page { items, total, limit: req.limit, offset: req.offset }
    }

    /// Maps the items, keeping the counts.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            limit: self.limit,
            offset: self.offset,
        }
    }
}
