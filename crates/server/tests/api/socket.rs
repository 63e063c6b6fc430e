//! Just enough Socket.IO (Engine.IO v4 long-polling over plain HTTP) to run a task from the API
//! suite, where a scenario needs a real run — usage rows, for one, come only from real runs.
//! The protocol itself is tested with the official clients in tests/protocol.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser};

/// Engine.IO's packet separator in a polling payload.
const SEPARATOR: char = '\u{1e}';
/// The longest a task may take from emit to `{"end": true}` in a test.
const TASK_DEADLINE: Duration = Duration::from_secs(60);

/// One connected, signed-in Socket.IO session over long-polling.
pub struct PollingSocket {
    client: reqwest::Client,
    url: String,
    /// Packets read but not yet consumed, oldest first.
    pending: std::collections::VecDeque<String>,
}

/// What a task answered: its ack and every stream event up to and including `{"end": true}`.
#[derive(Debug)]
pub struct TaskOutcome {
    /// The ack (`response_listener_events`, `task_id`, `run_id` or `error`).
    pub ack: Value,
    /// The stream events in order (strings are text chunks).
    pub events: Vec<Value>,
}

impl TaskOutcome {
    /// The text chunks joined.
    pub fn text(&self) -> String {
        self.events.iter().filter_map(Value::as_str).collect()
    }
}

impl TestApp {
    /// Opens a Socket.IO session signed in as `user` (panics when the server refuses it).
    pub async fn socket(&self, user: &TestUser) -> PollingSocket {
        let base = format!("{}/socket.io/?EIO=4&transport=polling", self.address);
        let open = self.client.get(&base).send().await.expect("open an Engine.IO session");
        let body = open.text().await.expect("read the Engine.IO handshake");
        let handshake: Value = body
            .strip_prefix('0')
            .and_then(|rest| serde_json::from_str(rest).ok())
            .unwrap_or_else(|| panic!("not an Engine.IO open packet: {body:?}"));
        let sid = handshake["sid"].as_str().unwrap_or_else(|| panic!("no sid in {handshake}"));
        let mut socket = PollingSocket {
            client: self.client.clone(),
            url: format!("{base}&sid={sid}"),
            pending: Default::default(),
        };
        socket.post(&format!("40{}", json!({ "token": user.token }))).await;
        let connected = socket.next_packet().await;
        assert!(connected.starts_with("40"), "the namespace connect was refused: {connected:?}");
        socket
    }

    /// Runs `prompt_service`/`run_prompt` with `task_data` as `user` and reads the stream to
    /// its end.
    pub async fn run_prompt(&self, user: &TestUser, task_data: Value) -> TaskOutcome {
        let mut socket = self.socket(user).await;
        socket.run("prompt_service", json!({ "taskName": "run_prompt", "taskData": task_data })).await
    }
}

impl PollingSocket {
    async fn post(&self, payload: &str) {
        let response = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "text/plain;charset=UTF-8")
            .body(payload.to_owned())
            .send()
            .await
            .expect("post an Engine.IO payload");
        let status = response.status();
        assert!(status.is_success(), "posting {payload:?} answered {status}");
    }

    /// The next Socket.IO packet, answering Engine.IO pings on the way.
    async fn next_packet(&mut self) -> String {
        loop {
            if let Some(packet) = self.pending.pop_front() {
                match packet.as_str() {
                    "2" => self.post("3").await,
                    "6" => {}
                    _ => return packet,
                }
                continue;
            }
            let response = self.client.get(&self.url).send().await.expect("poll the Engine.IO session");
            let body = response.text().await.expect("read a polling payload");
            assert!(body != "1", "the server closed the Engine.IO session");
            self.pending.extend(body.split(SEPARATOR).filter(|p| !p.is_empty()).map(str::to_owned));
        }
    }

    /// Emits `event` with `data` and an ack; answers the ack, then every event on the task's
    /// stream up to `{"end": true}` (none when the ack carries no event).
    pub async fn run(&mut self, event: &str, data: Value) -> TaskOutcome {
        self.post(&format!("420{}", json!([event, data]))).await;
        tokio::time::timeout(TASK_DEADLINE, self.read_task())
            .await
            .unwrap_or_else(|_| panic!("the task did not end within {} s", TASK_DEADLINE.as_secs()))
    }

    /// Emits `event` with `data` and answers its ack alone: the task (if started) goes on.
    pub async fn start(&mut self, event: &str, data: Value) -> Value {
        self.post(&format!("420{}", json!([event, data]))).await;
        let ack = async {
            loop {
                let packet = self.next_packet().await;
                if let Some(args) = packet.strip_prefix("430") {
                    let mut args: Vec<Value> =
                        serde_json::from_str(args).expect("an ack's arguments are JSON");
                    break args.drain(..).next().unwrap_or(Value::Null);
                }
            }
        };
        tokio::time::timeout(TASK_DEADLINE, ack).await.expect("no ack within the deadline")
    }

    async fn read_task(&mut self) -> TaskOutcome {
        let mut early = Vec::new();
        let ack = loop {
            let packet = self.next_packet().await;
            if let Some(args) = packet.strip_prefix("430") {
                let mut args: Vec<Value> = serde_json::from_str(args).expect("an ack's arguments are JSON");
                break args.drain(..).next().unwrap_or(Value::Null);
            }
            early.push(packet);
        };
        let Some(listener) = ack["response_listener_events"].get(0).and_then(Value::as_str) else {
            return TaskOutcome { ack, events: Vec::new() };
        };
        let listener = listener.to_owned();
        let mut events = Vec::new();
        let mut backlog = early.into_iter();
        loop {
            let packet = match backlog.next() {
                Some(packet) => packet,
                None => self.next_packet().await,
            };
            let Some(args) = packet.strip_prefix("42") else { continue };
            let args: Vec<Value> = serde_json::from_str(args).expect("an event's arguments are JSON");
            if args.first().and_then(Value::as_str) != Some(listener.as_str()) {
                continue;
            }
            let data = args.get(1).cloned().unwrap_or(Value::Null);
            let end = data.get("end") == Some(&Value::Bool(true));
            events.push(data);
            if end {
                return TaskOutcome { ack, events };
            }
        }
    }
}
