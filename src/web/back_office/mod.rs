//! Back-office pages for agents and admins, one file per screen.

pub mod account;
pub mod audit;
pub mod auth;
pub mod compliance;
pub mod contractor_access;
pub mod contractors;
pub mod documents;
pub mod home;
pub mod landlords;
pub mod list_screen;
pub mod messages;
pub mod offers;
pub mod outbox;
pub mod portal_access;
pub mod properties;
pub mod quotes;
pub mod settings;
pub mod tasks;
pub mod tenancies;
pub mod tenancy_list;
pub mod tenants;
pub mod users;
pub mod work;
pub mod work_orders;

use uuid::Uuid;

use crate::error::AppError;
use crate::store::orgs::{self, Branch};
use crate::store::users::User;
use crate::web::access::{Caller, Declared, Door, DoorRoutes, ErrorPages};
use crate::web::ctx::Ctx;
use crate::web::paths::{self, pattern};
pub use crate::web::ui::respond::{see_other, with_status};

/// The back office: agents and admins signed in with a session.
pub const DOOR: Door = Door {
    name: "back-office",
    mount: None,
    sign_in: Some(paths::LOGIN),
    error_pages: ErrorPages::Staff,
    csrf: crate::web::access::CsrfGuard::Session,
    private: false,
};

