//! Command line and environment configuration. Every option can be given as a
//! flag or as an environment variable; `portico --help` lists both.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The `portico` command line.
#[derive(Debug, Parser)]
#[command(
    name = "portico",
    version,
    about = "Portico: a self-hosted platform for UK lettings agencies"
)]
pub struct Cli {
    /// What to do; `serve` when not given.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options for `serve`, also accepted without the subcommand.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// The subcommands of `portico`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application (the default).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Manage agencies (organisations).
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Manage back-office users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Check the derived structures (search index, compliance list, inbox
    /// order, SQLite indexes) against their rows and rebuild any that disagree.
    Check(DatabaseArgs),
    /// Fill an empty database with an agency-scale dataset for benchmarks (see BENCHMARKS.md).
    SeedBench(SeedBenchArgs),
    /// Exit 0 when the server at `--bind` answers `/healthz` (for Docker's HEALTHCHECK).
    Healthcheck {
        /// Address of the running server.
        #[arg(long, env = "PORTICO_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
    },
}

/// `portico org …`
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an agency and its first admin; prints the admin's one-time password last.
    Create {
        /// The agency's name as customers see it.
        #[arg(long)]
        name: String,
        /// Email address of the agency's first admin.
        #[arg(long)]
        admin_email: String,
        /// Display name of the first admin (defaults to the part of the email before `@`).
        #[arg(long)]
        admin_name: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// `portico user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Give a user a new one-time password; prints it last.
    ResetPassword {
        /// The user's email address.
        #[arg(long)]
        email: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// Options of `portico seed-bench`.
#[derive(Debug, Clone, Args)]
pub struct SeedBenchArgs {
    /// Landlords of the large agency; properties, tenancies, certificates, tokens and
    /// messages scale from it (2×, 3×, 5×, ½×, 10×).
    #[arg(long, default_value_t = 20_000)]
    pub landlords: usize,
    /// Smaller agencies beside the large one, each 1/100 of its size.
    #[arg(long, default_value_t = 50)]
    pub small_agencies: usize,
    /// Password of every seeded agency's admin (at least 12 characters).
    #[arg(
        long,
        env = "PORTICO_BENCH_PASSWORD",
        default_value = "bench-password-2026",
        hide_env_values = true
    )]
    pub admin_password: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Folder holding the secret key that signs the printed portal links (as for `serve`).
    #[arg(long, env = "PORTICO_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Server secret, as for `serve`; links are signed with it.
    #[arg(long, env = "PORTICO_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<crate::secret::Redacted>,
}

/// Where the database lives.
#[derive(Clone, Args)]
pub struct DatabaseArgs {
    /// `sqlite://path` (the folder and file are created) or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/portico.db")]
    pub database_url: String,
}

impl std::fmt::Debug for DatabaseArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseArgs")
            .field("database_url", &crate::secret::without_password(&self.database_url))
            .finish()
    }
}

/// Options of `portico serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "PORTICO_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Public URL of this server, used to build absolute links (defaults to http://BIND, or
    /// http://localhost:PORT when bound to every address).
    #[arg(long, env = "PORTICO_BASE_URL")]
    pub base_url: Option<String>,
    /// Folder for the secret key and, by default, the SQLite database and uploads.
    #[arg(long, env = "PORTICO_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Server secret (at least 32 characters). Generated once into DATA_DIR/secret.key when absent;
    /// set it explicitly when several nodes share one PostgreSQL database.
    #[arg(long, env = "PORTICO_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<crate::secret::Redacted>,
    /// Create (or refresh the password of) a demo agency and print its admin login.
    #[arg(long, env = "PORTICO_DEMO")]
    pub demo: bool,
    /// Take the client address from the last X-Forwarded-For entry (only behind a reverse proxy).
    #[arg(long, env = "PORTICO_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// Largest document upload accepted, in megabytes.
    #[arg(long, env = "PORTICO_MAX_UPLOAD_MB", default_value_t = 20)]
    pub max_upload_mb: u64,
    /// Log format: `text` or `json`.
    #[arg(long, env = "PORTICO_LOG_FORMAT", default_value = "text")]
    pub log_format: LogFormat,
    /// Mail server: `smtp://user:pass@host:587` (STARTTLS required; add `?tls=none` for a local
    /// server without TLS) or `smtps://user:pass@host:465`. Unset: emails are written as .eml
    /// files to DATA_DIR/mail.
    #[arg(long, env = "PORTICO_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<crate::secret::Redacted>,
    /// How many days a tenant portal invite stays usable.
    #[arg(long, env = "PORTICO_TENANT_INVITE_DAYS", default_value_t = 14)]
    pub tenant_invite_days: i64,
    /// How many days a contractor's emailed link to a work order stays usable.
    #[arg(long, env = "PORTICO_CONTRACTOR_LINK_DAYS", default_value_t = 30)]
    pub contractor_link_days: i64,
    /// Seconds between runs of the invite expiry sweep and the contractor reminders.
    #[arg(long, env = "PORTICO_SWEEP_INTERVAL", default_value_t = 3600)]
    pub sweep_interval: u64,
    /// The sender of every email; the agency's name is shown with it.
    #[arg(long, env = "PORTICO_MAIL_FROM", default_value = crate::mail::DEFAULT_FROM)]
    pub mail_from: String,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

impl ServeArgs {
    /// The base URL used for absolute links, without a trailing slash.
    pub fn effective_base_url(&self) -> String {
        match &self.base_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            // An unspecified bind address (0.0.0.0, as in Docker) is reached on localhost.
            None if self.bind.ip().is_unspecified() => format!("http://localhost:{}", self.bind.port()),
            None => format!("http://{}", self.bind),
        }
    }
}
