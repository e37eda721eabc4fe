//! Every route path, defined once. Route tables use the patterns; pages build
//! links with the functions.

use uuid::Uuid;

/// The back-office home.
pub const HOME: &str = "/";
/// Agent sign-in.
pub const LOGIN: &str = "/login";
/// Agent sign-out (POST).
pub const LOGOUT: &str = "/logout";
/// The signed-in user's own account and password.
pub const ACCOUNT: &str = "/account";
/// Change-password form target (POST).
pub const ACCOUNT_PASSWORD: &str = "/account/password";
/// The agency's users (admins only).
pub const USERS: &str = "/users";
/// The audit trail (admins only).
pub const AUDIT: &str = "/audit";
/// The landlord list.
pub const LANDLORDS: &str = "/landlords";
/// The landlord list as filtered, as a CSV download.
pub const LANDLORDS_CSV: &str = "/landlords.csv";
/// The new-landlord form.
pub const LANDLORD_NEW: &str = "/landlords/new";
/// The property list.
pub const PROPERTIES: &str = "/properties";
/// The property list as filtered, as a CSV download.
pub const PROPERTIES_CSV: &str = "/properties.csv";
/// The agency's tenancies across every property (`?status=active`, …).
pub const TENANCIES: &str = "/tenancies";
/// The tenancy list as filtered, as a CSV download.
pub const TENANCIES_CSV: &str = "/tenancies.csv";
/// The agency's tenants, each once.
pub const TENANTS: &str = "/tenants";
/// The tenant list as filtered, as a CSV download.
pub const TENANTS_CSV: &str = "/tenants.csv";
/// The agency's offers across every property (`?status=sent_to_landlord`, …).
pub const OFFERS: &str = "/offers";
/// The offer list as filtered, as a CSV download.
pub const OFFERS_CSV: &str = "/offers.csv";
/// The agency's tasks across every property (`?overdue=1`, `?landlord=ID`, …).
pub const TASKS: &str = "/tasks";
/// The task list as filtered, as a CSV download.
pub const TASKS_CSV: &str = "/tasks.csv";
/// The landlord picker of the property form: `?landlord_q=` lists matching
/// landlords (as `<option>`s for htmx, as a page of links otherwise).
pub const LANDLORD_PICKER: &str = "/landlord-picker";
/// The new-property form (`?landlord=ID` preselects the owner).
pub const PROPERTY_NEW: &str = "/properties/new";
/// The agency's contractors.
pub const CONTRACTORS: &str = "/contractors";
/// The contractor list as filtered, as a CSV download.
pub const CONTRACTORS_CSV: &str = "/contractors.csv";
/// The new-contractor form.
pub const CONTRACTOR_NEW: &str = "/contractors/new";
/// The agency's work orders (`?overdue=1`, `?status=any`, …).
pub const WORK_ORDERS: &str = "/work-orders";
/// The work-order list as filtered, as a CSV download.
pub const WORK_ORDERS_CSV: &str = "/work-orders.csv";
/// The agency's compliance page.
pub const COMPLIANCE: &str = "/compliance";
/// The compliance list as filtered, as a CSV download.
pub const COMPLIANCE_CSV: &str = "/compliance.csv";
/// Agency settings (admins).
pub const SETTINGS: &str = "/settings";
/// The settings page's live preview fragment.
pub const SETTINGS_PREVIEW: &str = "/settings/preview";
/// The brand colour as CSS variables (`?color=rrggbb`).
pub const BRAND_CSS: &str = "/brand.css";
/// Liveness probe.
pub const HEALTHZ: &str = "/healthz";
/// Readiness probe (database reachable).
pub const READYZ: &str = "/readyz";
/// The icon browsers fetch by themselves.
pub const FAVICON: &str = "/favicon.ico";
/// The agency's landlord portal tokens (`listTokens`).
pub const PORTAL_ACCESS: &str = "/portal-access";
/// The agents' inbox of landlord message threads.
pub const MESSAGES: &str = "/messages";
/// The agency's outgoing email (admins): what was sent, what is waiting, what failed.
pub const OUTBOX: &str = "/outbox";
/// Tells crawlers to keep out of portals.
pub const ROBOTS: &str = "/robots.txt";
/// Every landlord portal URL starts with this; the token follows.
pub const LANDLORD_PORTAL_PREFIX: &str = "/landlord-portal/";
/// The tenant portal.
pub const TENANT_PORTAL: &str = "/tenant-portal";
/// Tenant sign-in with email and a one-time code.
pub const TENANT_LOGIN: &str = "/tenant-portal/login";
/// Checking a tenant's sign-in code (POST).
pub const TENANT_LOGIN_CODE: &str = "/tenant-portal/login/code";
/// Tenant sign-out (POST).
pub const TENANT_LOGOUT: &str = "/tenant-portal/logout";
/// Prefix of tenant invite links; the token follows.
pub const TENANT_INVITE_PREFIX: &str = "/tenant-portal/invite/";
/// ContractorPort: every contractor URL starts with this.
pub const CONTRACTOR_PORT: &str = "/contractor";
/// Prefix of a contractor's job pages; the access id follows (the browser's
/// session cookie is scoped to it).
pub const CONTRACTOR_JOBS_PREFIX: &str = "/contractor/jobs/";
/// Prefix of the content-hashed static assets.
pub const ASSETS_PREFIX: &str = "/assets/";

