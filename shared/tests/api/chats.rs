use std::collections::HashSet;

use testkit::{TestApp, TestUser, json};

#[tokio::test]
async fn a_direct_chat_is_created_once_and_found_again_from_either_side() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;

    let first = app.create_direct(&alice.access_token, &bob.id).await;
    first.assert_status(201);
    assert_eq!(first.body["kind"], "direct");
    assert_eq!(
        first.body["title"], "Bob",
        "a direct chat is titled after the other member"
    );
    assert_eq!(first.body["members"].as_array().unwrap().len(), 2);
    assert_eq!(first.body["last_message"], serde_json::Value::Null);
    assert_eq!(first.body["last_seq"], 0);

    let again = app.create_direct(&bob.access_token, &alice.id).await;
    again.assert_status(200);
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(again.body["title"], "Alice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creation_of_the_same_direct_chat_yields_one_chat() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let mut tasks = Vec::new();
    for i in 0..12 {
        let (app, a, b) = (app.clone(), alice.clone(), bob.clone());
        tasks.push(tokio::spawn(async move {
            let r = if i % 2 == 0 {
                app.create_direct(&a.access_token, &b.id).await
            } else {
                app.create_direct(&b.access_token, &a.id).await
            };
            assert!(r.status == 200 || r.status == 201, "{}", r.text);
            (r.status, r.body["id"].as_str().unwrap().to_owned())
        }));
    }
    let mut ids = HashSet::new();
    let mut created = 0;
    for t in tasks {
        let (status, id) = t.await.unwrap();
        ids.insert(id);
        created += usize::from(status == 201);
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(created, 1);
    let n: i64 = app
        .db()
        .await
        .query_one("SELECT count(*) FROM chats", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
}

#[tokio::test]
async fn direct_chat_input_is_validated() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let t = &alice.access_token;
    app.create_direct(t, &alice.id)
        .await
        .assert_error(400, "cannot_chat_with_self");
    let ghost = uuid::Uuid::new_v4().to_string();
    let r = app.create_direct(t, &ghost).await;
    r.assert_error(400, "unknown_user");
    assert!(r.body["message"].as_str().unwrap().contains(&ghost));
    for body in [
        json!({"kind": "direct", "member_ids": []}),
        json!({"kind": "direct", "member_ids": [bob.id, alice.id]}),
        json!({"kind": "direct", "member_ids": ["not-a-uuid"]}),
        json!({"kind": "direct", "title": "x", "member_ids": [bob.id]}),
        json!({"kind": "channel", "member_ids": [bob.id]}),
        json!({"member_ids": [bob.id]}),
    ] {
        app.send("POST", "/api/chats", Some(body.clone()), Some(t))
            .await
            .assert_error(400, "invalid_request");
    }
}

#[tokio::test]
async fn a_group_is_created_with_its_creator_as_owner() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let carol = app.user("Carol").await;
    let r = app
        .create_group(
            &alice.access_token,
            "  Weekend  ",
            &[&bob.id, &carol.id, &bob.id, &alice.id],
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.body["kind"], "group");
    assert_eq!(r.body["title"], "Weekend");
    assert_eq!(r.body["my_role"], "owner");
    let members = r.body["members"].as_array().unwrap();
    assert_eq!(
        members.len(),
        3,
        "duplicates and the creator are not added twice"
    );
    let owner: Vec<_> = members.iter().filter(|m| m["role"] == "owner").collect();
    assert_eq!(owner.len(), 1);
    assert_eq!(owner[0]["id"], alice.id.as_str());
    let bobs_view = app
        .get_chat(&bob.access_token, r.body["id"].as_str().unwrap())
        .await;
    bobs_view.assert_status(200);
    assert_eq!(bobs_view.body["my_role"], "member");
}

