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
/// The new-landlord form.
pub const LANDLORD_NEW: &str = "/landlords/new";
/// The property list.
pub const PROPERTIES: &str = "/properties";
/// The new-property form (`?landlord=ID` preselects the owner).
pub const PROPERTY_NEW: &str = "/properties/new";
/// The agency's compliance page.
pub const COMPLIANCE: &str = "/compliance";
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
/// Prefix of the content-hashed static assets.
pub const ASSETS_PREFIX: &str = "/assets/";

/// Route patterns for per-user actions.
pub mod pattern {
    /// Change a user's role (POST).
    pub const USER_ROLE: &str = "/users/:id/role";
    /// Confirm / perform deactivation.
    pub const USER_DEACTIVATE: &str = "/users/:id/deactivate";
    /// Reactivate (POST).
    pub const USER_REACTIVATE: &str = "/users/:id/reactivate";
    /// A landlord's record.
    pub const LANDLORD: &str = "/landlords/:id";
    /// Edit a landlord.
    pub const LANDLORD_EDIT: &str = "/landlords/:id/edit";
    /// Confirm / archive a landlord.
    pub const LANDLORD_ARCHIVE: &str = "/landlords/:id/archive";
    /// Restore an archived landlord (POST).
    pub const LANDLORD_RESTORE: &str = "/landlords/:id/restore";
    /// Confirm / anonymise a landlord (admins).
    pub const LANDLORD_ANONYMISE: &str = "/landlords/:id/anonymise";
    /// A property's page.
    pub const PROPERTY: &str = "/properties/:id";
    /// Edit a property.
    pub const PROPERTY_EDIT: &str = "/properties/:id/edit";
    /// Add a tenancy to a property.
    pub const PROPERTY_TENANCY_NEW: &str = "/properties/:id/tenancies/new";
    /// A tenancy's page.
    pub const TENANCY: &str = "/tenancies/:id";
    /// Edit a tenancy.
    pub const TENANCY_EDIT: &str = "/tenancies/:id/edit";
    /// Add a certificate to a property.
    pub const PROPERTY_CERTIFICATE_NEW: &str = "/properties/:id/certificates/new";
    /// Edit a certificate.
    pub const CERTIFICATE_EDIT: &str = "/certificates/:id/edit";
    /// Add a task to a property.
    pub const PROPERTY_TASK_NEW: &str = "/properties/:id/tasks/new";
    /// Complete a task (POST).
    pub const TASK_COMPLETE: &str = "/tasks/:id/complete";
    /// Record an offer on a property.
    pub const PROPERTY_OFFER_NEW: &str = "/properties/:id/offers/new";
    /// An offer's page.
    pub const OFFER: &str = "/offers/:id";
    /// Move an offer to another status (POST).
    pub const OFFER_STATUS: &str = "/offers/:id/status";
    /// Upload a document to a property (multipart POST).
    pub const PROPERTY_DOCUMENTS: &str = "/properties/:id/documents";
    /// Download a document.
    pub const DOCUMENT_DOWNLOAD: &str = "/documents/:id/download";
    /// Confirm / delete a document.
    pub const DOCUMENT_DELETE: &str = "/documents/:id/delete";
    /// A static asset.
    pub const ASSET: &str = "/assets/:name";
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