/// Route patterns with parameters. Each parameter is named after what it
/// identifies (`:landlord`, `:link` for a landlord portal link, …):
/// `tests/access.rs` fills them in by name.
pub mod pattern {
    /// Change a user's role (POST).
    pub const USER_ROLE: &str = "/users/:user/role";
    /// Confirm / perform deactivation.
    pub const USER_DEACTIVATE: &str = "/users/:user/deactivate";
    /// Reactivate (POST).
    pub const USER_REACTIVATE: &str = "/users/:user/reactivate";
    /// A work order's page.
    pub const WORK_ORDER: &str = "/work-orders/:work_order";
    /// Edit a work order's details.
    pub const WORK_ORDER_EDIT: &str = "/work-orders/:work_order/edit";
    /// Confirm / cancel a work order.
    pub const WORK_ORDER_CANCEL: &str = "/work-orders/:work_order/cancel";
    /// Close a work order (POST).
    pub const WORK_ORDER_CLOSE: &str = "/work-orders/:work_order/close";
    /// Record a quote on a work order.
    pub const WORK_ORDER_QUOTE_NEW: &str = "/work-orders/:work_order/quotes/new";
    /// Confirm / accept a quote.
    pub const WORK_ORDER_QUOTE_ACCEPT: &str = "/work-orders/:work_order/quotes/:quote/accept";
    /// Add photos to a work order (POST, multipart).
    pub const WORK_ORDER_PHOTOS: &str = "/work-orders/:work_order/photos";
    /// A work order's photo.
    pub const WORK_ORDER_PHOTO: &str = "/work-orders/:work_order/photos/:photo";
    /// A work order's photo's thumbnail.
    pub const WORK_ORDER_PHOTO_THUMB: &str = "/work-orders/:work_order/photos/:photo/thumb";
    /// Ask contractors for quotes on a work order.
    pub const WORK_ORDER_REQUEST_QUOTES: &str = "/work-orders/:work_order/request-quotes";
    /// Instruct a contractor to do a work order.
    pub const WORK_ORDER_INSTRUCT: &str = "/work-orders/:work_order/instruct";
    /// Confirm / withdraw a contractor's access to a work order.
    pub const WORK_ORDER_CONTRACTOR_REVOKE: &str = "/work-orders/:work_order/contractors/:job/revoke";
    /// Write to a contractor on a work order (POST).
    pub const WORK_ORDER_CONTRACTOR_COMMENT: &str = "/work-orders/:work_order/contractors/:job/comments";
    /// A contractor's emailed single-use link: a page with a button (GET),
    /// spent by the button (POST).
    pub const CONTRACTOR_LINK: &str = "/contractor/:contractor_link";
    /// Ask for a fresh link (POST), from a spent, expired or revoked one.
    pub const CONTRACTOR_FRESH_LINK: &str = "/contractor/:contractor_link/fresh";
    /// A contractor's job page (their session for that work order).
    pub const CONTRACTOR_JOB: &str = "/contractor/jobs/:job";
    /// Decline to quote (POST).
    pub const CONTRACTOR_JOB_DECLINE: &str = "/contractor/jobs/:job/decline";
    /// Submit or amend a quote (POST).
    pub const CONTRACTOR_JOB_QUOTE: &str = "/contractor/jobs/:job/quote";
    /// Propose an appointment (POST).
    pub const CONTRACTOR_JOB_APPOINTMENT: &str = "/contractor/jobs/:job/appointment";
    /// Write to the agency (POST).
    pub const CONTRACTOR_JOB_COMMENTS: &str = "/contractor/jobs/:job/comments";
    /// Send a certificate (POST, multipart).
    pub const CONTRACTOR_JOB_CERTIFICATES: &str = "/contractor/jobs/:job/certificates";
    /// Report the job complete (POST, multipart).
    pub const CONTRACTOR_JOB_COMPLETE: &str = "/contractor/jobs/:job/complete";
    /// Attach a PDF to the open quote (POST, multipart).
    pub const CONTRACTOR_JOB_QUOTE_FILE: &str = "/contractor/jobs/:job/quote-file";
    /// A file of a work order (an invoice or certificate a contractor sent).
    pub const WORK_ORDER_FILE: &str = "/work-orders/:work_order/files/:file";
    /// Accept a contractor's certificate into the property's record (POST).
    pub const WORK_ORDER_CERTIFICATE_ACCEPT: &str = "/work-orders/:work_order/certificates/:received/accept";
    /// A photo of the job's work order.
    pub const CONTRACTOR_JOB_PHOTO: &str = "/contractor/jobs/:job/photos/:photo";
    /// A photo's thumbnail.
    pub const CONTRACTOR_JOB_PHOTO_THUMB: &str = "/contractor/jobs/:job/photos/:photo/thumb";
    /// Raise a work order on a property.
    pub const PROPERTY_WORK_ORDER_NEW: &str = "/properties/:property/work-orders/new";
    /// A contractor's record.
    pub const CONTRACTOR: &str = "/contractors/:contractor";
    /// Edit a contractor.
    pub const CONTRACTOR_EDIT: &str = "/contractors/:contractor/edit";
    /// Archive or restore a contractor (POST).
    pub const CONTRACTOR_STATUS: &str = "/contractors/:contractor/status";
    /// A landlord's record.
    pub const LANDLORD: &str = "/landlords/:landlord";
    /// Edit a landlord.
    pub const LANDLORD_EDIT: &str = "/landlords/:landlord/edit";
    /// Confirm / archive a landlord.
    pub const LANDLORD_ARCHIVE: &str = "/landlords/:landlord/archive";
    /// Restore an archived landlord (POST).
    pub const LANDLORD_RESTORE: &str = "/landlords/:landlord/restore";
    /// Confirm / anonymise a landlord (admins).
    pub const LANDLORD_ANONYMISE: &str = "/landlords/:landlord/anonymise";
    /// A property's page.
    pub const PROPERTY: &str = "/properties/:property";
    /// Edit a property.
    pub const PROPERTY_EDIT: &str = "/properties/:property/edit";
    /// Add a tenancy to a property.
    pub const PROPERTY_TENANCY_NEW: &str = "/properties/:property/tenancies/new";
    /// A tenancy's page.
    pub const TENANCY: &str = "/tenancies/:tenancy";
    /// Edit a tenancy.
    pub const TENANCY_EDIT: &str = "/tenancies/:tenancy/edit";
    /// Add a certificate to a property.
    pub const PROPERTY_CERTIFICATE_NEW: &str = "/properties/:property/certificates/new";
    /// Edit a certificate.
    pub const CERTIFICATE_EDIT: &str = "/certificates/:certificate/edit";
    /// Add a task to a property.
    pub const PROPERTY_TASK_NEW: &str = "/properties/:property/tasks/new";
    /// Complete a task (POST).
    pub const TASK_COMPLETE: &str = "/tasks/:task/complete";
    /// Record an offer on a property.
    pub const PROPERTY_OFFER_NEW: &str = "/properties/:property/offers/new";
    /// An offer's page.
    pub const OFFER: &str = "/offers/:offer";
    /// Move an offer to another status (POST).
    pub const OFFER_STATUS: &str = "/offers/:offer/status";
    /// Upload a document to a property (multipart POST).
    pub const PROPERTY_DOCUMENTS: &str = "/properties/:property/documents";
    /// Download a document.
    pub const DOCUMENT_DOWNLOAD: &str = "/documents/:document/download";
    /// Confirm / delete a document.
    pub const DOCUMENT_DELETE: &str = "/documents/:document/delete";
    /// A static asset.
    pub const ASSET: &str = "/assets/:name";
    /// A tenant invite link: GET shows a button, POST accepts.
    pub const TENANT_INVITE: &str = "/tenant-portal/invite/:invite_link";
    /// The tenant's answer to a deposit release proposal (POST).
    pub const TENANT_PROPOSAL_ANSWER: &str = "/tenant-portal/proposals/:proposal/answer";
    /// A document download in the tenant portal.
    pub const TENANT_DOCUMENT: &str = "/tenant-portal/documents/:document";
    /// Invite a tenant of a tenancy to the portal (POST, `tenant_id`).
    pub const TENANCY_INVITE: &str = "/tenancies/:tenancy/invites";
    /// Revoke a tenant portal invite (POST).
    pub const TENANCY_INVITE_REVOKE: &str = "/tenancies/:tenancy/invites/:invite/revoke";
    /// Propose a deposit release for a tenancy (POST).
    pub const TENANCY_DEPOSIT_RELEASE: &str = "/tenancies/:tenancy/deposit-release";
    /// Give a landlord portal access to one of their properties (POST, `property_id`).
    pub const LANDLORD_PORTAL_GRANT: &str = "/landlords/:landlord/portal";
    /// Give a property's landlord portal access to it (POST).
    pub const PROPERTY_PORTAL_GRANT: &str = "/properties/:property/portal";
    /// A portal token's page (`getToken`).
    pub const PORTAL_TOKEN: &str = "/portal-access/:portal_token";
    /// An action on a portal token (POST; see `TokenAction`).
    pub const PORTAL_TOKEN_ACTION: &str = "/portal-access/:portal_token/:action";
    /// A landlord's message thread (GET shows, POST sends).
    pub const MESSAGE_THREAD: &str = "/messages/:portal_token";
    /// New messages in a thread since `?after=ID` (204 when none).
    pub const MESSAGE_THREAD_POLL: &str = "/messages/:portal_token/poll";
    /// Put a failed email back in the queue (POST, admins).
    pub const OUTBOX_RETRY: &str = "/outbox/:email/retry";
    /// The landlord portal's home (the Properties tab).
    pub const PORTAL_HOME: &str = "/landlord-portal/:link";
    /// The Properties tab.
    pub const PORTAL_PROPERTIES: &str = "/landlord-portal/:link/properties";
    /// A property's drill-down (its tenancies).
    pub const PORTAL_PROPERTY: &str = "/landlord-portal/:link/properties/:property";
    /// A property's drill-down, one sub-view (`tenancies`, `compliance`, `documents`).
    pub const PORTAL_PROPERTY_VIEW: &str = "/landlord-portal/:link/properties/:property/:view";
    /// The landlord's decision on a quote above their approval limit (POST).
    pub const PORTAL_QUOTE_DECISION: &str = "/landlord-portal/:link/properties/:property/quotes/:quote";
    /// The Tasks tab.
    pub const PORTAL_TASKS: &str = "/landlord-portal/:link/tasks";
    /// Mark a task complete (POST).
    pub const PORTAL_TASK_COMPLETE: &str = "/landlord-portal/:link/tasks/:task/complete";
    /// The Offers tab.
    pub const PORTAL_OFFERS: &str = "/landlord-portal/:link/offers";
    /// Accept or decline an offer awaiting review (POST).
    pub const PORTAL_OFFER_REVIEW: &str = "/landlord-portal/:link/offers/:offer/review";
    /// The Messages tab (GET), and sending a message (POST).
    pub const PORTAL_MESSAGES: &str = "/landlord-portal/:link/messages";
    /// New messages since `?after=ID` (204 when none).
    pub const PORTAL_MESSAGES_POLL: &str = "/landlord-portal/:link/messages/poll";
    /// A landlord proposes a deposit release on a tenancy (POST).
    pub const PORTAL_DEPOSIT_RELEASE: &str = "/landlord-portal/:link/tenancies/:tenancy/deposit-release";
    /// Download a document the landlord may see.
    pub const PORTAL_DOCUMENT: &str = "/landlord-portal/:link/documents/:document";
}

