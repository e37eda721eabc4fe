//! Absolute URLs of the secret links Portico hands out (the agent's copy of a
//! landlord's link, the links in emails), built from the live token so they
//! can be shown again; every door that hands one out uses these.

use super::{AppState, paths};
use crate::store::portal::PortalToken;

/// The live absolute URL of a token's portal (derived, so it can be shown again).
pub fn link_url(state: &AppState, token: &PortalToken) -> String {
    format!(
        "{}{}",
        state.settings.base_url,
        paths::portal::home(&token.link_token(&state.settings.secret_key))
    )
}

/// The absolute URL of a token's Messages tab (for notification emails).
pub fn messages_url(state: &AppState, token: &PortalToken) -> String {
    format!(
        "{}{}",
        state.settings.base_url,
        paths::portal::messages(&token.link_token(&state.settings.secret_key))
    )
}
