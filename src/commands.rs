//! What each subcommand does.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use poem::Server;
use poem::listener::TcpListener;

use crate::config::{Cli, Command, DatabaseArgs, LogFormat, OrgCommand, SeedBenchArgs, ServeArgs, UserCommand};
use crate::db::{Db, is_postgres_url};
use crate::mail::Mailer;
use crate::mail::outbox::{self, OutboxSettings};
use crate::store::orgs;
use crate::web::{AppState, Settings};
use crate::{demo, jobs, passwords, provision, secret};

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::Migrate(database)) => {
            init_tracing(LogFormat::Text);
            open(&database).await?;
            println!("Migrations applied.");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Org {
            command:
                OrgCommand::Create {
                    name,
                    admin_email,
                    admin_name,
                    database,
                },
        }) => {
            init_tracing(LogFormat::Text);
            let db = open(&database).await?;
            let agency = provision::create_agency(&db, &name, &admin_email, admin_name.as_deref()).await?;
            println!("Created agency \"{}\" (slug {}).", agency.org.name, agency.org.slug);
            println!("Admin: {} <{}>", agency.admin.name, agency.admin.email);
            println!("One-time password for {}: {}", agency.admin.email, agency.password);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::User {
            command: UserCommand::ResetPassword { email, database },
        }) => {
            init_tracing(LogFormat::Text);
            let db = open(&database).await?;
            let password = passwords::one_time_password();
            let user = provision::set_password(&db, &email, &password, true).await?;
            println!("Password reset; {} must choose a new one at sign-in.", user.email);
            println!("One-time password for {}: {}", user.email, password);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::SeedBench(args)) => seed_bench(args).await,
        Some(Command::Check(database)) => check(&database).await,
        Some(Command::Healthcheck { bind }) => Ok(healthcheck(bind).await),
    }
}