/// Change a user's role (POST).
pub fn user_role(id: Uuid) -> String {
    format!("/users/{id}/role")
}

/// Deactivation: GET asks for confirmation, POST does it.
pub fn user_deactivate(id: Uuid) -> String {
    format!("/users/{id}/deactivate")
}

/// Reactivate a user (POST).
pub fn user_reactivate(id: Uuid) -> String {
    format!("/users/{id}/reactivate")
}

/// The audit trail filtered to one user's changes.
pub fn audit_for_actor(id: Uuid) -> String {
    format!("{AUDIT}?actor={id}")
}

/// A work order's page.
pub fn work_order(id: Uuid) -> String {
    format!("{WORK_ORDERS}/{id}")
}

/// Edit a work order's details.
pub fn work_order_edit(id: Uuid) -> String {
    format!("{WORK_ORDERS}/{id}/edit")
}

/// Confirm / cancel a work order.
pub fn work_order_cancel(id: Uuid) -> String {
    format!("{WORK_ORDERS}/{id}/cancel")
}

/// Close a work order.
pub fn work_order_close(id: Uuid) -> String {
    format!("{WORK_ORDERS}/{id}/close")
}

/// Record a quote on a work order.
pub fn work_order_quote_new(id: Uuid) -> String {
    format!("{WORK_ORDERS}/{id}/quotes/new")
}

