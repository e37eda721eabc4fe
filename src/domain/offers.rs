//! Offers from applicants: the seed's eight statuses with their display labels,
//! and the allowed moves between them, defined here once.

use chrono::NaiveDate;

use super::choice::Choice;
use super::tenancies::parse_pounds;
use super::validation::{Email, FieldErrors, optional_multiline_text, optional_text, required_text};

/// Where an offer is (seed 000's statuses and labels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OfferStatus {
    /// The applicant was invited to make an offer.
    #[default]
    Invited,
    /// The applicant is completing it.
    InProgress,
    /// Submitted; the agent is checking it.
    WithAgent,
    /// Awaiting the landlord's review.
    SentToLandlord,
    /// The landlord has looked at it.
    LandlordReviewed,
    /// Accepted.
    Accepted,
    /// Rejected.
    Rejected,
    /// Withdrawn or cancelled.
    Cancelled,
}

impl Choice for OfferStatus {
    const ALL: &'static [Self] = &[
        OfferStatus::Invited,
        OfferStatus::InProgress,
        OfferStatus::WithAgent,
        OfferStatus::SentToLandlord,
        OfferStatus::LandlordReviewed,
        OfferStatus::Accepted,
        OfferStatus::Rejected,
        OfferStatus::Cancelled,
    ];
    const CHOOSE: &'static str = "Choose a status";
    fn as_str(self) -> &'static str {
        match self {
            OfferStatus::Invited => "invited",
            OfferStatus::InProgress => "in_progress",
            OfferStatus::WithAgent => "with_agent",
            OfferStatus::SentToLandlord => "sent_to_landlord",
            OfferStatus::LandlordReviewed => "landlord_reviewed",
            OfferStatus::Accepted => "accepted",
            OfferStatus::Rejected => "rejected",
            OfferStatus::Cancelled => "cancelled",
        }
    }
    fn label(self) -> &'static str {
        match self {
            OfferStatus::Invited => "Invited",
            OfferStatus::InProgress => "In Progress",
            OfferStatus::WithAgent => "With Agent",
            OfferStatus::SentToLandlord => "Awaiting Your Review",
            OfferStatus::LandlordReviewed => "Reviewed",
            OfferStatus::Accepted => "Accepted",
            OfferStatus::Rejected => "Rejected",
            OfferStatus::Cancelled => "Cancelled",
        }
    }
}

impl OfferStatus {
    /// The statuses an offer may move to from this one. Accepted, rejected and
    /// cancelled offers are final.
    pub fn next(self) -> &'static [OfferStatus] {
        use OfferStatus::*;
        match self {
            Invited => &[InProgress, WithAgent, Cancelled],
            InProgress => &[WithAgent, Cancelled],
            WithAgent => &[SentToLandlord, InProgress, Rejected, Cancelled],
            SentToLandlord => &[LandlordReviewed, Accepted, Rejected, WithAgent, Cancelled],
            LandlordReviewed => &[Accepted, Rejected, WithAgent, Cancelled],
            Accepted | Rejected | Cancelled => &[],
        }
    }

    /// What happens next, in one line a landlord understands (shown beside the
    /// status in their portal).
    pub fn next_step(self) -> &'static str {
        use OfferStatus::*;
        match self {
            Invited => "The applicant has been invited to make an offer; nothing is needed from you yet.",
            InProgress => "The applicant is filling in their offer; nothing is needed from you yet.",
            WithAgent => "Your agent is checking the offer and will send it to you if it stands up.",
            SentToLandlord => "Your agent is waiting for you: accept or decline the offer below.",
            LandlordReviewed => "You have given your answer; your agent will confirm the outcome.",
            Accepted => "The offer was accepted; your agent is arranging the tenancy.",
            Rejected => "The offer was turned down; your agent will keep looking for tenants.",
            Cancelled => "The offer was withdrawn; nothing more will happen with it.",
        }
    }

    /// Whether an offer may move from this status to `to`.
    pub fn can_move_to(self, to: OfferStatus) -> bool {
        self.next().contains(&to)
    }

    /// The label agents see on the button that makes this move.
    pub fn action_label(self) -> &'static str {
        use OfferStatus::*;
        match self {
            Invited => "Mark invited",
            InProgress => "Mark in progress",
            WithAgent => "Back with agent",
            SentToLandlord => "Send to landlord",
            LandlordReviewed => "Mark reviewed by landlord",
            Accepted => "Accept",
            Rejected => "Reject",
            Cancelled => "Cancel offer",
        }
    }
}

