//! The SPA's security headers as the local gateway serves it (docs/SECURITY.md, "Headers"; in
//! AWS the CloudFront response-headers policy sets the same).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use testkit::stack::TestStack;

#[tokio::test]
async fn the_spa_is_served_with_its_security_headers_and_the_api_keeps_no_store() {
    let dist = std::env::temp_dir().join(format!("spa-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    let stack = TestStack::spawn_with(local_gateway::server::Options {
        in_process_pushes: true,
        web_dist: Some(dist.clone()),
        ..Default::default()
    })
    .await;
    let client = reqwest::Client::new();
    for path in ["/", "/chats/some-deep-link"] {
        let r = client
            .get(format!("{}{path}", stack.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        for part in [
            "default-src 'none'",
            "script-src 'self';",
            "style-src 'self';",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe"), "{csp}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
    }
    let api = client
        .get(format!("{}/api/health", stack.base))
        .send()
        .await
        .unwrap();
    assert_eq!(api.headers()["cache-control"], "no-store");
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
    std::fs::remove_dir_all(dist).ok();
}