/// Confirm / accept a quote.
pub fn work_order_quote_accept(id: Uuid, quote: Uuid) -> String {
    format!("{WORK_ORDERS}/{id}/quotes/{quote}/accept")
}

/// Add photos to a work order.
pub fn work_order_photos(id: Uuid) -> String {
    format!("{WORK_ORDERS}/{id}/photos")
}

/// A work order's photo, or its thumbnail.
pub fn work_order_photo(id: Uuid, photo: Uuid, thumb: bool) -> String {
    let suffix = if thumb { "/thumb" } else { "" };
    format!("{WORK_ORDERS}/{id}/photos/{photo}{suffix}")
}

/// Ask contractors for quotes on a work order.
pub fn work_order_request_quotes(id: Uuid) -> String {
    format!("{WORK_ORDERS}/{id}/request-quotes")
}

/// Instruct a contractor to do a work order.
pub fn work_order_instruct(id: Uuid) -> String {
    format!("{WORK_ORDERS}/{id}/instruct")
}

/// Withdraw a contractor's access to a work order.
pub fn work_order_contractor_revoke(id: Uuid, job: Uuid) -> String {
    format!("{WORK_ORDERS}/{id}/contractors/{job}/revoke")
}

/// Write to a contractor on a work order.
pub fn work_order_contractor_comment(id: Uuid, job: Uuid) -> String {
    format!("{WORK_ORDERS}/{id}/contractors/{job}/comments")
}

