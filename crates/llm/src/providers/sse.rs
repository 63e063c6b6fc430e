//! A lean Server-Sent Events decoder: bytes in, events out, borrowed from one reused buffer.
//!
//! Written by hand rather than taken from `eventsource-stream`, which copies its buffer once per
//! line and allocates the event name and id per event; here an event's data is handed out as a
//! slice of the receive buffer (joined into a reused scratch buffer only when an event has several
//! `data:` lines), so the hot path allocates nothing.

/// Largest event accepted; a provider sending more without a blank line is broken.
const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// One decoded event, borrowed from the decoder.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SseEvent<'a> {
    /// The `event:` field, empty when absent (the spec's default "message").
    pub(crate) name: &'a [u8],
    /// The `data:` lines joined with `\n`.
    pub(crate) data: &'a [u8],
}

/// Incremental decoder state. Positions are offsets into `buf`; everything before `event_start`
/// belongs to events already handed out and is dropped on the next [`SseDecoder::push`].
#[derive(Debug, Default)]
pub(crate) struct SseDecoder {
    buf: Vec<u8>,
    /// Start of the event being assembled.
    event_start: usize,
    /// Start of the first line not yet parsed.
    line_start: usize,
    /// Where to resume looking for the end of the current line.
    scan: usize,
    name: Option<(usize, usize)>,
    data: Vec<(usize, usize)>,
    joined: Vec<u8>,
}

/// The decoder's buffer grew past [`MAX_EVENT_BYTES`] without completing an event.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct EventTooLarge;

impl SseDecoder {
    /// Appends received bytes, first dropping what earlier events used.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> Result<(), EventTooLarge> {
        if self.event_start > 0 {
            let shift = self.event_start;
            self.buf.drain(..shift);
            self.event_start = 0;
            self.line_start -= shift;
            self.scan -= shift;
            if let Some((a, b)) = &mut self.name {
                *a -= shift;
                *b -= shift;
            }
            for (a, b) in &mut self.data {
                *a -= shift;
                *b -= shift;
            }
        }
        if self.buf.len() + bytes.len() > MAX_EVENT_BYTES {
            return Err(EventTooLarge);
        }
        self.buf.extend_from_slice(bytes);
        Ok(())
    }

    /// The next complete event in the buffer, if any. Lines are ended by `\n`, `\r\n` or `\r`;
    /// comments (`:`) and fields other than `event` and `data` are skipped; an event without
    /// data is not dispatched, as the SSE specification says.
    pub(crate) fn next_event(&mut self) -> Option<SseEvent<'_>> {
        loop {
            let rest = self.buf.get(self.scan..)?;
            let offset = rest.iter().position(|&b| b == b'\n' || b == b'\r')?;
            let end = self.scan + offset;
            let term = if self.buf[end] == b'\r' {
                match self.buf.get(end + 1) {
                    Some(b'\n') => 2,
                    Some(_) => 1,
                    // A lone `\r` at the end: wait to see whether `\n` follows.
                    None => {
                        self.scan = end;
                        return None;
                    }
                }
            } else {
                1
            };
            let start = self.line_start;
            self.line_start = end + term;
            self.scan = self.line_start;
            if start == end {
                let name = self.name.take();
                let complete = !self.data.is_empty();
                self.event_start = self.line_start;
                if complete {
                    return Some(self.dispatch(name));
                }
                continue;
            }
            self.field(start, end);
        }
    }

    fn field(&mut self, start: usize, end: usize) {
        let line = &self.buf[start..end];
        if line[0] == b':' {
            return;
        }
        let (name_end, value_start) = match line.iter().position(|&b| b == b':') {
            Some(colon) if line.get(colon + 1) == Some(&b' ') => (colon, colon + 2),
            Some(colon) => (colon, colon + 1),
            None => (line.len(), line.len()),
        };
        let value = (start + value_start, end);
        match &line[..name_end] {
            b"data" => self.data.push(value),
            b"event" => self.name = Some(value),
            _ => {}
        }
    }

    fn dispatch(&mut self, name: Option<(usize, usize)>) -> SseEvent<'_> {
        let name = name.map_or(&[][..], |(a, b)| &self.buf[a..b]);
        let data = if let [(a, b)] = self.data[..] {
            &self.buf[a..b]
        } else {
            self.joined.clear();
            for (i, &(a, b)) in self.data.iter().enumerate() {
                if i > 0 {
                    self.joined.push(b'\n');
                }
                self.joined.extend_from_slice(&self.buf[a..b]);
            }
            &self.joined[..]
        };
        self.data.clear();
        SseEvent { name, data }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn all(chunks: &[&[u8]]) -> Vec<(String, String)> {
        let mut d = SseDecoder::default();
        let mut out = Vec::new();
        for c in chunks {
            d.push(c).unwrap();
            while let Some(e) = d.next_event() {
                out.push((
                    String::from_utf8_lossy(e.name).into_owned(),
                    String::from_utf8_lossy(e.data).into_owned(),
                ));
            }
        }
        out
    }

    fn ev(name: &str, data: &str) -> (String, String) {
        (name.to_owned(), data.to_owned())
    }

    #[test]
    fn decodes_data_only_events_as_openai_sends_them() {
        let got = all(&[b"data: {\"a\":1}\n\ndata: [DONE]\n\n"]);
        assert_eq!(got, vec![ev("", "{\"a\":1}"), ev("", "[DONE]")]);
    }

    #[test]
    fn decodes_named_events_as_anthropic_sends_them() {
        let got = all(&[b"event: ping\ndata: {\"type\": \"ping\"}\n\nevent: message_stop\ndata: {}\n\n"]);
        assert_eq!(got, vec![ev("ping", "{\"type\": \"ping\"}"), ev("message_stop", "{}")]);
    }

    #[test]
    fn events_split_at_every_byte_come_out_whole() {
        let wire = b"event: a\r\ndata: x\r\ndata:y\r\n\r\n: comment\n\ndata: z\r\rdata: w\n\n";
        let pieces: Vec<&[u8]> = wire.chunks(1).collect();
        assert_eq!(all(&pieces), vec![ev("a", "x\ny"), ev("", "z"), ev("", "w")]);
        assert_eq!(all(&[wire]), vec![ev("a", "x\ny"), ev("", "z"), ev("", "w")]);
    }

    #[test]
    fn comments_unknown_fields_and_events_without_data_are_skipped() {
        let got = all(&[b": keep-alive\n\nid: 3\nretry: 10\n\nevent: lonely\n\nfoo\ndata\n\n"]);
        assert_eq!(got, vec![ev("", "")]);
    }

    #[test]
    fn an_unterminated_event_is_held_back() {
        let mut d = SseDecoder::default();
        d.push(b"data: partial").unwrap();
        assert!(d.next_event().is_none());
        d.push(b"\n").unwrap();
        assert!(d.next_event().is_none());
        d.push(b"\n").unwrap();
        assert_eq!(d.next_event().unwrap().data, b"partial");
    }

    #[test]
    fn an_endless_event_is_refused() {
        let mut d = SseDecoder::default();
        let big = vec![b'x'; MAX_EVENT_BYTES];
        d.push(b"data: ").unwrap();
        assert_eq!(d.push(&big), Err(EventTooLarge));
    }
}
