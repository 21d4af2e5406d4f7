//! One TCP port that answers both plain HTTP and TLS, told apart by the first byte (0x16 starts
//! a TLS handshake), as real clients switch to `https://` on the same port.

use std::sync::Arc;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

/// Accepts connections until `cancel` fires, serving `router` on each.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Arc<rustls::ServerConfig>,
    cancel: CancellationToken,
) {
    let acceptor = TlsAcceptor::from(tls);
    loop {
        let accepted = tokio::select! {
            () = cancel.cancelled() => return,
            a = listener.accept() => a,
        };
        let Ok((stream, _peer)) = accepted else {
            continue;
        };
        let router = router.clone();
        let acceptor = acceptor.clone();
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = cancel.cancelled() => {}
                () = serve_connection(stream, router, acceptor) => {}
            }
        });
    }
}

async fn serve_connection(stream: TcpStream, router: Router, acceptor: TlsAcceptor) {
    let _ = stream.set_nodelay(true);
    let mut first = [0u8; 1];
    let is_tls = matches!(stream.peek(&mut first).await, Ok(1) if first[0] == 0x16);
    let service = TowerToHyperService::new(router);
    let builder = Builder::new(TokioExecutor::new());
    if is_tls {
        let Ok(tls_stream) = acceptor.accept(stream).await else {
            return;
        };
        let _ = builder
            .serve_connection(TokioIo::new(tls_stream), service)
            .await;
    } else {
        let _ = builder
            .serve_connection(TokioIo::new(stream), service)
            .await;
    }
}