#[tokio::test]
async fn group_titles_are_stored_nfkc_and_refused_when_they_reorder_split_or_hide() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let t = &alice.access_token;
    for title in [
        "Team\u{202E}",
        "Team\u{2029}B",
        "\u{200B}\u{2060}",
        "\u{FE0F}",
    ] {
        app.create_group(t, title, &[])
            .await
            .assert_error(400, "invalid_title");
    }
    let r = app.create_group(t, "ｆｕｌｌｗｉｄｔｈ", &[]).await;
    r.assert_status(201);
    assert_eq!(r.body["title"], "fullwidth");
    let id = r.body["id"].as_str().unwrap();
    assert_eq!(app.get_chat(t, id).await.body["title"], "fullwidth");
}

#[tokio::test]
async fn group_input_is_validated() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let t = &alice.access_token;
    app.create_group(t, "", &[])
        .await
        .assert_error(400, "invalid_title");
    app.create_group(t, &"x".repeat(101), &[])
        .await
        .assert_error(400, "invalid_title");
    app.send(
        "POST",
        "/api/chats",
        Some(json!({"kind": "group", "member_ids": []})),
        Some(t),
    )
    .await
    .assert_error(400, "invalid_title");
    let ghost = uuid::Uuid::new_v4().to_string();
    app.create_group(t, "Team", &[&ghost])
        .await
        .assert_error(400, "unknown_user");
    let many: Vec<String> = (0..500).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    app.create_group(t, "Crowd", &refs)
        .await
        .assert_error(400, "too_many_members");
    // The creator alone is a valid group.
    app.create_group(t, "Notes", &[]).await.assert_status(201);
}

#[tokio::test]
async fn the_chat_list_shows_last_message_unread_and_most_recent_first() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let carol = app.user("Carol").await;
    let with_bob = app.create_direct(&alice.access_token, &bob.id).await;
    let with_bob = with_bob.body["id"].as_str().unwrap().to_owned();
    let group = app
        .create_group(&alice.access_token, "Trio", &[&bob.id, &carol.id])
        .await;
    let group = group.body["id"].as_str().unwrap().to_owned();

    app.send_message(&bob.access_token, &group, "one").await;
    app.send_message(&alice.access_token, &with_bob, "hi bob")
        .await;
    app.send_message(&bob.access_token, &with_bob, "hi alice")
        .await;
    app.send_message(&bob.access_token, &with_bob, "how are you?")
        .await;

    let r = app.list_chats(&alice.access_token).await;
    r.assert_status(200);
    let chats = r.body["chats"].as_array().unwrap();
    assert_eq!(chats.len(), 2);
    assert_eq!(
        chats[0]["id"],
        with_bob.as_str(),
        "most recently active first"
    );
    assert_eq!(chats[0]["title"], "Bob");
    assert_eq!(chats[0]["last_seq"], 3);
    assert_eq!(
        chats[0]["unread_count"], 2,
        "my own messages are not unread"
    );
    assert_eq!(chats[0]["last_read_seq"], 0);
    assert_eq!(chats[0]["last_message"]["body"], "how are you?");
    assert_eq!(chats[0]["last_message"]["seq"], 3);
    assert_eq!(chats[1]["title"], "Trio");
    assert_eq!(chats[1]["unread_count"], 1);
    let members: Vec<_> = chats[1]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["Alice", "Bob", "Carol"]);

    app.mark_read(&alice.access_token, &with_bob, 3)
        .await
        .assert_status(200);
    let r = app.list_chats(&alice.access_token).await;
    assert_eq!(r.body["chats"][0]["unread_count"], 0);
    assert_eq!(r.body["chats"][0]["last_read_seq"], 3);
    // Bob sees Alice's read marker among the members (read receipts).
    let r = app.get_chat(&bob.access_token, &with_bob).await;
    let alice_member = r.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == alice.id.as_str())
        .unwrap()
        .clone();
    assert_eq!(alice_member["last_read_seq"], 3);
}