/// The offer form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct OfferForm {
    pub applicant_name: String,
    pub applicant_email: String,
    pub applicant_phone: String,
    pub rent: String,
    pub move_in_on: String,
    pub term_months: String,
    pub notes: String,
}

/// Checked offer fields.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferFields {
    pub applicant_name: String,
    pub applicant_email: Email,
    pub applicant_phone: Option<String>,
    pub rent_pence: i64,
    pub move_in_on: Option<NaiveDate>,
    pub term_months: Option<i32>,
    pub notes: Option<String>,
}

impl OfferForm {
    /// Checks every field.
    pub fn parse(&self) -> Result<OfferFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let email = e.check("applicant_email", Email::parse(&self.applicant_email));
        let rent_pence = match e.check("rent", parse_pounds(&self.rent)) {
            Some(0) => {
                e.add("rent", "Enter an offered rent above £0");
                0
            }
            other => other.unwrap_or(0),
        };
        let move_in_on = match self.move_in_on.trim() {
            "" => None,
            value => e.check(
                "move_in_on",
                NaiveDate::parse_from_str(value, "%Y-%m-%d")
                    .map_err(|_| "Enter the move-in date as a real date, like 2026-03-27".to_string()),
            ),
        };
        let term_months = match self.term_months.trim() {
            "" => None,
            value => e.check(
                "term_months",
                value
                    .parse::<i32>()
                    .ok()
                    .filter(|m| (1..=120).contains(m))
                    .ok_or_else(|| "Enter the term in months, from 1 to 120".to_string()),
            ),
        };
        let fields = OfferFields {
            applicant_name: e.take(
                "applicant_name",
                required_text("the applicant's name", &self.applicant_name, 200),
            ),
            applicant_email: email.unwrap_or_else(Email::placeholder),
            applicant_phone: e.take("applicant_phone", optional_text("phone", &self.applicant_phone, 30)),
            rent_pence,
            move_in_on,
            term_months,
            notes: e.take("notes", optional_multiline_text("notes", &self.notes, 5000)),
        };
        if e.is_empty() { Ok(fields) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_labels_are_kept() {
        let labels: Vec<&str> = OfferStatus::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(
            labels,
            [
                "Invited",
                "In Progress",
                "With Agent",
                "Awaiting Your Review",
                "Reviewed",
                "Accepted",
                "Rejected",
                "Cancelled"
            ]
        );
    }

    #[test]
    fn only_listed_moves_are_allowed_and_final_states_are_final() {
        use OfferStatus::*;
        assert!(WithAgent.can_move_to(SentToLandlord));
        assert!(SentToLandlord.can_move_to(Accepted));
        assert!(!Invited.can_move_to(Accepted));
        assert!(!Invited.can_move_to(SentToLandlord));
        for done in [Accepted, Rejected, Cancelled] {
            assert!(OfferStatus::ALL.iter().all(|to| !done.can_move_to(*to)));
        }
        for status in OfferStatus::ALL {
            assert!(!status.can_move_to(*status), "{status:?} to itself");
        }
    }

    #[test]
    fn the_form_checks_rent_and_term() {
        let form = OfferForm {
            applicant_name: "Amy".into(),
            applicant_email: "amy@example.com".into(),
            rent: "0".into(),
            term_months: "200".into(),
            ..Default::default()
        };
        let errors = form.parse().unwrap_err();
        assert_eq!(errors.get("rent"), Some("Enter an offered rent above £0"));
        assert!(errors.get("term_months").is_some());
    }
}

crate::stored_as_text!(OfferStatus, |value| {
    <OfferStatus as crate::domain::choice::Choice>::parse(value).ok()
});
