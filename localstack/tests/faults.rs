//! Faults the gateway itself goes through: stopping with sockets open.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures::StreamExt as _;
use testkit::stack::{EVENT_TIMEOUT, TestStack, WsClient};
use tokio_tungstenite::tungstenite::Message;

/// The close code the server's close frame carried (None: the socket ended without one).
async fn close_code(mut ws: WsClient) -> Option<u16> {
    loop {
        match tokio::time::timeout(EVENT_TIMEOUT, ws.stream.next()).await {
            Err(_) => panic!("no close frame within {EVENT_TIMEOUT:?}"),
            Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|f| u16::from(f.code)),
            Ok(Some(Ok(_))) => continue,
            Ok(None) | Ok(Some(Err(_))) => return None,
        }
    }
}

async fn connections_of(stack: &TestStack, user: &str) -> i64 {
    let id = uuid::Uuid::parse_str(user).unwrap();
    stack
        .ctx
        .db
        .get()
        .await
        .unwrap()
        .query_one(
            "SELECT count(*) FROM connections WHERE user_id = $1",
            &[&id],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn a_stopping_gateway_closes_every_socket_with_1001_and_runs_its_disconnect() {
    let mut stack = TestStack::spawn().await;
    let alice = stack.user("Alice").await;
    let first = stack.connect(&alice.access_token).await;
    let second = stack.connect(&alice.access_token).await;
    assert_eq!(connections_of(&stack, &alice.id).await, 2);

    // The clients read (and so answer the close frames) while the gateway stops.
    let (a, b) = (
        tokio::spawn(close_code(first)),
        tokio::spawn(close_code(second)),
    );
    stack.stop_gateway().await;
    assert_eq!(a.await.unwrap(), Some(1001), "going away, not 1006");
    assert_eq!(b.await.unwrap(), Some(1001));
    assert_eq!(
        connections_of(&stack, &alice.id).await,
        0,
        "each socket's $disconnect ran before the gateway stopped"
    );
}
