//! Agent sign-in, sessions and CSRF, against the real app and database.

mod common;

use common::*;
use portico::on_pool;

#[tokio::test]
async fn a_wrong_password_or_unknown_email_says_only_that_one_of_them_is_incorrect() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut client = app.client();
    let wrong_password = client.login(&agency.admin.email, "not the password").await;
    assert_eq!(wrong_password.status(), 401);
    assert!(wrong_password.body.contains("Email or password is incorrect"));
    assert!(
        wrong_password.body.contains(r#"value="ada@acme.example""#),
        "the email typed is kept"
    );
    let unknown = client.login("nobody@acme.example", "not the password").await;
    assert_eq!(unknown.status(), 401);
    assert!(unknown.body.contains("Email or password is incorrect"));
    assert!(!unknown.body.contains("no account"));
    let home = client.get("/").await;
    assert_eq!(home.status(), 303, "still signed out");
}

#[tokio::test]
async fn empty_fields_are_reported_next_to_each_field() {
    let app = TestApp::spawn().await;
    let mut client = app.client();
    client.get("/login").await;
    let page = client.post("/login", &[("email", ""), ("password", "")]).await;
    assert_eq!(page.status(), 422);
    assert!(page.body.contains(r#"id="email-error""#) && page.body.contains("Enter your email address"));
    assert!(page.body.contains(r#"id="password-error""#) && page.body.contains("Enter your password"));
    assert!(page.body.contains(r#"aria-describedby="email-error""#));
}

#[tokio::test]
async fn repeated_failures_from_one_address_throttle_that_address_for_the_account_even_with_the_right_password() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut client = app.client();
    for _ in 0..portico::store::throttle::ACCOUNT_ADDRESS_LIMIT {
        assert_eq!(client.login(&agency.admin.email, "wrong password!").await.status(), 401);
    }
    let page = client.login(&agency.admin.email, ADMIN_PASSWORD).await;
    assert_eq!(page.status(), 429);
    assert!(page.body.contains("Too many failed sign-in attempts"), "{}", page.body);
    assert_eq!(
        client.get("/").await.status(),
        303,
        "the right password did not sign in"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL")
            .await,
        0
    );
}

/// Signs in through a proxy that says the request came from `address`.
async fn login_from(app: &TestApp, client: &mut Client, address: &str, email: &str, password: &str) -> Page {
    client.get("/login").await;
    let token = client.csrf.clone().expect("a CSRF token");
    let response = client
        .http
        .post(app.url("/login"))
        .header("X-Forwarded-For", address)
        .form(&[("email", email), ("password", password), ("csrf_token", token.as_str())])
        .send()
        .await
        .expect("post /login");
    let status = response.status().as_u16();
    assert!(status == 303 || status == 401 || status == 429, "{status}");
    client.get("/").await
}

#[tokio::test]
async fn failures_from_other_addresses_never_lock_the_owner_out_but_slow_the_guessing_down() {
    use portico::store::throttle::{ACCOUNT_SLOW_AFTER, SLOW_ANSWER};
    let app = TestApp::spawn_with(|settings| settings.trust_proxy = true).await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    // An attacker fails from many addresses, a few times each.
    for n in 0..ACCOUNT_SLOW_AFTER {
        let mut attacker = app.client();
        let page = login_from(
            &app,
            &mut attacker,
            &format!("203.0.113.{n}"),
            &agency.admin.email,
            "guess!guess!",
        )
        .await;
        assert_eq!(page.status(), 303, "not signed in");
    }
    // A further wrong guess is answered only after a pause…
    let mut attacker = app.client();
    attacker.get("/login").await;
    let token = attacker.csrf.clone().unwrap();
    let started = std::time::Instant::now();
    let response = attacker
        .http
        .post(app.url("/login"))
        .header("X-Forwarded-For", "198.51.100.7")
        .form(&[
            ("email", agency.admin.email.as_str()),
            ("password", "guess!guess!"),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert!(
        started.elapsed() >= SLOW_ANSWER,
        "answered after {:?}",
        started.elapsed()
    );
    // …while the owner, from their own address, signs in with the right password.
    let mut owner = app.client();
    let home = login_from(&app, &mut owner, "192.0.2.10", &agency.admin.email, ADMIN_PASSWORD).await;
    assert_eq!(home.status(), 200, "the owner is signed in");
}

#[tokio::test]
async fn a_stolen_session_cannot_guess_the_current_password_without_limit() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut thief = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    thief.get("/account").await;
    let attempt = |current: &'static str| {
        [
            ("current_password", current),
            ("new_password", "a brand new passphrase"),
            ("confirm_password", "a brand new passphrase"),
        ]
    };
    for _ in 0..portico::store::throttle::ACCOUNT_ADDRESS_LIMIT {
        let page = thief.post("/account/password", &attempt("not it at all")).await;
        assert_eq!(page.status(), 422);
    }
    let page = thief.post("/account/password", &attempt(ADMIN_PASSWORD)).await;
    assert_eq!(page.status(), 429, "{}", page.body);
    assert!(page.body.contains("Too many wrong passwords"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE '%password%'")
            .await,
        0,
        "the password was not changed"
    );
}

#[tokio::test]
async fn failures_from_one_address_throttle_every_account_from_it() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut client = app.client();
    for i in 0..portico::store::throttle::ADDRESS_LIMIT {
        let email = format!("guess{i}@acme.example");
        assert_eq!(client.login(&email, "wrong password!").await.status(), 401);
    }
    let page = client.login(&agency.admin.email, ADMIN_PASSWORD).await;
    assert_eq!(page.status(), 429);
}

#[tokio::test]
async fn signing_in_rotates_the_session_id_and_the_old_one_is_worthless() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut client = app.client();
    let login_page = client.get("/login").await;
    let before = login_page
        .header("set-cookie")
        .expect("an anonymous session for the form")
        .to_string();
    let before_value = before.split(';').next().unwrap().to_string();
    assert!(before.contains("HttpOnly") && before.contains("SameSite=Lax"));
    let response = client
        .post(
            "/login",
            &[("email", &agency.admin.email), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), 303);
    let after = response.header("set-cookie").expect("a new session id").to_string();
    let after_value = after.split(';').next().unwrap().to_string();
    assert_ne!(before_value, after_value);
    // The pre-login id no longer opens anything.
    let stale = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = stale
        .get(app.url("/users"))
        .header("cookie", &before_value)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let fresh = stale
        .get(app.url("/users"))
        .header("cookie", &after_value)
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
}

#[tokio::test]
async fn session_ids_are_stored_hashed() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut client = app.client();
    client.get("/login").await;
    let response = client
        .post(
            "/login",
            &[("email", &agency.admin.email), ("password", ADMIN_PASSWORD)],
        )
        .await;
    let cookie = response
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    let stored: Vec<String> = on_pool!(&app.db, |pool| sqlx::query_scalar("SELECT id FROM sessions")
        .fetch_all(pool)
        .await)
    .unwrap();
    assert!(!stored.is_empty());
    assert!(stored.iter().all(|id| id != &cookie && id.len() == 64));
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut client = app.client();
    client.get("/login").await;
    let response = client
        .post(
            "/login",
            &[("email", &agency.admin.email), ("password", ADMIN_PASSWORD)],
        )
        .await;
    let cookie = response
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    client.get("/").await;
    let out = client.post("/logout", &[]).await;
    assert_eq!(out.status(), 303);
    assert_eq!(out.location(), Some("/login"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL")
            .await,
        0
    );
    // Replaying the old cookie (as a thief would) gets nothing.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = replay.get(app.url("/")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login");
    let login = client.get("/login").await;
    assert!(login.body.contains("You have signed out."));
}

#[tokio::test]
async fn an_idle_session_expires_and_activity_pushes_expiry_thirty_minutes_ahead() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut client = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    assert_eq!(client.get("/").await.status(), 200);
    let expires: i64 = on_pool!(&app.db, |pool| {
        sqlx::query_scalar("SELECT MAX(expires_at) FROM sessions WHERE user_id IS NOT NULL")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    let now = chrono::Utc::now().timestamp();
    let idle = portico::web::ctx::IDLE_TIMEOUT_MINUTES * 60;
    assert!(
        (expires - now - idle).abs() < 120,
        "expiry {expires} should be about {idle}s after {now}"
    );
    // Thirty idle minutes later…
    on_pool!(&app.db, |pool| {
        sqlx::query("UPDATE sessions SET expires_at = $1")
            .bind(now - 1)
            .execute(pool)
            .await
            .map(|_| ())
    })
    .unwrap();
    let page = client.get("/").await;
    assert_eq!(page.status(), 303);
    assert_eq!(page.location(), Some("/login"));
}

#[tokio::test]
async fn a_session_ends_twelve_hours_after_sign_in_however_active() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut client = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    assert_eq!(client.get("/").await.status(), 200);
    let data: String = on_pool!(&app.db, |pool| {
        sqlx::query_scalar("SELECT data FROM sessions WHERE user_id IS NOT NULL")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&data).unwrap();
    let thirteen_hours_ago = chrono::Utc::now().timestamp() - 13 * 3600;
    value["login_at"] = serde_json::json!(thirteen_hours_ago);
    let data = value.to_string();
    on_pool!(&app.db, |pool| {
        sqlx::query("UPDATE sessions SET data = $1 WHERE user_id IS NOT NULL")
            .bind(&data)
            .execute(pool)
            .await
            .map(|_| ())
    })
    .unwrap();
    let page = client.get("/").await;
    assert_eq!(page.status(), 303);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn a_deactivated_user_loses_access_at_once() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    admin.get("/users").await;
    let added = admin
        .post(
            "/users",
            &[("name", "Ben Agent"), ("email", "ben@acme.example"), ("role", "agent")],
        )
        .await;
    assert_eq!(added.status(), 201, "{}", added.body);
    let password = one_time_password(&added.body);
    let ben = portico::store::users::find_by_email(&app.db, "ben@acme.example")
        .await
        .unwrap()
        .unwrap();
    let mut agent = app.signed_in("ben@acme.example", &password).await;
    assert_eq!(agent.get("/account").await.status(), 200);

    admin.get(&format!("/users/{}/deactivate", ben.id)).await;
    let done = admin.post(&format!("/users/{}/deactivate", ben.id), &[]).await;
    assert_eq!(done.status(), 303);
    let page = agent.get("/account").await;
    assert_eq!(page.status(), 303, "the agent's open session ends immediately");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL")
            .await,
        1,
        "only the admin's"
    );
    let again = app.client().login("ben@acme.example", &password).await;
    assert_eq!(again.status(), 401);
    assert!(again.body.contains("deactivated"));
}

#[tokio::test]
async fn a_one_time_password_must_be_replaced_before_anything_else() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    admin.get("/users").await;
    let added = admin
        .post(
            "/users",
            &[("name", "Ben Agent"), ("email", "ben@acme.example"), ("role", "agent")],
        )
        .await;
    let password = one_time_password(&added.body);
    let mut agent = app.client();
    let signed_in = agent.login("ben@acme.example", &password).await;
    assert_eq!(signed_in.location(), Some("/account"));
    assert_eq!(agent.get("/").await.location(), Some("/account"));
    let account = agent.get("/account").await;
    assert!(account.body.contains("one-time password"));
    let wrong = agent
        .post(
            "/account/password",
            &[
                ("current_password", "nope"),
                ("new_password", "short"),
                ("confirm_password", "different"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert!(wrong.body.contains("Your current password is incorrect"));
    assert!(wrong.body.contains("Use at least 12 characters"));
    assert!(wrong.body.contains("The passwords do not match"));
    let changed = agent
        .post(
            "/account/password",
            &[
                ("current_password", &password),
                ("new_password", "a much better passphrase"),
                ("confirm_password", "a much better passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.status(), 303);
    assert_eq!(agent.get("/").await.status(), 200);
    let fresh = app.client().login("ben@acme.example", "a much better passphrase").await;
    assert_eq!(fresh.location(), Some("/"));
}

#[tokio::test]
async fn changing_a_password_signs_out_the_users_other_sessions() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut laptop = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let mut phone = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    laptop.get("/account").await;
    let changed = laptop
        .post(
            "/account/password",
            &[
                ("current_password", ADMIN_PASSWORD),
                ("new_password", "another long passphrase"),
                ("confirm_password", "another long passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.status(), 303);
    assert_eq!(laptop.get("/").await.status(), 200);
    assert_eq!(phone.get("/").await.status(), 303);
}

#[tokio::test]
async fn state_changes_without_a_valid_csrf_token_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    admin.get("/users").await;
    let users_before = app.count("SELECT COUNT(*) FROM users").await;
    let audit_before = app.count("SELECT COUNT(*) FROM audit_log").await;

    let fields = [
        ("name", "Eve Intruder"),
        ("email", "eve@evil.example"),
        ("role", "admin"),
    ];
    let missing = admin.post_raw("/users", &fields).await;
    assert_eq!(missing.status(), 403);
    assert!(missing.body.contains("This form has expired"));
    let mut wrong = fields.to_vec();
    wrong.push(("csrf_token", "not-the-token"));
    assert_eq!(admin.post_raw("/users", &wrong).await.status(), 403);
    let wrong_header = admin
        .http
        .post(app.url("/users"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("X-CSRF-Token", "forged")
        .body("name=Eve&email=eve%40evil.example&role=admin")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_header.status(), 403);
    assert_eq!(
        admin.post_raw("/logout", &[]).await.status(),
        403,
        "even sign-out needs the token"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users_before);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audit_before);
    assert_eq!(admin.get("/").await.status(), 200, "still signed in");

    // The htmx header alone is accepted.
    let token = admin.csrf.clone().unwrap();
    let via_header = admin
        .http
        .post(app.url("/users"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("X-CSRF-Token", token)
        .body("name=Hal+Header&email=hal%40acme.example&role=agent")
        .send()
        .await
        .unwrap();
    assert_eq!(via_header.status(), 201);
}

#[tokio::test]
async fn the_login_form_itself_needs_the_csrf_token() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut client = app.client();
    client.get("/login").await;
    let page = client
        .post_raw(
            "/login",
            &[("email", &agency.admin.email), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(page.status(), 403);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn after_sign_in_the_visitor_returns_to_the_page_they_asked_for_but_never_offsite() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut client = app.client();
    let page = client.get("/audit?entity=user").await;
    assert_eq!(page.location(), Some("/login?next=%2Faudit%3Fentity%3Duser"));
    client.get("/login?next=%2Faudit%3Fentity%3Duser").await;
    let response = client
        .post(
            "/login",
            &[
                ("email", &agency.admin.email),
                ("password", ADMIN_PASSWORD),
                ("next", "/audit?entity=user"),
            ],
        )
        .await;
    assert_eq!(response.location(), Some("/audit?entity=user"));
    let mut other = app.client();
    other.get("/login").await;
    let response = other
        .post(
            "/login",
            &[
                ("email", &agency.admin.email),
                ("password", ADMIN_PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(response.location(), Some("/"));
    // Browsers strip tabs and line breaks from a Location, and read `\` as `/`.
    for next in [
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/\\evil.example/",
        "/\r\n/evil.example/",
    ] {
        let mut other = app.client();
        other.get("/login").await;
        let response = other
            .post(
                "/login",
                &[
                    ("email", &agency.admin.email),
                    ("password", ADMIN_PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(response.location(), Some("/"), "{next:?}");
    }
}

#[tokio::test]
async fn over_https_the_cookie_is_secure_and_host_prefixed_and_hsts_is_sent() {
    let app = TestApp::spawn_with(|settings| {
        settings.https = true;
        settings.base_url = "https://portico.example".into();
    })
    .await;
    let response = reqwest::get(app.url("/login")).await.unwrap();
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("__Host-portico_session="), "{cookie}");
    assert!(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"));
    assert!(
        response.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
}