async fn statements_run(app: &TestApp) -> i64 {
    app.db()
        .await
        .query_one(
            "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements \
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn listing_a_page_of_100_chats_takes_as_many_queries_as_listing_one() {
    let app = TestApp::spawn().await;
    app.db()
        .await
        .batch_execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        .await
        .unwrap();
    let me = app.user("Me").await;
    let first = app.user("First").await;
    let c = app.create_direct(&me.access_token, &first.id).await;
    app.send_message(&first.access_token, c.body["id"].as_str().unwrap(), "hello")
        .await;

    let before = statements_run(&app).await;
    app.list_chats(&me.access_token).await.assert_status(200);
    let for_one = statements_run(&app).await - before;

    for i in 0..99 {
        let g = app
            .create_group(&me.access_token, &format!("Group {i}"), &[&first.id])
            .await;
        app.send_message(&first.access_token, g.body["id"].as_str().unwrap(), "hi")
            .await;
    }
    let before = statements_run(&app).await;
    let r = app
        .send("GET", "/api/chats?limit=100", None, Some(&me.access_token))
        .await;
    let for_many = statements_run(&app).await - before;
    assert_eq!(r.body["chats"].as_array().unwrap().len(), 100);
    assert!(
        r.body["chats"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["unread_count"] == 1 && c["members"].as_array().unwrap().len() == 2)
    );
    assert_eq!(for_one, for_many, "no query per chat");
    // One of them is the session check every authenticated request makes.
    assert!(for_many <= 5, "a handful of statements, got {for_many}");
}

#[tokio::test]
async fn the_chat_list_pages_by_cursor_and_embeds_only_the_first_members_of_big_groups() {
    let app = TestApp::spawn().await;
    let me = app.user("Me").await;
    let mut people = Vec::new();
    for i in 0..24 {
        people.push(app.user(&format!("P{i}")).await);
    }
    let ids: Vec<&str> = people.iter().map(|p| p.id.as_str()).collect();
    let big = app.create_group(&me.access_token, "Big", &ids).await;
    assert_eq!(big.body["members"].as_array().unwrap().len(), 25);
    for p in &people[..4] {
        app.create_direct(&me.access_token, &p.id)
            .await
            .assert_status(201);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("/api/chats?limit=2&cursor={c}"),
            None => "/api/chats?limit=2".to_owned(),
        };
        let r = app.send("GET", &query, None, Some(&me.access_token)).await;
        r.assert_status(200);
        for c in r.body["chats"].as_array().unwrap() {
            if c["title"] == "Big" {
                assert_eq!(c["member_count"], 25);
                assert_eq!(c["members"].as_array().unwrap().len(), 20);
            }
            seen.push(c["id"].as_str().unwrap().to_owned());
        }
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5, "every chat once");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 5);
    let one = app
        .get_chat(&me.access_token, big.body["id"].as_str().unwrap())
        .await;
    assert_eq!(
        one.body["members"].as_array().unwrap().len(),
        25,
        "the chat itself has them all"
    );

    let t = &me.access_token;
    for bad in ["limit=0", "limit=101", "limit=x"] {
        let r = app
            .send("GET", &format!("/api/chats?{bad}"), None, Some(t))
            .await;
        assert_eq!(r.status, 400, "{bad}");
    }
    app.send("GET", "/api/chats?limit=0", None, Some(t))
        .await
        .assert_error(400, "invalid_limit");
    for bad in [
        "nope",
        "1_notauuid",
        "x_00000000-0000-0000-0000-000000000000",
    ] {
        app.send("GET", &format!("/api/chats?cursor={bad}"), None, Some(t))
            .await
            .assert_error(400, "invalid_cursor");
    }
}