/// Every back-office route, with the caller it serves.
pub fn routes() -> Vec<Declared> {
    use Caller::{Account, Admin, Agent, Anyone};
    DoorRoutes::new(DOOR)
        .get(paths::HOME, Agent, home::page)
        .get(paths::LOGIN, Anyone, auth::login_page)
        .post(paths::LOGIN, Anyone, auth::login_submit)
        .post(paths::LOGOUT, Anyone, auth::logout)
        .get(paths::ACCOUNT, Account, account::page)
        .post(paths::ACCOUNT_PASSWORD, Account, account::change_password)
        .get(paths::USERS, Admin, users::page)
        .post(paths::USERS, Admin, users::create)
        .post(pattern::USER_ROLE, Admin, users::change_role)
        .get(pattern::USER_DEACTIVATE, Admin, users::confirm_deactivate)
        .post(pattern::USER_DEACTIVATE, Admin, users::deactivate)
        .post(pattern::USER_REACTIVATE, Admin, users::reactivate)
        .get(paths::AUDIT, Admin, audit::page)
        .get(paths::LANDLORDS, Agent, landlords::list)
        .get(paths::LANDLORDS_CSV, Agent, landlords::download_csv)
        .post(paths::LANDLORDS, Agent, landlords::create)
        .get(paths::LANDLORD_NEW, Agent, landlords::new_form)
        .get(pattern::LANDLORD, Agent, landlords::show)
        .get(pattern::LANDLORD_EDIT, Agent, landlords::edit_form)
        .post(pattern::LANDLORD_EDIT, Agent, landlords::update)
        .get(pattern::LANDLORD_ARCHIVE, Agent, landlords::confirm_archive)
        .post(pattern::LANDLORD_ARCHIVE, Agent, landlords::archive)
        .post(pattern::LANDLORD_RESTORE, Agent, landlords::restore)
        .get(pattern::LANDLORD_ANONYMISE, Admin, landlords::confirm_anonymise)
        .post(pattern::LANDLORD_ANONYMISE, Admin, landlords::anonymise)
        .post(
            pattern::LANDLORD_PORTAL_GRANT,
            Agent,
            portal_access::grant_from_landlord,
        )
        .get(paths::PROPERTIES, Agent, properties::list)
        .get(paths::PROPERTIES_CSV, Agent, properties::download_csv)
        .post(paths::PROPERTIES, Agent, properties::create)
        .get(paths::PROPERTY_NEW, Agent, properties::new_form)
        .get(paths::LANDLORD_PICKER, Agent, properties::landlord_picker)
        .get(pattern::PROPERTY, Agent, properties::show)
        .get(pattern::PROPERTY_EDIT, Agent, properties::edit_form)
        .post(pattern::PROPERTY_EDIT, Agent, properties::update)
        .post(
            pattern::PROPERTY_PORTAL_GRANT,
            Agent,
            portal_access::grant_from_property,
        )
        .get(pattern::PROPERTY_TENANCY_NEW, Agent, tenancies::new_form)
        .post(pattern::PROPERTY_TENANCY_NEW, Agent, tenancies::create)
        .get(paths::TENANCIES, Agent, tenancy_list::list)
        .get(paths::TENANCIES_CSV, Agent, tenancy_list::download_csv)
        .get(paths::TENANTS, Agent, tenants::list)
        .get(paths::TENANTS_CSV, Agent, tenants::download_csv)
        .get(pattern::TENANCY, Agent, tenancies::show)
        .get(pattern::TENANCY_EDIT, Agent, tenancies::edit_form)
        .post(pattern::TENANCY_EDIT, Agent, tenancies::update)
        .post(pattern::TENANCY_INVITE, Agent, tenancies::invite_tenant)
        .post(pattern::TENANCY_INVITE_REVOKE, Agent, tenancies::revoke_invite)
        .post(pattern::TENANCY_DEPOSIT_RELEASE, Agent, tenancies::propose_release)
        .get(pattern::PROPERTY_CERTIFICATE_NEW, Agent, compliance::new_form)
        .post(pattern::PROPERTY_CERTIFICATE_NEW, Agent, compliance::create)
        .get(pattern::CERTIFICATE_EDIT, Agent, compliance::edit_form)
        .post(pattern::CERTIFICATE_EDIT, Agent, compliance::update)
        .get(paths::WORK_ORDERS, Agent, work_orders::list)
        .get(paths::WORK_ORDERS_CSV, Agent, work_orders::download_csv)
        .get(pattern::WORK_ORDER, Agent, work_orders::show)
        .get(pattern::WORK_ORDER_EDIT, Agent, work_orders::edit_form)
        .post(pattern::WORK_ORDER_EDIT, Agent, work_orders::update)
        .get(pattern::WORK_ORDER_CANCEL, Agent, work_orders::confirm_cancel)
        .post(pattern::WORK_ORDER_CANCEL, Agent, work_orders::cancel)
        .post(pattern::WORK_ORDER_CLOSE, Agent, work_orders::close)
        .post(pattern::WORK_ORDER_PHOTOS, Agent, work_orders::upload_photos)
        .get(pattern::WORK_ORDER_QUOTE_NEW, Agent, quotes::new_form)
        .post(pattern::WORK_ORDER_QUOTE_NEW, Agent, quotes::create)
        .get(pattern::WORK_ORDER_QUOTE_ACCEPT, Agent, quotes::confirm_accept)
        .post(pattern::WORK_ORDER_QUOTE_ACCEPT, Agent, quotes::accept)
        .get(
            pattern::WORK_ORDER_REQUEST_QUOTES,
            Agent,
            contractor_access::request_form,
        )
        .post(pattern::WORK_ORDER_REQUEST_QUOTES, Agent, contractor_access::request)
        .get(pattern::WORK_ORDER_INSTRUCT, Agent, contractor_access::instruct_form)
        .post(pattern::WORK_ORDER_INSTRUCT, Agent, contractor_access::instruct)
        .get(
            pattern::WORK_ORDER_CONTRACTOR_REVOKE,
            Agent,
            contractor_access::confirm_revoke,
        )
        .post(pattern::WORK_ORDER_CONTRACTOR_REVOKE, Agent, contractor_access::revoke)
        .post(
            pattern::WORK_ORDER_CONTRACTOR_COMMENT,
            Agent,
            contractor_access::comment,
        )
        .get(pattern::WORK_ORDER_FILE, Agent, contractor_access::file)
        .post(
            pattern::WORK_ORDER_CERTIFICATE_ACCEPT,
            Agent,
            contractor_access::accept_certificate,
        )
        .get(pattern::WORK_ORDER_PHOTO, Agent, work_orders::photo_full)
        .get(pattern::WORK_ORDER_PHOTO_THUMB, Agent, work_orders::photo_thumb)
        .get(pattern::PROPERTY_WORK_ORDER_NEW, Agent, work_orders::new_form)
        .post(pattern::PROPERTY_WORK_ORDER_NEW, Agent, work_orders::create)
        .get(paths::CONTRACTORS, Agent, contractors::list)
        .post(paths::CONTRACTORS, Agent, contractors::create)
        .get(paths::CONTRACTORS_CSV, Agent, contractors::download_csv)
        .get(paths::CONTRACTOR_NEW, Agent, contractors::new_form)
        .get(pattern::CONTRACTOR, Agent, contractors::show)
        .get(pattern::CONTRACTOR_EDIT, Agent, contractors::edit_form)
        .post(pattern::CONTRACTOR_EDIT, Agent, contractors::update)
        .post(pattern::CONTRACTOR_STATUS, Agent, contractors::set_status)
        .get(paths::COMPLIANCE, Agent, compliance::page)
        .get(paths::COMPLIANCE_CSV, Agent, compliance::download_csv)
        .get(paths::TASKS, Agent, tasks::list)
        .get(paths::TASKS_CSV, Agent, tasks::download_csv)
        .get(pattern::PROPERTY_TASK_NEW, Agent, tasks::new_task)
        .post(pattern::PROPERTY_TASK_NEW, Agent, tasks::create_task)
        .post(pattern::TASK_COMPLETE, Agent, tasks::complete_task)
        .get(paths::OFFERS, Agent, offers::list)
        .get(paths::OFFERS_CSV, Agent, offers::download_csv)
        .get(pattern::PROPERTY_OFFER_NEW, Agent, offers::new_offer)
        .post(pattern::PROPERTY_OFFER_NEW, Agent, offers::create_offer)
        .get(pattern::OFFER, Agent, offers::show_offer)
        .post(pattern::OFFER_STATUS, Agent, offers::move_offer)
        .post(pattern::PROPERTY_DOCUMENTS, Agent, documents::upload)
        .get(pattern::DOCUMENT_DOWNLOAD, Agent, documents::download)
        .get(pattern::DOCUMENT_DELETE, Agent, documents::confirm_delete)
        .post(pattern::DOCUMENT_DELETE, Agent, documents::delete)
        .get(paths::SETTINGS, Admin, settings::page)
        .post(paths::SETTINGS, Admin, settings::save)
        .get(paths::SETTINGS_PREVIEW, Admin, settings::preview_fragment)
        .get(paths::BRAND_CSS, Anyone, settings::brand_css)
        .get(paths::PORTAL_ACCESS, Agent, portal_access::list)
        .get(pattern::PORTAL_TOKEN, Agent, portal_access::show)
        .post(pattern::PORTAL_TOKEN_ACTION, Agent, portal_access::act)
        .get(paths::MESSAGES, Agent, messages::inbox)
        .get(pattern::MESSAGE_THREAD, Agent, messages::show)
        .post(pattern::MESSAGE_THREAD, Agent, messages::send)
        .get(pattern::MESSAGE_THREAD_POLL, Agent, messages::poll)
        .get(paths::OUTBOX, Admin, outbox::page)
        .post(pattern::OUTBOX_RETRY, Admin, outbox::retry)
        .into_routes()
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
