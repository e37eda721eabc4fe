//! The access table: every route the app answers, declared once with the door it
//! belongs to and the kind of caller it serves. The router is built from this
//! table ([`router`]), and `tests/access.rs` walks it, calling every route as
//! every kind of caller, so a route cannot exist without an entry and an entry
//! cannot promise an access rule its handler does not keep.
//!
//! A door says how its callers come in (a session with CSRF tokens, or a secret
//! link in the URL) and how its errors look; the middleware reads the door the
//! router stamped on the answer instead of guessing from the URL.

use std::collections::BTreeMap;

use poem::http::Method;
use poem::{Endpoint, EndpointExt, IntoEndpoint, IntoResponse, Response, Route, RouteMethod, endpoint::BoxEndpoint};

/// Who a route serves. The handler enforces it (through the context extractor
/// it takes); this declaration is what `tests/access.rs` holds it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// Anyone, signed in or not (sign-in pages, assets, probes).
    Anyone,
    /// A signed-in staff user, even one who must change a one-time password
    /// first (their own account page).
    Account,
    /// A signed-in agent or admin of the agency that owns the record.
    Agent,
    /// A signed-in admin of the agency that owns the record.
    Admin,
    /// Whoever holds a live landlord portal link (`:link`), for that
    /// landlord's records only.
    LandlordLink,
    /// Whoever holds a live tenant invite link (`:invite_link`).
    TenantInvite,
    /// A signed-in tenant, for their own tenancies' records only.
    Tenant,
    /// Whoever holds a genuine contractor link (`:contractor_link`): a live one
    /// opens the job; a spent, expired or revoked one gets the page that asks
    /// for a fresh link.
    ContractorLink,
    /// A contractor's browser session for one work order (`:job`), opened by
    /// spending its link; nothing else.
    Contractor,
}

/// How errors inside a door look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPages {
    /// The back-office pages, with a way back to the back office.
    Staff,
    /// Plain pages with no agency branding and no back-office links.
    Portal,
    /// Like `Portal`, in a contractor's words (their job, their link).
    Contractor,
}

/// A front door: the routes of one kind of visitor, and what they share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Door {
    /// The door's name, for logs.
    pub name: &'static str,
    /// Where an unknown URL under this prefix still belongs to the door (its
    /// 404 is the door's own); `None` for the doors at the root.
    pub mount: Option<&'static str>,
    /// Where a caller who must sign in is sent; `None` when the door has no sign-in.
    pub sign_in: Option<&'static str>,
    /// How the door's errors look.
    pub error_pages: ErrorPages,
    /// How a state-changing request is shown to come from the door's own page.
    pub csrf: CsrfGuard,
    /// Pages that must never be cached, indexed or sent on as a referrer.
    pub private: bool,
}

/// How a door tells its own forms from a forged cross-site request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsrfGuard {
    /// The router checks the session's CSRF token before the handler runs.
    Session,
    /// The URL carries the caller's secret: a cross-site form cannot name it,
    /// so there is no token (and no session).
    SecretInUrl,
    /// The door keeps its own session (ContractorPort's cookie); the router
    /// checks the form token derived from that session (`csrf::door_token`).
    DoorToken,
}

/// One route: its method and path pattern, the caller it serves, and its handler.
pub struct Declared {
    /// The HTTP method.
    pub method: Method,
    /// The path pattern (`paths::pattern::…`); each parameter is named after
    /// what it identifies (`:landlord`, `:link`, …).
    pub path: &'static str,
    /// Who the route serves.
    pub caller: Caller,
    /// The door it belongs to.
    pub door: Door,
    endpoint: BoxEndpoint<'static>,
}

impl std::fmt::Debug for Declared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} ({:?}, {})",
            self.method, self.path, self.caller, self.door.name
        )
    }
}

/// A door's routes as it declares them.
pub struct DoorRoutes {
    door: Door,
    routes: Vec<Declared>,
}

impl DoorRoutes {
    /// An empty list for a door.
    pub fn new(door: Door) -> DoorRoutes {
        DoorRoutes {
            door,
            routes: Vec::new(),
        }
    }

