//! Events encoded once, sent to many sockets or many times.
//!
//! [`Socket::emit`](crate::socket::Socket::emit) serializes `[event, data]` for every call: the
//! event name is escaped again each time, the value is written into a growing buffer and then
//! copied into the packet. A server that streams many small events under one name (a token
//! stream) pays that per event. An [`EventEncoder`] keeps the packet's prefix (type, namespace
//! and the escaped event name) and writes each packet into one reused buffer; the resulting
//! [`EncodedEvent`] is cheap to clone and is sent with
//! [`Socket::emit_encoded`](crate::socket::Socket::emit_encoded) to as many sockets as need it.
//!
//! Encoded events are for the default (common, JSON text) parser and carry no binary
//! attachments: serialize binary payloads with `emit`.

use bytes::{BufMut, BytesMut};
use serde::Serialize;
use socketioxide_core::Str;

/// The buffer an encoder starts with; packets are cut from it until it is full, then a new one
/// is taken (the old one is freed once its packets have been sent). Small, because a server
/// keeps an encoder per live stream.
const BUFFER_CAPACITY: usize = 1024;

/// Encodes event packets with one namespace and one event name, into one reused buffer.
#[derive(Debug)]
pub struct EventEncoder {
    prefix: Vec<u8>,
    buf: BytesMut,
}

/// A Socket.IO event packet, encoded for the common parser. Cloning it is a reference count.
#[derive(Debug, Clone)]
pub struct EncodedEvent(pub(crate) Str);

impl EncodedEvent {
    /// The packet as sent (without the engine.io message prefix).
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl EventEncoder {
    /// An encoder for events named `event` in the namespace `ns` (`"/"` for the main one).
    pub fn new(ns: &str, event: &str) -> Self {
        let mut prefix = Vec::with_capacity(event.len() + ns.len() + 8);
        // The packet type: EVENT.
        prefix.push(b'2');
        if !ns.is_empty() && ns != "/" {
            if !ns.starts_with('/') {
                prefix.push(b'/');
            }
            prefix.extend_from_slice(ns.as_bytes());
            prefix.push(b',');
        }
        prefix.push(b'[');
        write_json_str(&mut prefix, event);
        prefix.push(b',');
        Self {
            prefix,
            buf: BytesMut::with_capacity(BUFFER_CAPACITY),
        }
    }

    /// Encodes `["event", data]`. `data` must not hold binary payloads (they would be written
    /// as arrays of numbers).
    pub fn encode<T: ?Sized + Serialize>(
        &mut self,
        data: &T,
    ) -> Result<EncodedEvent, serde_json::Error> {
        self.buf.reserve(self.prefix.len() + 64);
        self.buf.extend_from_slice(&self.prefix);
        if let Err(e) = serde_json::to_writer((&mut self.buf).writer(), data) {
            self.buf.clear();
            return Err(e);
        }
        self.buf.put_u8(b']');
        let bytes = self.buf.split().freeze();
        // SAFETY: the prefix is ASCII and a JSON string, and serde_json writes UTF-8 only.
        Ok(EncodedEvent(unsafe { Str::from_bytes_unchecked(bytes) }))
    }

    /// Encodes `["event", "text"]`.
    pub fn encode_str(&mut self, text: &str) -> EncodedEvent {
        self.buf.reserve(self.prefix.len() + text.len() + 3);
        self.buf.extend_from_slice(&self.prefix);
        write_json_str(&mut (&mut self.buf).writer(), text);
        self.buf.put_u8(b']');
        let bytes = self.buf.split().freeze();
        // SAFETY: the prefix is ASCII and a JSON string, and serde_json writes UTF-8 only.
        EncodedEvent(unsafe { Str::from_bytes_unchecked(bytes) })
    }
}

/// Writes `text` as a JSON string (writing a `str` into memory cannot fail).
fn write_json_str<W: std::io::Write>(out: &mut W, text: &str) {
    let mut ser = serde_json::Serializer::new(out);
    let _ = text.serialize(&mut ser);
}
