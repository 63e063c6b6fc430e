//! A task's stream events, kept compactly so a long answer costs about its text and no more:
//! the text of every chunk in one `String`, the chunk boundaries as a byte layout (one varint
//! per event), and the few object events (`tool_update`, `error`, `info`, `end`) apart. Event
//! indices stay exact, so `resume {from}` replays from the very event a client stopped at, and
//! the layout is what the final record stores to rebuild the same events later.

use promptdeck_core::protocol::StreamEvent;
use serde_json::Value;

/// One event, borrowed from the log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event<'a> {
    /// A text chunk, emitted as a plain string.
    Text(&'a str),
    /// An object event: `tool_update`, `error`, `info` or the final `end`.
    Object(&'a Value),
}

/// Where a reader is in an [`EventLog`]: the index of its next event and where that event's
/// bytes start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    /// Events before this one.
    pub index: usize,
    layout: usize,
    text: usize,
    object: usize,
}

/// The events of one task, in order.
#[derive(Debug, Default)]
pub struct EventLog {
    text: String,
    /// One varint per event: a text chunk's length shifted left by one, or 1 for an object.
    layout: Vec<u8>,
    objects: Vec<Value>,
    len: usize,
}

/// The layout entry of an object event.
const OBJECT: u64 = 1;

impl EventLog {
    /// Appends a text chunk (an empty one is not an event).
    pub fn push_text(&mut self, chunk: &str) {
        if chunk.is_empty() {
            return;
        }
        self.text.push_str(chunk);
        put_varint(&mut self.layout, (chunk.len() as u64) << 1);
        self.len += 1;
    }

    /// Appends an object event.
    pub fn push_object(&mut self, value: Value) {
        self.objects.push(value);
        put_varint(&mut self.layout, OBJECT);
        self.len += 1;
    }

    /// Events so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is no event yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The text of every chunk so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The chunk boundaries so far, as stored with the task's record.
    pub fn layout(&self) -> &[u8] {
        &self.layout
    }

    /// The event at `at` and the cursor after it; `None` at the end.
    pub fn next(&self, at: Cursor) -> Option<(Event<'_>, Cursor)> {
        let (entry, layout) = get_varint(&self.layout, at.layout)?;
        let mut after = Cursor { index: at.index + 1, layout, ..at };
        if entry == OBJECT {
            let value = self.objects.get(at.object)?;
            after.object += 1;
            return Some((Event::Object(value), after));
        }
        let end = at.text.checked_add(usize::try_from(entry >> 1).ok()?)?;
        let chunk = self.text.get(at.text..end)?;
        after.text = end;
        Some((Event::Text(chunk), after))
    }

    /// Writes the events from `at` to the end as one JSON array (a text chunk as a string, an
    /// object event as itself): the form a batch of events takes in a shared log. Returns the
    /// cursor after the last event written.
    pub fn encode_from(&self, mut at: Cursor, out: &mut Vec<u8>) -> Cursor {
        out.push(b'[');
        let first = at.index;
        while let Some((event, next)) = self.next(at) {
            if at.index > first {
                out.push(b',');
            }
            // Writing to a Vec cannot fail, and strings and JSON values always serialise.
            let _ = match event {
                Event::Text(t) => serde_json::to_writer(&mut *out, t),
                Event::Object(v) => serde_json::to_writer(&mut *out, v),
            };
            at = next;
        }
        out.push(b']');
        at
    }

    /// Appends one decoded event of a shared log (see [`EventLog::encode_from`]): a string is a
    /// text chunk, anything else an object event.
    pub fn push_decoded(&mut self, value: Value) {
        match value {
            Value::String(text) => self.push_text(&text),
            other => self.push_object(other),
        }
    }

    /// Frees the spare capacity of a finished log.
    pub fn shrink(&mut self) {
        self.text.shrink_to_fit();
        self.layout.shrink_to_fit();
        self.objects.shrink_to_fit();
    }

    /// Rebuilds the streamed events of a stored task: its text cut at the stored chunk
    /// boundaries, with its tool updates where they came. A task stored without boundaries (or
    /// with boundaries that do not fit its text) replays its text as one chunk, then its tool
    /// updates. The caller appends the final `error`, `info` and `end` events.
    pub fn rebuild(text: String, layout: Option<&[u8]>, tool_updates: &[Value]) -> EventLog {
        let mut log = EventLog::default();
        if let Some(layout) = layout
            && log.replay(&text, layout, tool_updates).is_some()
        {
            return log;
        }
        let mut log = EventLog::default();
        log.push_text(&text);
        for update in tool_updates {
            log.push_object(StreamEvent::ToolUpdate(update.clone()).to_json());
        }
        log
    }