    /// Declares `GET path` for `caller`.
    pub fn get<E>(self, path: &'static str, caller: Caller, endpoint: E) -> DoorRoutes
    where
        E: IntoEndpoint,
        E::Endpoint: 'static,
        <E::Endpoint as Endpoint>::Output: IntoResponse,
    {
        self.declare(Method::GET, path, caller, endpoint)
    }

    /// Declares `POST path` for `caller`.
    pub fn post<E>(self, path: &'static str, caller: Caller, endpoint: E) -> DoorRoutes
    where
        E: IntoEndpoint,
        E::Endpoint: 'static,
        <E::Endpoint as Endpoint>::Output: IntoResponse,
    {
        self.declare(Method::POST, path, caller, endpoint)
    }

    fn declare<E>(mut self, method: Method, path: &'static str, caller: Caller, endpoint: E) -> DoorRoutes
    where
        E: IntoEndpoint,
        E::Endpoint: 'static,
        <E::Endpoint as Endpoint>::Output: IntoResponse,
    {
        self.routes.push(Declared {
            method,
            path,
            caller,
            door: self.door,
            endpoint: endpoint.into_endpoint().map_to_response().boxed(),
        });
        self
    }

    /// The declared routes.
    pub fn into_routes(self) -> Vec<Declared> {
        self.routes
    }
}

/// One method of a path and its handler.
type MethodEndpoint = (Method, BoxEndpoint<'static>);

/// Builds the router from the table: each path answers its declared methods,
/// wrapped in its door (the body limit, the CSRF check unless the secret is in
/// the URL, and the door stamped on the answer or error for the middleware);
/// each mounted door
/// also answers its own unknown URLs with its own 404.
///
/// Panics when the table declares one method and path twice, or one path in
/// two doors: a programming error the first test run shows.
pub fn router(table: Vec<Declared>) -> Route {
    let mut by_path: BTreeMap<&'static str, (Door, Vec<MethodEndpoint>)> = BTreeMap::new();
    let mut mounts: Vec<Door> = Vec::new();
    for declared in table {
        let entry = by_path
            .entry(declared.path)
            .or_insert_with(|| (declared.door, Vec::new()));
        assert_eq!(entry.0, declared.door, "{} is declared in two doors", declared.path);
        assert!(
            entry.1.iter().all(|(method, _)| *method != declared.method),
            "{} {} is declared twice",
            declared.method,
            declared.path
        );
        entry.1.push((declared.method, declared.endpoint));
        if declared.door.mount.is_some() && !mounts.contains(&declared.door) {
            mounts.push(declared.door);
        }
    }
    let mut route = Route::new();
    for (path, (door, methods)) in by_path {
        let mut by_method = RouteMethod::new();
        for (method, endpoint) in methods {
            by_method = by_method.method(method, endpoint);
        }
        route = route.at(path, within(door, by_method.boxed()));
    }
    for door in mounts {
        if let Some(mount) = door.mount {
            let unknown =
                poem::endpoint::make(|_| async { Err::<Response, _>(poem::Error::from(poem::error::NotFoundError)) });
            // Nothing runs there, so there is no body to limit and no CSRF
            // token to check: only the door's own 404.
            let unknown = unknown.around(move |inner, req| stamped(door, inner, req));
            route = route.at(format!("{}/*rest", mount.trim_end_matches('/')), unknown);
        }
    }
    route
}

/// An endpoint inside its door: the CSRF check where the door has sessions,
/// the body limit, and the door stamped on whatever comes back.
fn within(door: Door, endpoint: BoxEndpoint<'static>) -> BoxEndpoint<'static> {
    let guarded = match door.csrf {
        CsrfGuard::Session => endpoint.around(super::csrf::csrf).boxed(),
        CsrfGuard::DoorToken => endpoint.around(super::csrf::door_token).boxed(),
        CsrfGuard::SecretInUrl => endpoint,
    };
    guarded
        .around(super::body_limit::bounded_body)
        .around(move |inner, req| stamped(door, inner, req))
        .boxed()
}

/// Calls `endpoint` and stamps `door` on its answer or error.
async fn stamped<E: Endpoint>(door: Door, endpoint: std::sync::Arc<E>, req: poem::Request) -> poem::Result<Response> {
    match endpoint.call(req).await {
        Ok(response) => {
            let mut response = response.into_response();
            response.set_data(door);
            Ok(response)
        }
        Err(mut err) => {
            err.set_data(door);
            Err(err)
        }
    }
}
