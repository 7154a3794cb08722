//! `GET /api/chats/{id}/members`: a chat's members page by page, in the order the chat
//! embeds them, those asked in last.

use testkit::consent::member_names;
use testkit::{TestApp, TestResponse};

async fn page(app: &TestApp, token: &str, chat: &str, query: &str) -> TestResponse {
    app.send(
        "GET",
        &format!("/api/chats/{chat}/members{query}"),
        None,
        Some(token),
    )
    .await
}

#[tokio::test]
async fn a_groups_members_come_page_by_page_in_the_chats_own_order() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let mut others = Vec::new();
    for name in ["Bob", "Carol", "Dave"] {
        others.push(app.user(name).await);
    }
    let ids: Vec<&str> = others.iter().map(|u| u.id.as_str()).collect();
    let group = app
        .create_group(&alice.access_token, "Climbing", &ids)
        .await;
    group.assert_status(201);
    let chat = group.body["id"].as_str().unwrap().to_owned();
    // A stranger asked in comes after the members, as pending.
    let eve = app.user("Eve").await;
    app.ask_member(&alice.access_token, &chat, &eve.id)
        .await
        .assert_status(201);

    let whole = app.get_chat(&alice.access_token, &chat).await;
    whole.assert_status(200);
    let expected = member_names(&whole.body);
    assert_eq!(expected.len(), 5);
    assert_eq!(expected[4], ("Eve".to_owned(), true));

    let mut seen = Vec::new();
    let mut query = "?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let r = page(&app, &alice.access_token, &chat, &query).await;
        r.assert_status(200);
        pages += 1;
        seen.extend(member_names(&r.body));
        match r.body["next_cursor"].as_str() {
            Some(c) => query = format!("?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, expected, "every member once, in the chat's order");

    // The default page holds them all; a member who is not the owner may list them too.
    let all = page(&app, &others[0].access_token, &chat, "").await;
    all.assert_status(200);
    assert_eq!(member_names(&all.body), expected);
    assert!(all.body["next_cursor"].is_null());
}

#[tokio::test]
async fn only_members_list_members_and_bad_paging_is_a_400() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let mallory = app.user("Mallory").await;
    let asked = app
        .ask_group(&alice.access_token, "Plans", &[&bob.id])
        .await;
    asked.assert_status(201);
    let chat = asked.body["id"].as_str().unwrap().to_owned();

    page(&app, &bob.access_token, &chat, "")
        .await
        .assert_error(403, "chat_request_pending");
    page(&app, &mallory.access_token, &chat, "")
        .await
        .assert_error(404, "chat_not_found");
    for (query, code) in [
        ("?limit=0", "invalid_limit"),
        ("?limit=201", "invalid_limit"),
        ("?cursor=nope", "invalid_cursor"),
        (
            "?cursor=m_1_00000000-0000-0000-0000-00000000000z",
            "invalid_cursor",
        ),
        ("?order=name", "invalid_request"),
    ] {
        page(&app, &alice.access_token, &chat, query)
            .await
            .assert_error(400, code);
    }
}
