//! The HTTP layer: state, the route table, middleware, pages.

pub mod access;
pub mod assets;
pub mod back_office;
pub mod body_limit;
pub mod contractor_mail;
pub mod contractor_port;
pub mod csrf;
pub mod ctx;
pub mod health;
pub mod invites;
pub mod landlord_portal;
pub mod limiter;
pub mod links;
pub mod middleware;
pub mod paths;
pub mod photo_files;
pub mod security;
pub mod tenant_portal;
pub mod ui;
pub mod uploads;

use std::ops::Deref;
use std::sync::Arc;

use poem::{Endpoint, EndpointExt};

use crate::db::Db;
use crate::db::session_store::SqlSessionStore;

/// Settings the web layer needs, resolved from the command line at start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Public base URL without a trailing slash, for absolute links.
    pub base_url: String,
    /// Whether the base URL is https: secure `__Host-` cookies and HSTS.
    pub https: bool,
    /// Take the client address from X-Forwarded-For (behind a reverse proxy).
    pub trust_proxy: bool,
    /// The server secret (HMAC key for portal links and the like); `Debug`
    /// shows it as `[redacted]`.
    pub secret_key: crate::secret::SecretKey,
    /// Where uploaded documents are kept (`DATA_DIR/documents`).
    pub documents_dir: std::path::PathBuf,
    /// Largest upload accepted, in bytes.
    pub max_upload_bytes: u64,
    /// Failed portal link lookups allowed per client address per window before 429.
    pub portal_failure_limit: usize,
    /// The window of `portal_failure_limit`.
    pub portal_failure_window: std::time::Duration,
    /// How long a tenant portal invite stays usable, in days.
    pub tenant_invite_days: i64,
    /// How long a contractor's emailed link stays usable, in days.
    pub contractor_link_days: i64,
    /// Where "now" and "today" (in London) come from; tests fix it.
    pub clock: crate::clock::Clock,
}

impl Settings {
    /// Settings for a base URL; https is derived from its scheme.
    pub fn new(base_url: &str, trust_proxy: bool, secret_key: Vec<u8>) -> Settings {
        let base_url = base_url.trim_end_matches('/').to_string();
        Settings {
            https: base_url.starts_with("https://"),
            base_url,
            trust_proxy,
            secret_key: crate::secret::SecretKey::new(secret_key),
            documents_dir: std::path::PathBuf::from("data").join("documents"),
            max_upload_bytes: 20 * 1024 * 1024,
            portal_failure_limit: 20,
            portal_failure_window: std::time::Duration::from_secs(600),
            tenant_invite_days: 14,
            contractor_link_days: 30,
            clock: crate::clock::Clock::System,
        }
    }
}

/// Shared, cheaply cloned application state.
#[derive(Clone, Debug)]
pub struct AppState(Arc<StateInner>);

/// What [`AppState`] holds.
#[derive(Debug)]
pub struct StateInner {
    /// The database.
    pub db: Db,
    /// Session storage in the database.
    pub sessions: Arc<SqlSessionStore>,
    /// Resolved settings.
    pub settings: Settings,
    /// Uploaded files, through `object_store` (the local data dir today; an
    /// S3-compatible store is a configuration change).
    pub files: Arc<dyn object_store::ObjectStore>,
    /// Failed portal link lookups per client address.
    pub portal_failures: limiter::FailureLimiter,
    /// Where a write refused for lack of disk space is recorded, so that the
    /// derived structures are checked once space may be back.
    pub storage_full_events: crate::db::StorageFullEvents,
}

impl AppState {
    /// State over a database with the given settings; creates the documents folder.
    pub fn new(db: Db, settings: Settings) -> anyhow::Result<AppState> {
        std::fs::create_dir_all(&settings.documents_dir)?;
        let files = Arc::new(object_store::local::LocalFileSystem::new_with_prefix(
            &settings.documents_dir,
        )?);
        let sessions = Arc::new(SqlSessionStore::new(db.clone()));
        let portal_failures =
            limiter::FailureLimiter::new(settings.portal_failure_limit, settings.portal_failure_window);
        Ok(AppState(Arc::new(StateInner {
            db,
            sessions,
            settings,
            files,
            portal_failures,
            storage_full_events: crate::db::StorageFullEvents::default(),
        })))
    }
}

impl Deref for AppState {
    type Target = StateInner;
    fn deref(&self) -> &StateInner {
        &self.0
    }
}

/// Whether htmx sent the request and wants a fragment (a history restore wants
/// the whole page).
pub fn is_htmx(req: &poem::Request) -> bool {
    req.header("HX-Request") == Some("true") && req.header("HX-History-Restore-Request").is_none()
}

/// What every door shares at the root: probes, assets, the favicon and robots.txt.
pub const SITE: access::Door = access::Door {
    name: "site",
    mount: None,
    sign_in: None,
    error_pages: access::ErrorPages::Staff,
    csrf: crate::web::access::CsrfGuard::Session,
    private: false,
};

/// The access table: every route of every door, with the caller it serves.
pub fn routes() -> Vec<access::Declared> {
    use access::Caller::Anyone;
    let site = access::DoorRoutes::new(SITE)
        .get(paths::HEALTHZ, Anyone, health::healthz)
        .get(paths::READYZ, Anyone, health::readyz)
        .get(paths::pattern::ASSET, Anyone, assets::serve)
        .get(paths::FAVICON, Anyone, assets::favicon)
        .get(paths::ROBOTS, Anyone, landlord_portal::robots)
        .into_routes();
    let mut table = site;
    table.extend(back_office::routes());
    table.extend(landlord_portal::routes());
    table.extend(tenant_portal::routes());
    table.extend(contractor_port::routes());
    table
}

/// The whole application as one endpoint; `main` serves it and tests drive it.
pub fn app(state: AppState) -> impl Endpoint {
    let observe_state = state.clone();
    access::router(routes())
        .data(state)
        .around(middleware::compress_html)
        .around(move |ep, req| middleware::observe(observe_state.clone(), ep, req))
}

/// The client's address for throttling: the peer, or with `trust_proxy` the last
/// `X-Forwarded-For` entry (the one our own proxy added).
pub fn client_addr(req: &poem::Request, settings: &Settings) -> String {
    if settings.trust_proxy
        && let Some(forwarded) = req.header("X-Forwarded-For")
        && let Some(last) = forwarded.rsplit(',').next()
        && !last.trim().is_empty()
    {
        return last.trim().to_string();
    }
    match req.remote_addr().as_socket_addr() {
        Some(addr) => addr.ip().to_string(),
        None => "unknown".to_string(),
    }
}