#[tokio::test]
async fn the_authorization_matrix_holds_on_every_chat_route() {
    let app = TestApp::spawn().await;
    let owner = app.user("Owner").await;
    let member = app.user("Member").await;
    let outsider = app.user("Outsider").await;
    let newcomer = app.user("Newcomer").await;
    let g = app
        .create_group(&owner.access_token, "Club", &[&member.id])
        .await;
    let chat = g.body["id"].as_str().unwrap().to_owned();
    let m = app
        .send_message(&member.access_token, &chat, "members only")
        .await;
    let msg = m.body["id"].as_str().unwrap().to_owned();

    // A non-member gets 404 chat_not_found everywhere, with no hint the chat exists.
    let o = &outsider.access_token;
    app.get_chat(o, &chat)
        .await
        .assert_error(404, "chat_not_found");
    app.history(o, &chat, "")
        .await
        .assert_error(404, "chat_not_found");
    app.send_message(o, &chat, "let me in")
        .await
        .assert_error(404, "chat_not_found");
    app.edit_message(o, &chat, &msg, "x")
        .await
        .assert_error(404, "chat_not_found");
    app.delete_message(o, &chat, &msg)
        .await
        .assert_error(404, "chat_not_found");
    app.mark_read(o, &chat, 1)
        .await
        .assert_error(404, "chat_not_found");
    app.add_member(o, &chat, &outsider.id)
        .await
        .assert_error(404, "chat_not_found");
    app.remove_member(o, &chat, &member.id)
        .await
        .assert_error(404, "chat_not_found");
    let unknown = uuid::Uuid::new_v4().to_string();
    let r404 = app.get_chat(o, &unknown).await;
    r404.assert_error(404, "chat_not_found");
    assert_eq!(
        r404.body,
        app.get_chat(o, &chat).await.body,
        "an existing chat and a missing one look the same"
    );
    app.get_chat(o, "not-a-uuid")
        .await
        .assert_error(404, "chat_not_found");

    // A member who is not the owner cannot add or remove others.
    app.add_member(&member.access_token, &chat, &newcomer.id)
        .await
        .assert_error(403, "not_chat_owner");
    app.remove_member(&member.access_token, &chat, &owner.id)
        .await
        .assert_error(403, "not_chat_owner");

    // The owner adds (201, then 200 when already a member) and removes.
    app.add_member(&owner.access_token, &chat, &newcomer.id)
        .await
        .assert_status(201);
    app.add_member(&owner.access_token, &chat, &newcomer.id)
        .await
        .assert_status(200);
    app.history(&newcomer.access_token, &chat, "")
        .await
        .assert_status(200);
    app.add_member(&owner.access_token, &chat, &unknown)
        .await
        .assert_error(400, "unknown_user");
    app.remove_member(&owner.access_token, &chat, &newcomer.id)
        .await
        .assert_status(204);
    // A removed member loses access at once.
    app.history(&newcomer.access_token, &chat, "")
        .await
        .assert_error(404, "chat_not_found");
    app.send_message(&newcomer.access_token, &chat, "still here?")
        .await
        .assert_error(404, "chat_not_found");
    app.remove_member(&owner.access_token, &chat, &newcomer.id)
        .await
        .assert_error(404, "member_not_found");

    // A member leaves by removing themself.
    app.remove_member(&member.access_token, &chat, &member.id)
        .await
        .assert_status(204);
    app.get_chat(&member.access_token, &chat)
        .await
        .assert_error(404, "chat_not_found");
}

#[tokio::test]
async fn direct_chats_have_fixed_members() {
    let app = TestApp::spawn().await;
    let alice = app.user("Alice").await;
    let bob = app.user("Bob").await;
    let carol = app.user("Carol").await;
    let c = app.create_direct(&alice.access_token, &bob.id).await;
    let chat = c.body["id"].as_str().unwrap();
    app.add_member(&alice.access_token, chat, &carol.id)
        .await
        .assert_error(409, "direct_chat_members_fixed");
    app.remove_member(&alice.access_token, chat, &alice.id)
        .await
        .assert_error(409, "direct_chat_members_fixed");
}

#[tokio::test]
async fn when_the_owner_leaves_the_longest_standing_member_takes_over() {
    let app = TestApp::spawn().await;
    let owner = app.user("Owner").await;
    let second = app.user("Second").await;
    let third = app.user("Third").await;
    let g = app
        .create_group(&owner.access_token, "Club", &[&second.id])
        .await;
    let chat = g.body["id"].as_str().unwrap().to_owned();
    app.add_member(&owner.access_token, &chat, &third.id)
        .await
        .assert_status(201);
    app.remove_member(&owner.access_token, &chat, &owner.id)
        .await
        .assert_status(204);
    let r = app.get_chat(&second.access_token, &chat).await;
    assert_eq!(r.body["my_role"], "owner");
    app.remove_member(&second.access_token, &chat, &third.id)
        .await
        .assert_status(204);
}

