//! The HTTP layer: state, the route table, middleware, pages.

pub mod assets;
pub mod back_office;
pub mod ctx;
pub mod health;
pub mod invites;
pub mod landlord_portal;
pub mod limiter;
pub mod middleware;
pub mod paths;
pub mod security;
pub mod tenant_portal;
pub mod ui;

use std::ops::Deref;
use std::sync::Arc;

use poem::{Endpoint, EndpointExt, Route, get, post};

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

/// The whole application as one endpoint; `main` serves it and tests drive it.
pub fn app(state: AppState) -> impl Endpoint {
    use back_office::{
        account, audit, auth, compliance, documents, home, landlords, messages, outbox, portal_access, properties,
        settings, tenancies, users, work,
    };
    use landlord_portal as portal;
    use paths::pattern;

    let routes = Route::new()
        .at(paths::HOME, get(home::page))
        .at(paths::LOGIN, get(auth::login_page).post(auth::login_submit))
        .at(paths::LOGOUT, post(auth::logout))
        .at(paths::ACCOUNT, get(account::page))
        .at(paths::ACCOUNT_PASSWORD, post(account::change_password))
        .at(paths::USERS, get(users::page).post(users::create))
        .at(pattern::USER_ROLE, post(users::change_role))
        .at(
            pattern::USER_DEACTIVATE,
            get(users::confirm_deactivate).post(users::deactivate),
        )
        .at(pattern::USER_REACTIVATE, post(users::reactivate))
        .at(paths::AUDIT, get(audit::page))
        .at(paths::LANDLORDS, get(landlords::list).post(landlords::create))
        .at(paths::LANDLORD_NEW, get(landlords::new_form))
        .at(pattern::LANDLORD, get(landlords::show))
        .at(
            pattern::LANDLORD_EDIT,
            get(landlords::edit_form).post(landlords::update),
        )
        .at(
            pattern::LANDLORD_ARCHIVE,
            get(landlords::confirm_archive).post(landlords::archive),
        )
        .at(pattern::LANDLORD_RESTORE, post(landlords::restore))
        .at(
            pattern::LANDLORD_ANONYMISE,
            get(landlords::confirm_anonymise).post(landlords::anonymise),
        )
        .at(paths::PROPERTIES, get(properties::list).post(properties::create))
        .at(paths::PROPERTY_NEW, get(properties::new_form))
        .at(paths::LANDLORD_PICKER, get(properties::landlord_picker))
        .at(pattern::PROPERTY, get(properties::show))
        .at(
            pattern::PROPERTY_EDIT,
            get(properties::edit_form).post(properties::update),
        )
        .at(
            pattern::PROPERTY_TENANCY_NEW,
            get(tenancies::new_form).post(tenancies::create),
        )
        .at(pattern::TENANCY, get(tenancies::show))
        .at(pattern::TENANCY_EDIT, get(tenancies::edit_form).post(tenancies::update))
        .at(
            pattern::PROPERTY_CERTIFICATE_NEW,
            get(compliance::new_form).post(compliance::create),
        )
        .at(
            pattern::CERTIFICATE_EDIT,
            get(compliance::edit_form).post(compliance::update),
        )
        .at(paths::COMPLIANCE, get(compliance::page))
        .at(pattern::PROPERTY_TASK_NEW, get(work::new_task).post(work::create_task))
        .at(pattern::TASK_COMPLETE, post(work::complete_task))
        .at(
            pattern::PROPERTY_OFFER_NEW,
            get(work::new_offer).post(work::create_offer),
        )
        .at(pattern::OFFER, get(work::show_offer))
        .at(pattern::OFFER_STATUS, post(work::move_offer))
        .at(pattern::PROPERTY_DOCUMENTS, post(documents::upload))
        .at(pattern::DOCUMENT_DOWNLOAD, get(documents::download))
        .at(
            pattern::DOCUMENT_DELETE,
            get(documents::confirm_delete).post(documents::delete),
        )
        .at(paths::SETTINGS, get(settings::page).post(settings::save))
        .at(paths::SETTINGS_PREVIEW, get(settings::preview_fragment))
        .at(paths::BRAND_CSS, get(settings::brand_css))
        .at(paths::HEALTHZ, get(health::healthz))
        .at(paths::READYZ, get(health::readyz))
        .at(pattern::ASSET, get(assets::serve))
        .at(paths::FAVICON, get(assets::favicon))
        .at(paths::ROBOTS, get(portal::robots))
        .at(pattern::LANDLORD_PORTAL_GRANT, post(portal_access::grant_from_landlord))
        .at(pattern::PROPERTY_PORTAL_GRANT, post(portal_access::grant_from_property))
        .at(paths::PORTAL_ACCESS, get(portal_access::list))
        .at(pattern::PORTAL_TOKEN, get(portal_access::show))
        .at(pattern::PORTAL_TOKEN_ACTION, post(portal_access::act))
        .at(paths::MESSAGES, get(messages::inbox))
        .at(pattern::MESSAGE_THREAD, get(messages::show).post(messages::send))
        .at(pattern::MESSAGE_THREAD_POLL, get(messages::poll))
        .at(paths::OUTBOX, get(outbox::page))
        .at(pattern::OUTBOX_RETRY, post(outbox::retry))
        .at(pattern::PORTAL_HOME, get(portal::properties::home))
        .at(pattern::PORTAL_PROPERTIES, get(portal::properties::list))
        .at(pattern::PORTAL_PROPERTY, get(portal::properties::show))
        .at(pattern::PORTAL_PROPERTY_VIEW, get(portal::properties::show_view))
        .at(pattern::PORTAL_DOCUMENT, get(portal::properties::download))
        .at(
            pattern::PORTAL_DEPOSIT_RELEASE,
            post(portal::properties::propose_release),
        )
        .at(pattern::PORTAL_TASKS, get(portal::tasks::list))
        .at(pattern::PORTAL_TASK_COMPLETE, post(portal::tasks::complete))
        .at(pattern::PORTAL_OFFERS, get(portal::offers::list))
        .at(pattern::PORTAL_OFFER_REVIEW, post(portal::offers::review))
        .at(
            pattern::PORTAL_MESSAGES,
            get(portal::messages::list).post(portal::messages::send),
        )
        .at(pattern::PORTAL_MESSAGES_POLL, get(portal::messages::poll))
        .at(paths::TENANT_PORTAL, get(tenant_portal::home))
        .at(
            paths::TENANT_LOGIN,
            get(tenant_portal::login).post(tenant_portal::login_request),
        )
        .at(paths::TENANT_LOGIN_CODE, post(tenant_portal::login_code))
        .at(paths::TENANT_LOGOUT, post(tenant_portal::logout))
        .at(
            pattern::TENANT_INVITE,
            get(tenant_portal::invite_page).post(tenant_portal::invite_accept),
        )
        .at(pattern::TENANT_PROPOSAL_ANSWER, post(tenant_portal::answer))
        .at(pattern::TENANT_DOCUMENT, get(tenant_portal::download))
        .at(pattern::TENANCY_INVITE, post(tenancies::invite_tenant))
        .at(pattern::TENANCY_INVITE_REVOKE, post(tenancies::revoke_invite))
        .at(pattern::TENANCY_DEPOSIT_RELEASE, post(tenancies::propose_release));

    let observe_state = state.clone();
    routes
        .data(state)
        .around(middleware::csrf)
        .around(middleware::bounded_body)
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