/// A file of a work order.
pub fn work_order_file(id: Uuid, file: Uuid) -> String {
    format!("{WORK_ORDERS}/{id}/files/{file}")
}

/// Accept a contractor's certificate.
pub fn work_order_certificate_accept(id: Uuid, received: Uuid) -> String {
    format!("{WORK_ORDERS}/{id}/certificates/{received}/accept")
}

/// A contractor's emailed link.
pub fn contractor_link(token: &str) -> String {
    format!("{CONTRACTOR_PORT}/{token}")
}

/// Ask for a fresh link.
pub fn contractor_fresh_link(token: &str) -> String {
    format!("{CONTRACTOR_PORT}/{token}/fresh")
}

/// A contractor's job page and what its forms post to (the last segment of
/// the `CONTRACTOR_JOB_*` patterns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobAction {
    /// The job page itself.
    Page,
    /// Decline to quote.
    Decline,
    /// Submit or amend a quote.
    Quote,
    /// Propose an appointment.
    Appointment,
    /// Write to the agency.
    Comments,
    /// Send a certificate (multipart).
    Certificates,
    /// Report the job complete (multipart).
    Complete,
    /// Attach a PDF to the open quote (multipart).
    QuoteFile,
}

impl JobAction {
    /// The URL segment after the job's id.
    pub fn segment(self) -> &'static str {
        match self {
            JobAction::Page => "",
            JobAction::Decline => "decline",
            JobAction::Quote => "quote",
            JobAction::Appointment => "appointment",
            JobAction::Comments => "comments",
            JobAction::Certificates => "certificates",
            JobAction::Complete => "complete",
            JobAction::QuoteFile => "quote-file",
        }
    }
}

