//! Slow clients: connections that trickle their headers (slowloris), sit idle, or trickle a
//! body are closed after the configured timeouts, on the app listener and the sandbox listener,
//! while other clients keep being served; and stopping the server with connections open is clean.

use std::time::Duration;

use futures::future::join_all;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{Backend, Options, spawn_app_with};

/// Both timeouts at one second, so the tests are quick.
fn one_second_timeouts() -> Options {
    Options {
        args: ["--http-header-timeout-secs", "1", "--http-body-timeout-secs", "1"]
            .map(str::to_owned)
            .to_vec(),
        ..Options::default()
    }
}

/// How long a test waits for the server to close a connection before failing: far above the
/// one-second timeouts, so a loaded machine does not make the test fail.
const CLOSE_WITHIN: Duration = Duration::from_secs(30);

/// Writes `first`, then one byte of `trickle` every 200 ms, until the server closes the
/// connection; returns what the server sent. Fails if the connection is still open after
/// `CLOSE_WITHIN`.
async fn trickle_until_closed(host_port: &str, first: &[u8], trickle: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(host_port).await.expect("connect");
    stream.write_all(first).await.expect("write the first bytes");
    let (mut read, mut write) = stream.into_split();
    let reader = tokio::spawn(async move {
        let mut answer = Vec::new();
        let _ = read.read_to_end(&mut answer).await;
        answer
    });
    let writer = async {
        for byte in trickle.iter().cycle() {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if write.write_all(&[*byte]).await.is_err() {
                return;
            }
        }
    };
    let closed = tokio::time::timeout(CLOSE_WITHIN, async {
        tokio::select! {
            answer = reader => answer.unwrap_or_default(),
            () = writer => Vec::new(),
        }
    })
    .await;
    closed.unwrap_or_else(|_| panic!("the connection was still open after {CLOSE_WITHIN:?}"))
}

#[tokio::test]
async fn two_hundred_slowloris_connections_are_closed_while_other_clients_are_served() {
    let app = spawn_app_with(Backend::Sqlite, one_second_timeouts()).await;
    let host_port = app.address.trim_start_matches("http://").to_owned();

    let attack = join_all((0..200).map(|_| {
        trickle_until_closed(&host_port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n", b"X-Slow: yes\r\n")
    }));
    let served = async {
        let mut served = 0;
        for _ in 0..20 {
            app.health_check().await.expect(200);
            served += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        served
    };
    let (answers, served) = tokio::join!(attack, served);

    assert_eq!(served, 20);
    for answer in answers {
        let text = String::from_utf8_lossy(&answer);
        assert!(text.is_empty() || text.starts_with("HTTP/1.1 408"), "unexpected answer: {text}");
    }
    app.health_check().await.expect(200);
}

#[tokio::test]
async fn the_sandbox_listener_closes_slowloris_connections_too() {
    let app = spawn_app_with(Backend::Sqlite, one_second_timeouts()).await;
    let sandbox = app.sandbox.trim_start_matches("http://").to_owned();

    trickle_until_closed(&sandbox, b"GET / HTTP/1.1\r\nHost: x\r\n", b"X-Slow: yes\r\n").await;
}

#[tokio::test]
async fn a_trickled_body_is_answered_408_and_the_connection_closed() {
    let app = spawn_app_with(Backend::Sqlite, one_second_timeouts()).await;
    let host_port = app.address.trim_start_matches("http://").to_owned();
    let head = "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                Content-Length: 100000\r\n\r\n{\"email\":\"";

    let answer = trickle_until_closed(&host_port, head.as_bytes(), b"a").await;

    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "expected a 408, got: {text}");
    assert!(text.contains("\"request_timeout\""), "expected our error shape: {text}");
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_the_header_timeout() {
    let app = spawn_app_with(Backend::Sqlite, one_second_timeouts()).await;
    let host_port = app.address.trim_start_matches("http://").to_owned();
    let request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

    // One whole request, then silence: the answer arrives, then the connection closes.
    let answer = read_until_closed(&host_port, request).await;

    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"), "{answer:?}");
}

/// Sends `request` and then nothing; returns everything read until the server closed.
async fn read_until_closed(host_port: &str, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(host_port).await.expect("connect");
    stream.write_all(request).await.expect("write the request");
    let mut answer = Vec::new();
    tokio::time::timeout(CLOSE_WITHIN, stream.read_to_end(&mut answer))
        .await
        .unwrap_or_else(|_| panic!("the idle connection was still open after {CLOSE_WITHIN:?}"))
        .expect("read until closed");
    answer
}

#[tokio::test]
async fn sigterm_with_a_kept_alive_connection_open_stops_the_server_cleanly() {
    let dir = std::env::temp_dir().join(format!("promptdeck-stop-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("create the test directory");
    let database = format!("sqlite://{}/db.sqlite", dir.display());
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_promptdeck"))
        .args(["serve", "--addr", "127.0.0.1:0", "--database", &database])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the promptdeck binary");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("piped stdout")).lines();
    let mut address = String::new();
    while let Some(line) = lines.next_line().await.expect("read stdout") {
        if let Some(rest) = line.strip_prefix("listening on http://") {
            address = rest.trim().to_owned();
            break;
        }
    }
    // A kept-alive connection, idle after one request.
    let mut idle = TcpStream::connect(&address).await.expect("connect");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.expect("write");
    let mut buf = [0u8; 512];
    let n = idle.read(&mut buf).await.expect("read the answer");
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "{:?}", String::from_utf8_lossy(&buf[..n]));

    let pid = child.id().expect("the server's pid").to_string();
    let killed = tokio::process::Command::new("kill").args(["-TERM", &pid]).status().await.expect("run kill");
    assert!(killed.success());
    let stopped = tokio::time::timeout(CLOSE_WITHIN, child.wait_with_output()).await;

    let output =
        stopped.unwrap_or_else(|_| panic!("the server did not stop within {CLOSE_WITHIN:?}")).expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exit status {:?}: {stderr}", output.status);
    assert!(!stderr.contains("panicked"), "the server panicked while stopping: {stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
