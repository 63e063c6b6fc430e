//! The HTTP/1.1 connection loop both listeners use. `axum::serve` sets no timer, so a client that
//! trickles its headers or body holds a connection forever; here hyper gets a header read timeout
//! (which also bounds how long a kept-alive connection may sit idle), every request body a
//! deadline, and each request the peer address as `ConnectInfo`; each connection has Nagle's
//! algorithm off, as a token stream's small writes need. Upgrades (Socket.IO websockets)
//! leave the loop once upgraded, and Socket.IO long-polling is unaffected: the timeouts bound
//! what the client sends, never how long the server takes to answer.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use http_body::Body as _;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;
use tower_http::timeout::DeadlineBody;

use crate::config::HttpLimits;

/// Serves `router` on `listener` with the timeouts of `limits` until `stop` completes, then lets
/// the open connections finish their requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &HttpLimits,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = watch::channel(());
    let (open_tx, open_rx) = watch::channel(());
    tokio::spawn(async move {
        stop.await;
        drop(stop_rx);
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout()).keep_alive(true);
    let body_timeout = limits.body_timeout();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = stop_tx.closed() => break,
        };
        let stream = without_delay(stream);
        let service = hyper::service::service_fn({
            let router = router.clone();
            move |request: Request<Incoming>| router.clone().oneshot(prepare(request, peer, body_timeout))
        });
        let connection = http.serve_connection(TokioIo::new(stream), service).with_upgrades();
        let (stop_tx, open_rx) = (stop_tx.clone(), open_rx.clone());
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                () = stop_tx.closed() => {
                    // Finish the request in flight, then close.
                    connection.as_mut().graceful_shutdown();
                    connection.as_mut().await
                }
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, %peer, "connection closed with an error");
            }
            drop(open_rx);
        });
    }
    drop(listener);
    drop(open_rx);
    open_tx.closed().await;
    Ok(())
}

/// Turns Nagle's algorithm off on an accepted connection: a token stream is many small writes
/// a few milliseconds apart, and with it on, a small write waits while an earlier one is not yet
/// acknowledged, which the client's TCP may delay by up to 40 ms (its delayed ACK), so chunks
/// would reach the client in clumps and a stream's last events late. A connection whose option
/// cannot be set is served as it is.
fn without_delay(stream: TcpStream) -> TcpStream {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!(error = %e, "could not turn Nagle's algorithm off on a connection");
    }
    stream
}

/// Adds the peer address and puts a deadline on a body that is not already complete.
fn prepare(request: Request<Incoming>, peer: SocketAddr, body_timeout: Duration) -> Request<Body> {
    let (mut parts, body) = request.into_parts();
    parts.extensions.insert(ConnectInfo(peer));
    let body =
        if body.is_end_stream() { Body::new(body) } else { Body::new(DeadlineBody::new(body_timeout, body)) };
    Request::from_parts(parts, body)
}

/// Logs a failed accept; waits a second when it is not about one connection (e.g. too many open
/// files), so the loop does not spin.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_accepted_connection_writes_without_waiting_for_acknowledgements() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let client = TcpStream::connect(listener.local_addr().expect("addr")).await.expect("connect");
        let (accepted, _) = listener.accept().await.expect("accept");
        assert!(!accepted.nodelay().expect("nodelay"), "Linux accepts with Nagle's algorithm on");
        let accepted = without_delay(accepted);
        assert!(accepted.nodelay().expect("nodelay"));
        drop(client);
    }
}