    /// Appends the events `layout` describes; `None` when it does not fit the text and updates.
    fn replay(&mut self, text: &str, layout: &[u8], tool_updates: &[Value]) -> Option<()> {
        let (mut at, mut text_at, mut updates) = (0usize, 0usize, tool_updates.iter());
        while at < layout.len() {
            let (entry, next) = get_varint(layout, at)?;
            at = next;
            if entry == OBJECT {
                self.push_object(StreamEvent::ToolUpdate(updates.next()?.clone()).to_json());
            } else {
                let end = text_at.checked_add(usize::try_from(entry >> 1).ok()?)?;
                self.push_text(text.get(text_at..end)?);
                text_at = end;
            }
        }
        // Text past the last boundary (none when the record is whole) is one more chunk.
        self.push_text(text.get(text_at..)?);
        for update in updates {
            self.push_object(StreamEvent::ToolUpdate(update.clone()).to_json());
        }
        Some(())
    }
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The varint at `at` and the position after it; `None` when truncated or too long.
fn get_varint(bytes: &[u8], mut at: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(at)?;
        at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some((value, at));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn events(log: &EventLog) -> Vec<String> {
        let mut out = Vec::new();
        let mut at = Cursor::default();
        while let Some((event, next)) = log.next(at) {
            out.push(match event {
                Event::Text(t) => t.to_owned(),
                Event::Object(v) => v.to_string(),
            });
            assert_eq!(next.index, at.index + 1);
            at = next;
        }
        assert_eq!(at.index, log.len());
        out
    }

    #[test]
    fn chunks_and_objects_come_back_in_order() {
        let mut log = EventLog::default();
        log.push_text("héllo ");
        log.push_text("");
        log.push_object(json!({"tool_update": {"index": 0}}));
        log.push_text(&"x".repeat(300));
        log.push_object(json!({"end": true}));
        assert_eq!(log.len(), 4);
        assert_eq!(log.text(), format!("héllo {}", "x".repeat(300)));
        assert_eq!(
            events(&log),
            vec![
                "héllo ".to_owned(),
                r#"{"tool_update":{"index":0}}"#.to_owned(),
                "x".repeat(300),
                r#"{"end":true}"#.to_owned()
            ]
        );
    }

    #[test]
    fn a_stored_layout_rebuilds_the_same_events() {
        let mut live = EventLog::default();
        for chunk in ["a ", "bb ", "ccc"] {
            live.push_text(chunk);
        }
        live.push_object(json!({"tool_update": {"index": 0, "function": {"arguments": "{"}}}));
        live.push_text("d");
        let rebuilt = EventLog::rebuild(
            live.text().to_owned(),
            Some(live.layout()),
            &[json!({"index": 0, "function": {"arguments": "{"}})],
        );
        assert_eq!(events(&rebuilt), events(&live));
    }

    #[test]
    fn a_missing_or_broken_layout_replays_the_text_as_one_chunk() {
        assert_eq!(events(&EventLog::rebuild("a b".into(), None, &[])), vec!["a b"]);
        // A boundary inside a multi-byte character, a length past the text, a truncated varint.
        for layout in [vec![2u8], vec![200u8, 1], vec![0x80u8]] {
            assert_eq!(events(&EventLog::rebuild("é b".into(), Some(&layout), &[])), vec!["é b"]);
        }
        assert!(EventLog::rebuild(String::new(), None, &[]).is_empty());
    }

    #[test]
    fn text_past_the_stored_boundaries_is_one_more_chunk() {
        let mut live = EventLog::default();
        live.push_text("a ");
        let rebuilt = EventLog::rebuild("a b c".into(), Some(live.layout()), &[]);
        assert_eq!(events(&rebuilt), vec!["a ", "b c"]);
    }

    #[test]
    fn an_encoded_batch_decodes_to_the_same_events() {
        let mut log = EventLog::default();
        log.push_text("a \"quoted\" ");
        log.push_object(json!({"tool_update": {"index": 0}}));
        log.push_text("é\n");
        log.push_object(json!({"end": true}));
        let mut first = Vec::new();
        let (_, after_one) = log.next(Cursor::default()).unwrap();
        let mid = log.encode_from(Cursor::default(), &mut first);
        assert_eq!(mid.index, 4);
        let mut rest = Vec::new();
        assert_eq!(log.encode_from(after_one, &mut rest).index, 4);
        let mut decoded = EventLog::default();
        for value in serde_json::from_slice::<Vec<Value>>(&first).unwrap() {
            decoded.push_decoded(value);
        }
        assert_eq!(events(&decoded), events(&log));
        assert_eq!(serde_json::from_slice::<Vec<Value>>(&rest).unwrap().len(), 3);
    }

    #[test]
    fn a_long_chunk_length_round_trips() {
        let mut log = EventLog::default();
        let long = "y".repeat(1 << 20);
        log.push_text(&long);
        log.push_text("z");
        assert_eq!(events(&log), vec![long, "z".to_owned()]);
    }
}
