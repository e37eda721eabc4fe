//! ContractorPort's rules: what a contractor was asked to do, how their
//! browser session is named and checked, and the forms they send (declining,
//! proposing an appointment). No I/O.
//!
//! A contractor's email carries a single-use link ([`super::portal`], purpose
//! `ContractorLink`). Spending it gives the browser a cookie holding 256 random
//! bits; the database keeps only their SHA-256, so a dump opens no session.
//! Forms in the door carry a token derived from that hash under the server key,
//! so a page from another site cannot post into a contractor's session.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{NaiveDate, TimeDelta};
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::{Digest, Sha256};

use super::choice::Choice;
use super::validation::{FieldErrors, optional_multiline_text, optional_text, required_text};

/// How long a session opened by a link lasts after its last use, in days.
pub const SESSION_DAYS: i64 = 30;
/// A used session's expiry is moved on at most this often (a write per hour,
/// not per page).
pub const SESSION_REFRESH_EVERY: TimeDelta = TimeDelta::hours(1);
/// A fresh link is emailed at most this often for one contractor's access.
pub const FRESH_LINK_EVERY: TimeDelta = TimeDelta::minutes(10);
/// Longest reason or comment a contractor may send.
pub const TEXT_MAX_CHARS: usize = 2000;

/// What a contractor was asked to do on a work order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitedTo {
    /// Send a quotation (they may decline).
    Quote,
    /// Do the work.
    Instruct,
}

impl Choice for InvitedTo {
    const ALL: &'static [Self] = &[InvitedTo::Quote, InvitedTo::Instruct];
    const CHOOSE: &'static str = "Choose quote or instruct";

    fn as_str(self) -> &'static str {
        match self {
            InvitedTo::Quote => "quote",
            InvitedTo::Instruct => "instruct",
        }
    }

    fn label(self) -> &'static str {
        match self {
            InvitedTo::Quote => "Asked to quote",
            InvitedTo::Instruct => "Instructed",
        }
    }
}

/// Where a contractor's emailed link is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    /// Not used yet; opens the job until it expires.
    Present,
    /// Used: the contractor's browser has a session.
    Spent,
    /// Withdrawn by an agent: the link and every session it opened are dead.
    Revoked,
}

impl Choice for LinkStatus {
    const ALL: &'static [Self] = &[LinkStatus::Present, LinkStatus::Spent, LinkStatus::Revoked];
    const CHOOSE: &'static str = "Choose a link status";

    fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Present => "present",
            LinkStatus::Spent => "spent",
            LinkStatus::Revoked => "revoked",
        }
    }

    fn label(self) -> &'static str {
        match self {
            LinkStatus::Present => "Link sent, not opened yet",
            LinkStatus::Spent => "Opened",
            LinkStatus::Revoked => "Access withdrawn",
        }
    }
}

/// When on the day an appointment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentWindow {
    /// 8 am to 12 noon.
    Morning,
    /// 12 noon to 5 pm.
    Afternoon,
    /// 5 pm to 8 pm.
    Evening,
    /// Any time from 8 am to 6 pm.
    AllDay,
}

impl Choice for AppointmentWindow {
    const ALL: &'static [Self] = &[
        AppointmentWindow::Morning,
        AppointmentWindow::Afternoon,
        AppointmentWindow::Evening,
        AppointmentWindow::AllDay,
    ];
    const CHOOSE: &'static str = "Choose a time window";

    fn as_str(self) -> &'static str {
        match self {
            AppointmentWindow::Morning => "morning",
            AppointmentWindow::Afternoon => "afternoon",
            AppointmentWindow::Evening => "evening",
            AppointmentWindow::AllDay => "all_day",
        }
    }

    fn label(self) -> &'static str {
        match self {
            AppointmentWindow::Morning => "Morning, 8 am – 12 noon",
            AppointmentWindow::Afternoon => "Afternoon, 12 noon – 5 pm",
            AppointmentWindow::Evening => "Evening, 5 pm – 8 pm",
            AppointmentWindow::AllDay => "All day, 8 am – 6 pm",
        }
    }
}

/// The appointment form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AppointmentForm {
    /// The day (`YYYY-MM-DD`).
    #[serde(default)]
    pub date: String,
    /// An [`AppointmentWindow`] value.
    #[serde(default)]
    pub window: String,
}

