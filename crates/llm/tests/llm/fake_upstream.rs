//! A local HTTP server that plays a scripted answer byte for byte and records what it was sent.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use serde_json::Value;

/// One step of the scripted answer body.
#[derive(Debug, Clone)]
pub enum Step {
    /// Write these bytes.
    Send(String),
    /// Wait.
    Sleep(Duration),
    /// Break the connection without finishing the body.
    Abort,
    /// Never send anything more.
    Hang,
    /// Write an SSE comment at this interval, forever.
    KeepAlive(Duration),
}

/// The scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub header_delay: Option<Duration>,
    pub steps: Vec<Step>,
}

impl Reply {
    /// A 200 event stream made of these steps.
    pub fn sse(steps: Vec<Step>) -> Self {
        Reply { status: 200, content_type: "text/event-stream", header_delay: None, steps }
    }

    /// A 200 event stream sending each event as one write.
    pub fn events(events: Vec<String>) -> Self {
        Self::sse(events.into_iter().map(Step::Send).collect())
    }

    /// An error status with a JSON body.
    pub fn status(status: u16, body: String) -> Self {
        Reply { status, content_type: "application/json", header_delay: None, steps: vec![Step::Send(body)] }
    }
}

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Value,
}

#[derive(Clone)]
struct Shared {
    reply: Reply,
    requests: Arc<Mutex<Vec<Recorded>>>,
    disconnected: Arc<AtomicBool>,
}

/// A running fake upstream.
pub struct FakeUpstream {
    pub base: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    disconnected: Arc<AtomicBool>,
}

impl FakeUpstream {
    /// Starts a server on a free port of 127.0.0.1 that answers every request with `reply`.
    pub async fn start(reply: Reply) -> Self {
        let shared =
            Shared { reply, requests: Arc::default(), disconnected: Arc::new(AtomicBool::new(false)) };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new().fallback(answer).with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeUpstream {
            base: format!("http://{addr}"),
            requests: shared.requests,
            disconnected: shared.disconnected,
        }
    }

    /// Everything received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// The only request received.
    pub fn request(&self) -> Recorded {
        let all = self.requests();
        assert_eq!(all.len(), 1, "expected one request, got {}", all.len());
        all.into_iter().next().unwrap()
    }

    /// Whether the answer's body was dropped (the client went away) within `within`.
    pub async fn saw_disconnect_within(&self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        while tokio::time::Instant::now() < deadline {
            if self.disconnected.load(Ordering::SeqCst) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        false
    }
}

/// Sets the flag when the body stream is dropped before it finished by itself.
struct DropGuard {
    flag: Arc<AtomicBool>,
    finished: bool,
}

impl DropGuard {
    /// The body ends by script, not because the client left.
    fn disarm(&mut self) {
        self.finished = true;
    }
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        if !self.finished {
            self.flag.store(true, Ordering::SeqCst);
        }
    }
}

async fn answer(State(shared): State<Shared>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    shared.requests.lock().unwrap().push(Recorded { path: uri.path().to_owned(), headers, body });
    let reply = shared.reply;
    if let Some(delay) = reply.header_delay {
        tokio::time::sleep(delay).await;
    }
    let guard = DropGuard { flag: shared.disconnected, finished: false };
    let state = (reply.steps, 0usize, guard);
    let stream = futures::stream::unfold(state, |(steps, mut i, mut guard)| async move {
        loop {
            let Some(step) = steps.get(i).cloned() else {
                guard.disarm();
                return None;
            };
            match step {
                Step::Send(text) => {
                    i += 1;
                    return Some((Ok::<_, std::io::Error>(text), (steps, i, guard)));
                }
                Step::Sleep(d) => {
                    tokio::time::sleep(d).await;
                    i += 1;
                }
                Step::Abort => {
                    guard.disarm();
                    return Some((Err(std::io::Error::other("scripted abort")), (steps, i + 1, guard)));
                }
                Step::Hang => std::future::pending::<()>().await,
                Step::KeepAlive(d) => {
                    tokio::time::sleep(d).await;
                    return Some((Ok(": keep-alive\n\n".to_owned()), (steps, i, guard)));
                }
            }
        }
    });
    Response::builder()
        .status(StatusCode::from_u16(reply.status).unwrap())
        .header("content-type", reply.content_type)
        .body(Body::from_stream(stream))
        .unwrap()
}