/// A contractor's job page, or where one of its forms posts.
pub fn contractor_job(job: Uuid, action: JobAction) -> String {
    match action {
        JobAction::Page => format!("{CONTRACTOR_JOBS_PREFIX}{job}"),
        action => format!("{CONTRACTOR_JOBS_PREFIX}{job}/{}", action.segment()),
    }
}

/// A photo of a contractor's job, or its thumbnail.
pub fn contractor_job_photo(job: Uuid, photo: Uuid, thumb: bool) -> String {
    let suffix = if thumb { "/thumb" } else { "" };
    format!("{CONTRACTOR_JOBS_PREFIX}{job}/photos/{photo}{suffix}")
}

/// Raise a work order on a property.
pub fn property_work_order_new(id: Uuid) -> String {
    format!("{PROPERTIES}/{id}/work-orders/new")
}

/// The work-order list's status filter value for every status.
pub const WORK_ORDERS_ANY_STATUS: &str = "any";

/// Every work order of a contractor, whatever its status.
pub fn contractor_work_orders(id: Uuid) -> String {
    format!("{WORK_ORDERS}?contractor={id}&status={WORK_ORDERS_ANY_STATUS}")
}

/// The open work orders past their target.
pub fn overdue_work_orders() -> String {
    format!("{WORK_ORDERS}?overdue=1")
}

/// A contractor's record.
pub fn contractor(id: Uuid) -> String {
    format!("{CONTRACTORS}/{id}")
}

/// Edit a contractor.
pub fn contractor_edit(id: Uuid) -> String {
    format!("{CONTRACTORS}/{id}/edit")
}

/// Archive or restore a contractor.
pub fn contractor_status(id: Uuid) -> String {
    format!("{CONTRACTORS}/{id}/status")
}

/// A landlord's record.
pub fn landlord(id: Uuid) -> String {
    format!("{LANDLORDS}/{id}")
}

/// Edit a landlord.
pub fn landlord_edit(id: Uuid) -> String {
    format!("{LANDLORDS}/{id}/edit")
}

/// Archive a landlord: GET confirms, POST archives.
pub fn landlord_archive(id: Uuid) -> String {
    format!("{LANDLORDS}/{id}/archive")
}

/// Restore an archived landlord (POST).
pub fn landlord_restore(id: Uuid) -> String {
    format!("{LANDLORDS}/{id}/restore")
}

/// Anonymise a landlord: GET confirms, POST anonymises.
pub fn landlord_anonymise(id: Uuid) -> String {
    format!("{LANDLORDS}/{id}/anonymise")
}

/// A property's page.
pub fn property(id: Uuid) -> String {
    format!("{PROPERTIES}/{id}")
}

/// Edit a property.
pub fn property_edit(id: Uuid) -> String {
    format!("{PROPERTIES}/{id}/edit")
}

/// Add a tenancy to a property.
pub fn property_tenancy_new(id: Uuid) -> String {
    format!("{PROPERTIES}/{id}/tenancies/new")
}

/// A tenancy's page.
pub fn tenancy(id: Uuid) -> String {
    format!("/tenancies/{id}")
}

/// Edit a tenancy.
pub fn tenancy_edit(id: Uuid) -> String {
    format!("/tenancies/{id}/edit")
}