/// Latest day an appointment may be proposed for, counted from today.
const APPOINTMENT_WITHIN_DAYS: i64 = 366;

impl AppointmentForm {
    /// The day and window: a real day from today to a year ahead, and a window.
    pub fn parse(&self, today: NaiveDate) -> Result<(NaiveDate, AppointmentWindow), FieldErrors> {
        let mut errors = FieldErrors::new();
        let date = match NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d") {
            Ok(date) if date < today => {
                errors.add("date", "Choose today or a later day");
                None
            }
            Ok(date) if date > today + TimeDelta::days(APPOINTMENT_WITHIN_DAYS) => {
                errors.add("date", "Choose a day within the next year");
                None
            }
            Ok(date) => Some(date),
            Err(_) if self.date.trim().is_empty() => {
                errors.add("date", "Enter the day you will attend");
                None
            }
            Err(_) => {
                errors.add("date", "Enter the day as a real date, like 2026-03-27");
                None
            }
        };
        let window = errors.check("window", AppointmentWindow::parse(self.window.trim()));
        match (date, window) {
            (Some(date), Some(window)) if errors.is_empty() => Ok((date, window)),
            _ => Err(errors),
        }
    }
}

/// The completion form as typed (the files come beside it).
#[derive(Debug, Clone, Default)]
pub struct CompletionForm {
    /// The day the work was finished (`YYYY-MM-DD`).
    pub completed_on: String,
    /// Time spent on site, as the contractor puts it ("3 hours").
    pub time_on_site: String,
    /// What was done.
    pub notes: String,
    /// "on" when no invoice follows (warranty work, a call-out covered).
    pub invoice_not_required: String,
    /// The invoice's number.
    pub invoice_number: String,
    /// The invoice's total, in pounds.
    pub invoice_amount: String,
}

impl CompletionForm {
    /// Sets a field by its form name (unknown names ignored).
    pub fn set(&mut self, name: &str, value: String) {
        match name {
            "completed_on" => self.completed_on = value,
            "time_on_site" => self.time_on_site = value,
            "notes" => self.notes = value,
            "invoice_not_required" => self.invoice_not_required = value,
            "invoice_number" => self.invoice_number = value,
            "invoice_amount" => self.invoice_amount = value,
            _ => {}
        }
    }
}

/// The invoice of a completed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceFields {
    /// None follows.
    NotRequired,
    /// Its number and total (the PDF comes beside it).
    Received {
        /// The contractor's invoice number.
        number: String,
        /// Its total, VAT included.
        pence: i64,
    },
}

/// A checked completion report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionFields {
    pub completed_on: NaiveDate,
    pub time_on_site: Option<String>,
    pub notes: Option<String>,
    pub invoice: InvoiceFields,
}

impl CompletionForm {
    /// Checks the report: finished between the day the job was raised and
    /// today; an invoice number and amount unless no invoice is required.
    pub fn parse(&self, today: NaiveDate, raised_on: NaiveDate) -> Result<CompletionFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let completed_on = match NaiveDate::parse_from_str(self.completed_on.trim(), "%Y-%m-%d") {
            Ok(day) if day > today => {
                e.add("completed_on", "The work cannot be finished on a day still to come");
                None
            }
            Ok(day) if day < raised_on => {
                e.add("completed_on", "That is before the job was raised");
                None
            }
            Ok(day) => Some(day),
            Err(_) if self.completed_on.trim().is_empty() => {
                e.add("completed_on", "Enter the day the work was finished");
                None
            }
            Err(_) => {
                e.add("completed_on", "Enter the day as a real date, like 2026-03-27");
                None
            }
        };
        let time_on_site = e.take(
            "time_on_site",
            optional_text("the time on site", &self.time_on_site, 100),
        );
        let notes = e.take(
            "notes",
            optional_multiline_text("the notes", &self.notes, TEXT_MAX_CHARS),
        );
        let invoice = if self.invoice_not_required == "on" {
            InvoiceFields::NotRequired
        } else {
            let number = e.take(
                "invoice_number",
                required_text("the invoice number", &self.invoice_number, 50),
            );
            let pence = if self.invoice_amount.trim().is_empty() {
                e.add("invoice_amount", "Enter the invoice's total");
                0
            } else {
                e.take("invoice_amount", super::work_orders::parse_amount(&self.invoice_amount))
            };
            if pence == 0 && e.get("invoice_amount").is_none() {
                e.add("invoice_amount", "Enter an amount above £0.00");
            }
            InvoiceFields::Received { number, pence }
        };
        match completed_on {
            Some(completed_on) if e.is_empty() => Ok(CompletionFields {
                completed_on,
                time_on_site,
                notes,
                invoice,
            }),
            _ => Err(e),
        }
    }
}

