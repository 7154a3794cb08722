use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use testkit::{TestApp, json};

const SECRET: &[u8] = b"test-secret-that-is-long-enough-for-hs256";

fn sign(alg: Algorithm, claims: &serde_json::Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).unwrap()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The session id (`sid`) an access token carries.
fn sid(access_token: &str) -> String {
    let payload = access_token.split('.').nth(1).unwrap();
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["sid"].as_str().unwrap().to_owned()
}

async fn refused(app: &TestApp, token: &str) {
    let r = app.me(token).await;
    r.assert_error(401, "unauthorized");
    assert_eq!(
        r.headers
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );
}

#[tokio::test]
async fn a_valid_token_signed_with_the_secret_is_accepted() {
    let app = TestApp::spawn().await;
    let u = app.user("Alice").await;
    let sid = sid(&u.access_token);
    let token = sign(
        Algorithm::HS256,
        &json!({"sub": u.id, "sid": sid, "iat": now(), "exp": now() + 60, "iss": "messenger"}),
        SECRET,
    );
    app.me(&token).await.assert_status(200);
}

#[tokio::test]
async fn a_well_signed_token_without_a_live_session_of_its_user_is_refused() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let claims = |sub: &str, sid: Option<String>| {
        let mut c = json!({"sub": sub, "iat": now(), "exp": now() + 60, "iss": "messenger"});
        if let Some(sid) = sid {
            c["sid"] = json!(sid);
        }
        sign(Algorithm::HS256, &c, SECRET)
    };
    // No session at all (tokens from before sessions existed), a made-up one, someone else's.
    refused(&app, &claims(&alice.id, None)).await;
    refused(
        &app,
        &claims(&alice.id, Some(uuid::Uuid::new_v4().to_string())),
    )
    .await;
    refused(&app, &claims(&alice.id, Some(sid(&bob.access_token)))).await;
    app.me(&claims(&alice.id, Some(sid(&alice.access_token))))
        .await
        .assert_status(200);
}

#[tokio::test]
async fn an_alg_none_token_is_refused() {
    let app = TestApp::spawn().await;
    let u = app.user("Alice").await;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let claims = json!({"sub": u.id, "iat": now(), "exp": now() + 60, "iss": "messenger"});
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    refused(&app, &format!("{header}.{payload}.")).await;
    refused(&app, &format!("{header}.{payload}")).await;
}

#[tokio::test]
async fn a_tampered_token_is_refused() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    // Swap in Bob's id, keep Alice's signature.
    let parts: Vec<&str> = alice.access_token.split('.').collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["sub"] = json!(bob.id);
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    refused(&app, &forged).await;
}

#[tokio::test]
async fn expired_wrong_issuer_wrong_key_and_other_algorithms_are_refused() {
    let app = TestApp::spawn().await;
    let u = app.user("Alice").await;
    let good = json!({"sub": u.id, "sid": sid(&u.access_token), "iat": now(), "exp": now() + 60, "iss": "messenger"});
    let expired = json!({"sub": u.id, "iat": now() - 1000, "exp": now() - 100, "iss": "messenger"});
    let other_iss = json!({"sub": u.id, "iat": now(), "exp": now() + 60, "iss": "someone-else"});
    let no_exp = json!({"sub": u.id, "iat": now(), "iss": "messenger"});
    refused(&app, &sign(Algorithm::HS256, &expired, SECRET)).await;
    refused(&app, &sign(Algorithm::HS256, &other_iss, SECRET)).await;
    refused(&app, &sign(Algorithm::HS256, &no_exp, SECRET)).await;
    refused(
        &app,
        &sign(
            Algorithm::HS256,
            &good,
            b"another-secret-that-is-long-enough-xx",
        ),
    )
    .await;
    refused(&app, &sign(Algorithm::HS512, &good, SECRET)).await;
}

#[tokio::test]
async fn malformed_authorization_headers_are_refused() {
    let app = TestApp::spawn().await;
    let u = app.user("Alice").await;
    refused(&app, "garbage").await;
    refused(&app, "").await;
    for header in [
        format!("Basic {}", u.access_token),
        u.access_token.clone(),
        "Bearer".to_owned(),
    ] {
        let r = app
            .send_raw("GET", "/api/users/me", None, &[("authorization", &header)])
            .await;
        r.assert_error(401, "unauthorized");
    }
    // The scheme is case-insensitive.
    let r = app
        .send_raw(
            "GET",
            "/api/users/me",
            None,
            &[("authorization", &format!("bearer {}", u.access_token))],
        )
        .await;
    r.assert_status(200);
}
