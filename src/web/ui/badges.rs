//! Status badges shown by more than one door: a property's, a tenancy's and
//! an offer's status, and a certificate's compliance indicator.

use maud::{Markup, html};

use crate::domain::choice::Choice;
use crate::domain::compliance::Indicator;
use crate::domain::offers::OfferStatus;
use crate::domain::properties::PropertyStatus;
use crate::domain::tenancies::TenancyStatus;
use crate::domain::work_orders::{Priority, WorkOrderStatus};

/// The badge of a property status.
pub fn property_status(status: PropertyStatus) -> Markup {
    let class = match status {
        PropertyStatus::Let | PropertyStatus::LetAgreed => "badge ok",
        PropertyStatus::Available | PropertyStatus::UnderOffer => "badge warn",
        PropertyStatus::Withdrawn | PropertyStatus::Archived => "badge muted",
    };
    html! { span class=(class) { (status.label()) } }
}

/// The badge of a tenancy status.
pub fn tenancy_status(status: TenancyStatus) -> Markup {
    let class = match status {
        TenancyStatus::Active => "badge ok",
        TenancyStatus::Draft => "badge warn",
        TenancyStatus::Ended => "badge muted",
    };
    html! { span class=(class) { (status.label()) } }
}

/// A compliance indicator's badge.
pub fn indicator(indicator: Indicator) -> Markup {
    html! { span class=(indicator.badge_class()) { (indicator.label()) } }
}

/// The badge of an offer status; offers awaiting the landlord stand out.
pub fn offer_badge(status: OfferStatus) -> Markup {
    let class = match status {
        OfferStatus::SentToLandlord => "badge warn",
        OfferStatus::Accepted => "badge ok",
        OfferStatus::Rejected | OfferStatus::Cancelled => "badge muted",
        _ => "badge",
    };
    html! { span class=(class) { (status.label()) } }
}

/// The badge of a work order's status.
pub fn work_order_status(status: WorkOrderStatus) -> Markup {
    let class = match status {
        WorkOrderStatus::Completed | WorkOrderStatus::Invoiced => "badge ok",
        WorkOrderStatus::Closed | WorkOrderStatus::Cancelled => "badge muted",
        WorkOrderStatus::QuoteAccepted | WorkOrderStatus::Instructed | WorkOrderStatus::Scheduled => "badge warn",
        WorkOrderStatus::New | WorkOrderStatus::QuotesRequested => "badge",
    };
    html! { span class=(class) { (status.label()) } }
}

/// The badge of a work order's priority.
pub fn priority(priority: Priority) -> Markup {
    let class = match priority {
        Priority::Emergency => "badge danger",
        Priority::Urgent => "badge warn",
        Priority::Routine => "badge",
    };
    html! { span class=(class) { (priority.short_label()) } }
}