/// A reason or comment as typed (`field` names the input).
pub fn parse_text(field: &'static str, label: &str, value: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let text = errors.take(field, required_text(label, value, TEXT_MAX_CHARS));
    if errors.is_empty() { Ok(text) } else { Err(errors) }
}

/// A new session secret for a contractor's browser (256 bits, base64url) and
/// the hash the database keeps of it.
pub fn new_session_token() -> (String, String) {
    let token = URL_SAFE_NO_PAD.encode(rand::rng().random::<[u8; 32]>());
    let hash = session_hash(&token);
    (token, hash)
}

/// The stored form of a session secret (hex SHA-256).
pub fn session_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The form token of a session: the server key's HMAC of the session's hash,
/// so only a page the session was shown can post into it.
pub fn form_token(key: &[u8], session_hash: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(b"portico/contractor-form/v1");
    mac.update(session_hash.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_appointment_is_a_real_day_from_today_within_a_year() {
        let today = day("2026-05-10");
        let form = |date: &str, window: &str| AppointmentForm {
            date: date.into(),
            window: window.into(),
        };
        assert_eq!(
            form("2026-05-10", "morning").parse(today).unwrap(),
            (today, AppointmentWindow::Morning)
        );
        assert!(
            form("2026-05-09", "morning")
                .parse(today)
                .unwrap_err()
                .get("date")
                .is_some()
        );
        assert!(
            form("2027-06-01", "morning")
                .parse(today)
                .unwrap_err()
                .get("date")
                .is_some()
        );
        assert!(
            form("next tuesday", "morning")
                .parse(today)
                .unwrap_err()
                .get("date")
                .is_some()
        );
        let both = form("", "noon").parse(today).unwrap_err();
        assert!(both.get("date").is_some() && both.get("window").is_some());
    }

    #[test]
    fn a_session_is_stored_as_a_hash_and_its_form_token_follows_it() {
        let (token, hash) = new_session_token();
        assert_eq!(session_hash(&token), hash);
        assert_ne!(token, hash);
        let key = b"a-server-key-of-at-least-32-bytes!!";
        assert_eq!(form_token(key, &hash), form_token(key, &hash));
        assert_ne!(form_token(key, &hash), form_token(key, &session_hash("other")));
    }

    #[test]
    fn a_completion_needs_a_day_in_range_and_an_invoice_or_a_reason_for_none() {
        let today = day("2026-05-10");
        let raised = day("2026-05-01");
        let mut form = CompletionForm {
            completed_on: "2026-05-11".into(),
            invoice_amount: "-3".into(),
            ..CompletionForm::default()
        };
        let errors = form.parse(today, raised).unwrap_err();
        for field in ["completed_on", "invoice_number", "invoice_amount"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        form.completed_on = "2026-04-30".into();
        assert!(form.parse(today, raised).unwrap_err().get("completed_on").is_some());
        form.completed_on = "2026-05-09".into();
        form.invoice_not_required = "on".into();
        assert_eq!(form.parse(today, raised).unwrap().invoice, InvoiceFields::NotRequired);
        form.invoice_not_required.clear();
        form.invoice_number = "INV-7".into();
        form.invoice_amount = "1,234.50".into();
        assert_eq!(
            form.parse(today, raised).unwrap().invoice,
            InvoiceFields::Received {
                number: "INV-7".into(),
                pence: 123_450
            }
        );
    }

    #[test]
    fn a_reason_is_required_and_bounded() {
        assert!(parse_text("reason", "the reason", "  ").is_err());
        assert!(parse_text("reason", "the reason", &"x".repeat(TEXT_MAX_CHARS + 1)).is_err());
        assert_eq!(parse_text("reason", "the reason", " Too far ").unwrap(), "Too far");
    }
}