/// `portico seed-bench`: builds the dataset and prints, one per line, what the bench
/// script needs (`key: value`).
async fn seed_bench(args: SeedBenchArgs) -> anyhow::Result<ExitCode> {
    init_tracing(LogFormat::Text);
    crate::domain::users::check_new_password(&args.admin_password).map_err(anyhow::Error::msg)?;
    let secret_key = secret::resolve(args.secret_key.as_ref().map(secret::Redacted::expose), &args.data_dir)?;
    let db = open(&args.database).await?;
    let started = std::time::Instant::now();
    let scale = crate::seed_bench::Scale {
        landlords: args.landlords,
        small_agencies: args.small_agencies,
    };
    let seeded = crate::seed_bench::seed(&db, &secret_key, scale, &args.admin_password).await?;
    db.refresh_planner_statistics(true).await?;
    for (table, count) in &seeded.counts {
        println!("count {table}: {count}");
    }
    println!("seconds: {:.1}", started.elapsed().as_secs_f64());
    println!("admin email: {}", crate::seed_bench::ADMIN_EMAIL);
    println!("portal token: {}", seeded.typical_portal_link);
    println!("portal property: {}", seeded.typical_property_id);
    println!("portal newest message: {}", seeded.typical_newest_message_id);
    println!("portfolio portal token: {}", seeded.portfolio_portal_link);
    println!("landlord email: {}", seeded.landlord_email);
    for (link, newest) in &seeded.refresh_targets {
        println!("refresh target: {link} {newest}");
    }
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

/// `portico check`: compares every derived structure with the rows it derives
/// from, rebuilds any that disagree, and says what it found and did. Exits 1
/// only when damage remains that no rebuild could mend.
async fn check(database: &DatabaseArgs) -> anyhow::Result<ExitCode> {
    init_tracing(LogFormat::Text);
    let db = open(database).await?;
    let report = crate::store::derived::repair(&db, "on request (portico check)").await?;
    for finding in &report.found {
        println!("Found: {}: {}", finding.structure, finding.problem);
    }
    for structure in &report.rebuilt {
        println!("Rebuilt {structure}.");
    }
    for finding in &report.remaining {
        println!("Still damaged: {}: {}", finding.structure, finding.problem);
    }
    db.close().await;
    if report.is_consistent() {
        if report.found.is_empty() {
            println!("Every derived structure agrees with its rows.");
        }
        Ok(ExitCode::SUCCESS)
    } else {
        println!("Restore the database from a backup.");
        Ok(ExitCode::FAILURE)
    }
}

/// Sets up logging once: text or JSON lines, level from `RUST_LOG` (default info).
pub fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

async fn open(database: &DatabaseArgs) -> anyhow::Result<Db> {
    let db = Db::connect(&database.database_url).await?;
    crate::store::prepare(&db).await.context("could not apply migrations")?;
    Ok(db)
}

async fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_tracing(args.log_format);
    if is_postgres_url(&args.database.database_url) && args.secret_key.is_none() {
        anyhow::bail!(
            "on PostgreSQL set PORTICO_SECRET_KEY (the same value on every node), e.g. the output of `openssl rand -hex 32`"
        );
    }
    let secret_key = secret::resolve(args.secret_key.as_ref().map(secret::Redacted::expose), &args.data_dir)?;
    let mail_from: lettre::message::Mailbox = args
        .mail_from
        .parse()
        .with_context(|| format!("PORTICO_MAIL_FROM is not a valid address: {}", args.mail_from))?;
    let mailer = Mailer::from_config(args.smtp_url.as_ref().map(secret::Redacted::expose), &args.data_dir)?;
    let db = open(&args.database).await?;
    let base_url = args.effective_base_url();
    let mut settings = Settings::new(&base_url, args.trust_proxy, secret_key);
    settings.documents_dir = args.data_dir.join("documents");
    settings.max_upload_bytes = args.max_upload_mb.saturating_mul(1024 * 1024);
    anyhow::ensure!(
        (1..=365).contains(&args.tenant_invite_days),
        "PORTICO_TENANT_INVITE_DAYS must be between 1 and 365"
    );
    settings.tenant_invite_days = args.tenant_invite_days;
    anyhow::ensure!(
        (1..=365).contains(&args.contractor_link_days),
        "PORTICO_CONTRACTOR_LINK_DAYS must be between 1 and 365"
    );
    settings.contractor_link_days = args.contractor_link_days;
    let state = AppState::new(db.clone(), settings)?;
    if args.demo {
        let login = demo::ensure(&db, state.files.as_ref()).await?;
        println!("Demo admin login: {base_url}/login {} {}", login.email, login.password);
        if let Some(token) = demo::portal_token(&db).await? {
            println!("Demo landlord portal: {}", crate::web::links::link_url(&state, &token));
        }
        if let Some(url) = demo::tenant_invite_link(&db, &state.settings).await? {
            println!("Demo tenant portal: {url}");
        }
        if let Some(url) = demo::contractor_link(&db, &state.settings).await? {
            println!("Demo contractor link: {url}");
        }
    } else if orgs::count(&db).await? == 0 {
        println!("No agency exists yet. Create one with:");
        println!("  portico org create --name \"Your Agency\" --admin-email you@example.com");
        println!("or restart with --demo to explore a demo agency.");
    }
    tokio::spawn(jobs::housekeeping(db.clone()));
    tokio::spawn(jobs::derived_at_start_up(db.clone()));
    tokio::spawn(jobs::derived_after_storage_full(
        db.clone(),
        state.storage_full_events.clone(),
    ));
    tracing::info!(mailer = ?mailer, "email outbox worker started");
    tokio::spawn(outbox::run(db.clone(), mailer, OutboxSettings::new(mail_from)));
    tokio::spawn(crate::deposit_notify::run(db.clone(), state.settings.clone()));
    tokio::spawn(jobs::invite_sweep(
        db.clone(),
        Duration::from_secs(args.sweep_interval.max(1)),
    ));
    tokio::spawn(crate::contractor_reminders::run(
        state.clone(),
        Duration::from_secs(args.sweep_interval.max(1)),
    ));
    let listener = TcpListener::bind(args.bind);
    tracing::info!(bind = %args.bind, base_url = %base_url, "Portico is listening");
    Server::new(listener)
        .run_with_graceful_shutdown(crate::web::app(state), shutdown_signal(), Some(Duration::from_secs(10)))
        .await?;
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

/// A tiny HTTP/1.0 GET of `/healthz`, since the runtime image has no curl.
async fn healthcheck(bind: std::net::SocketAddr) -> ExitCode {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let target = if bind.ip().is_unspecified() {
        std::net::SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), bind.port())
    } else {
        bind
    };
    let attempt = async {
        let mut stream = tokio::net::TcpStream::connect(target).await?;
        stream
            .write_all(format!("GET {} HTTP/1.0\r\nHost: {target}\r\n\r\n", crate::web::paths::HEALTHZ).as_bytes())
            .await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        Ok::<_, std::io::Error>(response)
    };
    match tokio::time::timeout(Duration::from_secs(5), attempt).await {
        Ok(Ok(response)) if response.starts_with(b"HTTP/1.1 200") || response.starts_with(b"HTTP/1.0 200") => {
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("unhealthy: no healthy answer from http://{target}/healthz");
            ExitCode::FAILURE
        }
    }
}
