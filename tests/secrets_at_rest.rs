//! No live secret at rest (issue 13, defect 7): after the demo, a landlord
//! portal link email, a tenant invite and a tenant sign-in code have been
//! delivered, a whole dump of the database (`sqlite3 .dump`, or `pg_dump` on
//! PostgreSQL) holds none of the portal links, invite links or codes, and the
//! admins' Email page shows none of them either.

mod common;

use std::process::Command;

use common::*;
use uuid::Uuid;

fn dump(app: &TestApp) -> Option<String> {
    let output = if app.postgres {
        Command::new("pg_dump").arg(&app.database.url).output()
    } else {
        let path = app.db.sqlite_path().expect("a SQLite file");
        Command::new("sqlite3").arg(path).arg(".dump").output()
    };
    match output {
        Ok(output) if output.status.success() => Some(String::from_utf8_lossy(&output.stdout).into_owned()),
        Ok(output) => panic!("the dump failed: {}", String::from_utf8_lossy(&output.stderr)),
        Err(_) => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_dump_after_delivery_holds_no_live_link_or_code() {
    let app = TestApp::spawn().await;
    let key = app.state.settings.secret_key.clone();
    portico::demo::ensure(&app.db, app.state.files.as_ref())
        .await
        .expect("demo");

    // A landlord portal link, emailed by an agent.
    let agency = app.agency("Harbour Lettings", "ada@harbour.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = app.property(agency.org.id, |_| {}).await;
    let (token, _) = app.portal_for(agency.org.id, home).await;
    admin.get(&format!("/portal-access/{token}")).await;
    assert_eq!(
        admin
            .post(&format!("/portal-access/{token}/email-link"), &[])
            .await
            .status(),
        303
    );

    // A tenant invite, accepted, then a sign-in code.
    let (mut agent, tenancy, _) = deposit_tenancy(&app, "Acme Lettings", "ada@acme.example", "ben@example.com").await;
    let tenant_id: Uuid = portico::on_pool!(&app.db, |pool| sqlx::query_scalar(
        "SELECT id FROM tenants WHERE email = 'ben@example.com'"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    agent.get(&format!("/tenancies/{tenancy}")).await;
    agent
        .post(
            &format!("/tenancies/{tenancy}/invites"),
            &[("tenant_id", &tenant_id.to_string())],
        )
        .await;
    while app.deliver_mail().await > 0 {}
    let invite_mail = app
        .mailbox
        .delivered()
        .into_iter()
        .find(|m| m.to == "ben@example.com")
        .expect("the invite email");
    let start = invite_mail.text.find("/tenant-portal/invite/").expect("an invite link");
    let invite_path: String = invite_mail.text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let mut ben = app.client();
    ben.get(&invite_path).await;
    ben.post(&invite_path, &[]).await;
    let mut later = app.client();
    later.get("/tenant-portal/login").await;
    later
        .post("/tenant-portal/login", &[("email", "ben@example.com")])
        .await;
    while app.deliver_mail().await > 0 {}
    let delivered = app.mailbox.delivered();
    let code_mail = delivered
        .iter()
        .find(|m| m.subject.contains("sign-in code"))
        .expect("the code email");
    let code = code_in(&code_mail.text);

    // Every live secret there is: each portal token's link, each invite's link, the code.
    let mut secrets = vec![code.clone()];
    let tokens: Vec<(Uuid, String)> = portico::on_pool!(&app.db, |pool| sqlx::query_as(
        "SELECT id, link_nonce FROM landlord_portal_tokens"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert!(tokens.len() >= 2, "the demo's and Harbour's");
    for (id, nonce) in tokens {
        secrets.push(portico::domain::portal::link_token(&key, id, &nonce));
    }
    let invites: Vec<Uuid> = portico::on_pool!(&app.db, |pool| sqlx::query_scalar(
        "SELECT id FROM tenant_portal_invites"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert!(!invites.is_empty());
    for id in invites {
        let invite = portico::store::tenant_invites::get_for_link(&app.db, id)
            .await
            .unwrap()
            .unwrap();
        secrets.push(invite.link_token(&key));
    }
    assert!(
        delivered
            .iter()
            .any(|m| secrets.iter().any(|s| m.text.contains(s.as_str()))),
        "the delivered emails did carry the secrets"
    );

    let Some(dump) = dump(&app) else {
        required(
            false,
            "sqlite3 or pg_dump is not installed (apt-get install sqlite3 postgresql-client)",
        );
        return;
    };
    assert!(
        dump.contains(portico::store::outbox::REMOVED_AFTER_SENDING),
        "the sent emails are in the dump"
    );
    for secret in &secrets {
        assert!(!dump.contains(secret.as_str()), "{secret} is in the database dump");
    }
    let harbour_page = admin.get("/outbox?status=sent").await.body;
    assert!(harbour_page.contains("Your landlord portal at Harbour Lettings"));
    let acme_page = agent.get("/outbox?status=sent").await.body;
    assert!(acme_page.contains("Your sign-in code for Acme Lettings"), "{acme_page}");
    for secret in &secrets {
        assert!(
            !harbour_page.contains(secret.as_str()) && !acme_page.contains(secret.as_str()),
            "{secret} is on the Email page"
        );
    }
}