/// Add a certificate to a property.
pub fn property_certificate_new(id: Uuid) -> String {
    format!("{PROPERTIES}/{id}/certificates/new")
}

/// Edit a certificate.
pub fn certificate_edit(id: Uuid) -> String {
    format!("/certificates/{id}/edit")
}

/// Add a task to a property.
pub fn property_task_new(id: Uuid) -> String {
    format!("{PROPERTIES}/{id}/tasks/new")
}

/// Complete a task (POST).
pub fn task_complete(id: Uuid) -> String {
    format!("/tasks/{id}/complete")
}

/// Record an offer on a property.
pub fn property_offer_new(id: Uuid) -> String {
    format!("{PROPERTIES}/{id}/offers/new")
}

/// An offer's page.
pub fn offer(id: Uuid) -> String {
    format!("/offers/{id}")
}

/// Move an offer to another status (POST).
pub fn offer_status(id: Uuid) -> String {
    format!("/offers/{id}/status")
}

/// Upload a document to a property (multipart POST).
pub fn property_documents(id: Uuid) -> String {
    format!("{PROPERTIES}/{id}/documents")
}

/// Download a document.
pub fn document_download(id: Uuid) -> String {
    format!("/documents/{id}/download")
}

/// Delete a document: GET confirms, POST deletes.
pub fn document_delete(id: Uuid) -> String {
    format!("/documents/{id}/delete")
}

/// Give a landlord portal access to one of their properties (POST).
pub fn landlord_portal_grant(id: Uuid) -> String {
    format!("{LANDLORDS}/{id}/portal")
}

/// Give a property's landlord portal access to it (POST).
pub fn property_portal_grant(id: Uuid) -> String {
    format!("{PROPERTIES}/{id}/portal")
}

/// A portal token's page.
pub fn portal_token(id: Uuid) -> String {
    format!("{PORTAL_ACCESS}/{id}")
}

/// What an agent can do to a portal token, each a POST to its own URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenAction {
    /// Revoke access.
    Deactivate,
    /// Restore access.
    Reactivate,
    /// A new link; the old one dies.
    Rotate,
    /// Re-resolve the branding from the agency's settings.
    RefreshBranding,
    /// Email the link to the landlord.
    EmailLink,
    /// Show one more of the landlord's properties (`property_id`).
    LinkProperty,
    /// Stop showing a property (`property_id`).
    UnlinkProperty,
}

impl TokenAction {
    /// Every action.
    pub const ALL: [TokenAction; 7] = [
        TokenAction::Deactivate,
        TokenAction::Reactivate,
        TokenAction::Rotate,
        TokenAction::RefreshBranding,
        TokenAction::EmailLink,
        TokenAction::LinkProperty,
        TokenAction::UnlinkProperty,
    ];

    /// Its URL segment.
    pub fn segment(self) -> &'static str {
        match self {
            TokenAction::Deactivate => "deactivate",
            TokenAction::Reactivate => "reactivate",
            TokenAction::Rotate => "rotate",
            TokenAction::RefreshBranding => "refresh-branding",
            TokenAction::EmailLink => "email-link",
            TokenAction::LinkProperty => "link-property",
            TokenAction::UnlinkProperty => "unlink-property",
        }
    }

    /// Reads a URL segment.
    pub fn parse(segment: &str) -> Option<TokenAction> {
        TokenAction::ALL.into_iter().find(|action| action.segment() == segment)
    }
}

/// An action on a portal token (POST).
pub fn portal_token_action(id: Uuid, action: TokenAction) -> String {
    format!("{PORTAL_ACCESS}/{id}/{}", action.segment())
}

/// A landlord's message thread.
pub fn message_thread(id: Uuid) -> String {
    format!("{MESSAGES}/{id}")
}

/// New messages in a thread after a message.
pub fn message_thread_poll(id: Uuid, after: Option<Uuid>) -> String {
    match after {
        Some(after) => format!("{MESSAGES}/{id}/poll?after={after}"),
        None => format!("{MESSAGES}/{id}/poll"),
    }
}

/// Retry a failed email (POST).
pub fn outbox_retry(id: Uuid) -> String {
    format!("{OUTBOX}/{id}/retry")
}

