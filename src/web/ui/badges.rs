//! Status badges shown by more than one door: a property's, a tenancy's and
//! an offer's status, and a certificate's compliance indicator.

use maud::{Markup, html};

use crate::domain::choice::Choice;
use crate::domain::compliance::Indicator;
use crate::domain::offers::OfferStatus;
use crate::domain::properties::PropertyStatus;
use crate::domain::tenancies::TenancyStatus;

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
