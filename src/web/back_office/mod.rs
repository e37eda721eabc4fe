//! Back-office pages for agents and admins, one file per screen.

pub mod account;
pub mod audit;
pub mod auth;
pub mod compliance;
pub mod documents;
pub mod home;
pub mod landlords;
pub mod messages;
pub mod outbox;
pub mod portal_access;
pub mod properties;
pub mod settings;
pub mod tenancies;
pub mod users;
pub mod work;

use poem::http::{StatusCode, header};
use poem::{IntoResponse, Response};
use uuid::Uuid;

use crate::error::AppError;
use crate::store::orgs::{self, Branch};
use crate::store::users::User;
use crate::web::ctx::Ctx;

/// A 303 redirect after a successful form post.
pub fn see_other(location: &str) -> Response {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, location)
        .finish()
}

/// A page answered with a given status (e.g. 422 for a form with errors).
pub fn with_status(markup: maud::Markup, status: StatusCode) -> Response {
    let mut response = markup.into_response();
    response.set_status(status);
    response
}

/// Names of the agency's users and branches, for filters, forms and display.
pub struct Lookups {
    /// Every user of the agency.
    pub agents: Vec<User>,
    /// Every branch of the agency.
    pub branches: Vec<Branch>,
}

impl Lookups {
    /// Loads them for an agency.
    pub async fn load(ctx: &Ctx, org_id: Uuid) -> Result<Lookups, AppError> {
        Ok(Lookups {
            agents: crate::store::users::list_in_org(&ctx.state.db, org_id).await?,
            branches: orgs::branches(&ctx.state.db, org_id).await?,
        })
    }

    /// An agent's name by id.
    pub fn agent_name(&self, id: Option<Uuid>) -> Option<&str> {
        let id = id?;
        self.agents.iter().find(|u| u.id == id).map(|u| u.name.as_str())
    }

    /// A branch's name by id.
    pub fn branch_name(&self, id: Option<Uuid>) -> Option<&str> {
        let id = id?;
        self.branches.iter().find(|b| b.id == id).map(|b| b.name.as_str())
    }

    /// Active agents as select options, after an empty choice.
    pub fn agent_options(&self, empty: &str) -> Vec<(String, String)> {
        let mut options = vec![(String::new(), empty.to_string())];
        options.extend(
            self.agents
                .iter()
                .filter(|u| u.is_active)
                .map(|u| (u.id.to_string(), u.name.clone())),
        );
        options
    }

    /// Branches as select options, after an empty choice.
    pub fn branch_options(&self, empty: &str) -> Vec<(String, String)> {
        let mut options = vec![(String::new(), empty.to_string())];
        options.extend(self.branches.iter().map(|b| (b.id.to_string(), b.name.clone())));
        options
    }
}