/// Landlord portal URLs, built from the link token.
pub mod portal {
    use uuid::Uuid;

    use super::LANDLORD_PORTAL_PREFIX;

    /// The portal's home.
    pub fn home(token: &str) -> String {
        format!("{LANDLORD_PORTAL_PREFIX}{token}")
    }

    /// The Properties tab.
    pub fn properties(token: &str) -> String {
        format!("{LANDLORD_PORTAL_PREFIX}{token}/properties")
    }

    /// A property's drill-down sub-view.
    pub fn property_view(token: &str, id: Uuid, view: &str) -> String {
        format!("{LANDLORD_PORTAL_PREFIX}{token}/properties/{id}/{view}")
    }

    /// The landlord's decision on a quote of a work order on a property.
    pub fn quote_decision(token: &str, property: Uuid, quote: Uuid) -> String {
        format!("{LANDLORD_PORTAL_PREFIX}{token}/properties/{property}/quotes/{quote}")
    }

    /// The Tasks tab.
    pub fn tasks(token: &str) -> String {
        format!("{LANDLORD_PORTAL_PREFIX}{token}/tasks")
    }

    /// Mark a task complete (POST).
    pub fn task_complete(token: &str, id: Uuid) -> String {
        format!("{LANDLORD_PORTAL_PREFIX}{token}/tasks/{id}/complete")
    }

    /// The Offers tab.
    pub fn offers(token: &str) -> String {
        format!("{LANDLORD_PORTAL_PREFIX}{token}/offers")
    }

    /// Review an offer (POST).
    pub fn offer_review(token: &str, id: Uuid) -> String {
        format!("{LANDLORD_PORTAL_PREFIX}{token}/offers/{id}/review")
    }

    /// The Messages tab.
    pub fn messages(token: &str) -> String {
        format!("{LANDLORD_PORTAL_PREFIX}{token}/messages")
    }

    /// New messages after a message.
    pub fn messages_poll(token: &str, after: Option<Uuid>) -> String {
        match after {
            Some(after) => format!("{LANDLORD_PORTAL_PREFIX}{token}/messages/poll?after={after}"),
            None => format!("{LANDLORD_PORTAL_PREFIX}{token}/messages/poll"),
        }
    }

    /// Propose a deposit release on a tenancy (POST).
    pub fn deposit_release(token: &str, tenancy: Uuid) -> String {
        format!("{LANDLORD_PORTAL_PREFIX}{token}/tenancies/{tenancy}/deposit-release")
    }

    /// Download a document.
    pub fn document(token: &str, id: Uuid) -> String {
        format!("{LANDLORD_PORTAL_PREFIX}{token}/documents/{id}")
    }
}

/// A tenant portal invite link.
pub fn tenant_invite(token: &str) -> String {
    format!("{TENANT_INVITE_PREFIX}{token}")
}

/// The tenant's answer to a proposal (POST).
pub fn tenant_proposal_answer(id: Uuid) -> String {
    format!("{TENANT_PORTAL}/proposals/{id}/answer")
}

/// A document download in the tenant portal.
pub fn tenant_document(id: Uuid) -> String {
    format!("{TENANT_PORTAL}/documents/{id}")
}

/// Invite a tenant of a tenancy (POST).
pub fn tenancy_invite(id: Uuid) -> String {
    format!("/tenancies/{id}/invites")
}

/// Revoke an invite (POST).
pub fn tenancy_invite_revoke(id: Uuid, invite: Uuid) -> String {
    format!("/tenancies/{id}/invites/{invite}/revoke")
}

/// Propose a deposit release (POST).
pub fn tenancy_deposit_release(id: Uuid) -> String {
    format!("/tenancies/{id}/deposit-release")
}

/// The agency's overdue tasks.
pub fn overdue_tasks() -> String {
    format!("{TASKS}?overdue=1")
}

/// The tasks on one landlord's properties.
pub fn landlord_tasks(landlord: Uuid) -> String {
    format!("{TASKS}?landlord={landlord}&status=any")
}

/// The agency's offers in one status.
pub fn offers_in(status: &str) -> String {
    format!("{OFFERS}?status={status}")
}