/// A group of `owner`'s with 499 members, the owner included: one seat left.
async fn group_with_one_seat_left(app: &TestApp, owner: &TestUser) -> String {
    let g = app.create_group(&owner.access_token, "Big", &[]).await;
    let chat = g.body["id"].as_str().unwrap().to_owned();
    app.db()
        .await
        .batch_execute(&format!(
            "INSERT INTO users (id, email, password_hash, display_name) \
             SELECT gen_random_uuid(), 'u' || i || '@example.com', 'x', 'U' || i FROM generate_series(1, 498) i; \
             INSERT INTO chat_members (chat_id, user_id, role) \
             SELECT '{chat}', id, 'member' FROM users WHERE email LIKE 'u%@example.com'"
        ))
        .await
        .unwrap();
    chat
}

#[tokio::test]
async fn a_group_cannot_grow_past_500_members() {
    let app = TestApp::spawn().await;
    let owner = app.user("Owner").await;
    let chat = group_with_one_seat_left(&app, &owner).await;
    let last = app.user("Last").await;
    app.add_member(&owner.access_token, &chat, &last.id)
        .await
        .assert_status(201);
    let extra = app.user("Extra").await;
    app.add_member(&owner.access_token, &chat, &extra.id)
        .await
        .assert_error(409, "chat_full");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_adds_to_a_group_with_one_seat_left_fill_it_exactly() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let owner = app.user("Owner").await;
    let chat = group_with_one_seat_left(&app, &owner).await;
    let mut newcomers = Vec::new();
    for i in 0..10 {
        newcomers.push(app.user(&format!("Newcomer {i}")).await);
    }
    let mut tasks = Vec::new();
    for user in newcomers {
        let (app, token, chat) = (app.clone(), owner.access_token.clone(), chat.clone());
        tasks.push(tokio::spawn(async move {
            let r = app.add_member(&token, &chat, &user.id).await;
            assert!(r.status == 201 || r.code() == "chat_full", "{}", r.text);
            r.status
        }));
    }
    let mut added = 0;
    for t in tasks {
        added += usize::from(t.await.unwrap() == 201);
    }
    assert_eq!(added, 1, "one seat, one newcomer");
    let n: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM chat_members WHERE chat_id = $1::text::uuid",
            &[&chat],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 500);
}

#[tokio::test]
async fn a_member_added_later_has_read_what_came_before_they_joined() {
    let app = TestApp::spawn().await;
    let owner = app.user("Owner").await;
    let early = app.user("Early").await;
    let late = app.user("Late").await;
    let g = app
        .create_group(&owner.access_token, "Team", &[&early.id])
        .await;
    let chat = g.body["id"].as_str().unwrap().to_owned();
    for i in 0..3 {
        app.send_message(&owner.access_token, &chat, &format!("before {i}"))
            .await;
    }
    app.add_member(&owner.access_token, &chat, &late.id)
        .await
        .assert_status(201);
    app.send_message(&owner.access_token, &chat, "after").await;

    let seen_by = |user: &TestUser| {
        let token = user.access_token.clone();
        let app = &app;
        async move { app.list_chats(&token).await.body["chats"][0].clone() }
    };
    let late_view = seen_by(&late).await;
    assert_eq!(late_view["unread_count"], 1, "only what came after joining");
    assert_eq!(late_view["last_read_seq"], 3);
    // The history is still theirs to read.
    let page = app
        .send(
            "GET",
            &format!("/api/chats/{chat}/messages"),
            None,
            Some(&late.access_token),
        )
        .await;
    assert_eq!(page.body["messages"].as_array().unwrap().len(), 4);
    assert_eq!(seen_by(&early).await["unread_count"], 4);
}
