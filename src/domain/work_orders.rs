//! Work orders: the agency's one maintenance record (repairs, servicing,
//! inspections), raised by an agent, a landlord, a tenant or a site manager.
//! Their priorities with the target each sets, their statuses with the allowed
//! moves between them, defined here once.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use super::choice::Choice;
use super::tenancies::parse_pounds;
use super::validation::{FieldErrors, optional_multiline_text, optional_text, required_text};

/// The largest amount a work order's figures may hold: more is a typing
/// mistake, not a repair (£1,000,000).
pub const MAX_AMOUNT_PENCE: i64 = 100_000_000;

/// Field lengths.
pub mod limits {
    /// Title.
    pub const TITLE: usize = 200;
    /// Description, access instructions.
    pub const TEXT: usize = 5000;
    /// Occupier contact, reporter name.
    pub const CONTACT: usize = 300;
}

/// How soon the work must be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Priority {
    /// Danger to people or the building: within 24 hours.
    Emergency,
    /// Within 72 hours.
    Urgent,
    /// Within 14 days.
    #[default]
    Routine,
}

impl Choice for Priority {
    const ALL: &'static [Self] = &[Priority::Emergency, Priority::Urgent, Priority::Routine];
    const CHOOSE: &'static str = "Choose emergency, urgent or routine";

    fn as_str(self) -> &'static str {
        match self {
            Priority::Emergency => "emergency",
            Priority::Urgent => "urgent",
            Priority::Routine => "routine",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Priority::Emergency => "Emergency (24 hours)",
            Priority::Urgent => "Urgent (72 hours)",
            Priority::Routine => "Routine (14 days)",
        }
    }
}

impl Priority {
    /// How long the work may take from when it was raised.
    pub fn allowed(self) -> TimeDelta {
        match self {
            Priority::Emergency => TimeDelta::hours(24),
            Priority::Urgent => TimeDelta::hours(72),
            Priority::Routine => TimeDelta::days(14),
        }
    }

    /// When work raised at `raised_at` is due.
    pub fn target_from(self, raised_at: DateTime<Utc>) -> DateTime<Utc> {
        raised_at + self.allowed()
    }

    /// The short name on badges ("Emergency").
    pub fn short_label(self) -> &'static str {
        match self {
            Priority::Emergency => "Emergency",
            Priority::Urgent => "Urgent",
            Priority::Routine => "Routine",
        }
    }
}

/// Where a work order is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WorkOrderStatus {
    /// Raised; nobody asked yet.
    #[default]
    New,
    /// Contractors have been asked to quote.
    QuotesRequested,
    /// A quote was accepted (by the agent, and the landlord above their limit).
    QuoteAccepted,
    /// A contractor was told to do the work.
    Instructed,
    /// The contractor has an appointment.
    Scheduled,
    /// The contractor says the work is done.
    Completed,
    /// The contractor's invoice is in.
    Invoiced,
    /// Finished with.
    Closed,
    /// Called off.
    Cancelled,
}

impl Choice for WorkOrderStatus {
    const ALL: &'static [Self] = &[
        WorkOrderStatus::New,
        WorkOrderStatus::QuotesRequested,
        WorkOrderStatus::QuoteAccepted,
        WorkOrderStatus::Instructed,
        WorkOrderStatus::Scheduled,
        WorkOrderStatus::Completed,
        WorkOrderStatus::Invoiced,
        WorkOrderStatus::Closed,
        WorkOrderStatus::Cancelled,
    ];
    const CHOOSE: &'static str = "Choose a status";

    fn as_str(self) -> &'static str {
        match self {
            WorkOrderStatus::New => "new",
            WorkOrderStatus::QuotesRequested => "quotes_requested",
            WorkOrderStatus::QuoteAccepted => "quote_accepted",
            WorkOrderStatus::Instructed => "instructed",
            WorkOrderStatus::Scheduled => "scheduled",
            WorkOrderStatus::Completed => "completed",
            WorkOrderStatus::Invoiced => "invoiced",
            WorkOrderStatus::Closed => "closed",
            WorkOrderStatus::Cancelled => "cancelled",
        }
    }

    fn label(self) -> &'static str {
        match self {
            WorkOrderStatus::New => "New",
            WorkOrderStatus::QuotesRequested => "Quotes requested",
            WorkOrderStatus::QuoteAccepted => "Quote accepted",
            WorkOrderStatus::Instructed => "Instructed",
            WorkOrderStatus::Scheduled => "Scheduled",
            WorkOrderStatus::Completed => "Completed",
            WorkOrderStatus::Invoiced => "Invoiced",
            WorkOrderStatus::Closed => "Closed",
            WorkOrderStatus::Cancelled => "Cancelled",
        }
    }
}

impl WorkOrderStatus {
    /// The statuses a work order may move to from this one. Closed and
    /// cancelled are final; completed work can be sent back (instructed
    /// again) when it is not done right.
    pub fn next(self) -> &'static [WorkOrderStatus] {
        use WorkOrderStatus::*;
        match self {
            New => &[QuotesRequested, Instructed, Cancelled],
            QuotesRequested => &[QuoteAccepted, Instructed, Cancelled],
            QuoteAccepted => &[Instructed, QuotesRequested, Cancelled],
            Instructed => &[Scheduled, Completed, Cancelled],
            Scheduled => &[Completed, Instructed, Cancelled],
            Completed => &[Invoiced, Closed, Instructed],
            Invoiced => &[Closed],
            Closed | Cancelled => &[],
        }
    }

    /// Whether a work order may move from this status to `to`.
    pub fn can_move_to(self, to: WorkOrderStatus) -> bool {
        self.next().contains(&to)
    }

    /// Whether the work is still to be done (the target date applies).
    pub fn is_open(self) -> bool {
        use WorkOrderStatus::*;
        matches!(self, New | QuotesRequested | QuoteAccepted | Instructed | Scheduled)
    }

    /// The statuses still to be done, for lists and counts.
    pub fn open() -> Vec<WorkOrderStatus> {
        Self::ALL.iter().copied().filter(|s| s.is_open()).collect()
    }
}

/// Whether open work is past its target.
pub fn is_overdue(status: WorkOrderStatus, target_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    status.is_open() && target_at < now
}

/// Who raised a work order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RaisedBy {
    /// An agent of the agency.
    #[default]
    Agent,
    /// The property's landlord.
    Landlord,
    /// A tenant or leaseholder.
    Tenant,
    /// A site manager.
    SiteManager,
}

impl Choice for RaisedBy {
    const ALL: &'static [Self] = &[
        RaisedBy::Agent,
        RaisedBy::Landlord,
        RaisedBy::Tenant,
        RaisedBy::SiteManager,
    ];
    const CHOOSE: &'static str = "Choose who reported it";

    fn as_str(self) -> &'static str {
        match self {
            RaisedBy::Agent => "agent",
            RaisedBy::Landlord => "landlord",
            RaisedBy::Tenant => "tenant",
            RaisedBy::SiteManager => "site_manager",
        }
    }

    fn label(self) -> &'static str {
        match self {
            RaisedBy::Agent => "An agent",
            RaisedBy::Landlord => "The landlord",
            RaisedBy::Tenant => "A tenant",
            RaisedBy::SiteManager => "A site manager",
        }
    }
}

/// An amount typed in pounds, within what a work order may hold.
pub fn parse_amount(input: &str) -> Result<i64, String> {
    let pence = parse_pounds(input)?;
    if pence > MAX_AMOUNT_PENCE {
        return Err("Enter an amount up to £1,000,000".into());
    }
    Ok(pence)
}

/// The form that raises a work order (or edits its details), as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct WorkOrderForm {
    pub title: String,
    pub description: String,
    pub priority: String,
    pub access_instructions: String,
    pub occupier_contact: String,
    pub budget: String,
    pub raised_by: String,
    pub reporter_name: String,
}

/// Checked work order fields.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkOrderFields {
    pub title: String,
    pub description: Option<String>,
    pub priority: Priority,
    pub access_instructions: Option<String>,
    pub occupier_contact: Option<String>,
    /// The not-to-exceed amount, in pence.
    pub budget_pence: Option<i64>,
    pub raised_by: RaisedBy,
    /// The reporter's name when not the agent raising it.
    pub reporter_name: Option<String>,
}

impl WorkOrderForm {
    /// Checks every field.
    pub fn parse(&self) -> Result<WorkOrderFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let raised_by = e.take("raised_by", RaisedBy::parse_or(&self.raised_by, RaisedBy::default()));
        let reporter_name = e.take(
            "reporter_name",
            optional_text("reporter's name", &self.reporter_name, limits::CONTACT),
        );
        if raised_by != RaisedBy::Agent && reporter_name.is_none() && e.get("reporter_name").is_none() {
            e.add("reporter_name", "Enter the name of the person who reported it");
        }
        let budget_pence = match self.budget.trim() {
            "" => None,
            value => e.check("budget", parse_amount(value)),
        };
        let fields = WorkOrderFields {
            title: e.take("title", required_text("a title", &self.title, limits::TITLE)),
            description: e.take(
                "description",
                optional_multiline_text("description", &self.description, limits::TEXT),
            ),
            priority: e.take("priority", Priority::parse_or(&self.priority, Priority::default())),
            access_instructions: e.take(
                "access_instructions",
                optional_multiline_text("access instructions", &self.access_instructions, limits::TEXT),
            ),
            occupier_contact: e.take(
                "occupier_contact",
                optional_text("occupier contact", &self.occupier_contact, limits::CONTACT),
            ),
            budget_pence,
            raised_by,
            reporter_name: if raised_by == RaisedBy::Agent {
                None
            } else {
                reporter_name
            },
        };
        if e.is_empty() { Ok(fields) } else { Err(e) }
    }
}

/// The cancel form: a reason is required, so the record says why.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CancelForm {
    pub reason: String,
    pub confirm: String,
}

impl CancelForm {
    /// The reason, checked.
    pub fn reason(&self) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::new();
        let reason = e.take("reason", required_text("the reason", &self.reason, 1000));
        if e.is_empty() { Ok(reason) } else { Err(e) }
    }
}

/// The day a target falls on in London (for "due 12 Mar 2026").
pub fn target_day(target_at: DateTime<Utc>) -> NaiveDate {
    crate::clock::local_date(target_at)
}

crate::stored_as_text!(Priority, |value| <Priority as Choice>::parse(value).ok());
crate::stored_as_text!(WorkOrderStatus, |value| <WorkOrderStatus as Choice>::parse(value).ok());
crate::stored_as_text!(RaisedBy, |value| <RaisedBy as Choice>::parse(value).ok());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_priority_sets_its_target() {
        let raised = DateTime::parse_from_rfc3339("2026-05-10T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            Priority::Emergency.target_from(raised).to_rfc3339(),
            "2026-05-11T09:00:00+00:00"
        );
        assert_eq!(
            Priority::Urgent.target_from(raised).to_rfc3339(),
            "2026-05-13T09:00:00+00:00"
        );
        assert_eq!(
            Priority::Routine.target_from(raised).to_rfc3339(),
            "2026-05-24T09:00:00+00:00"
        );
    }

    #[test]
    fn the_moves_are_a_one_way_path_with_cancel_and_send_back() {
        use WorkOrderStatus::*;
        assert!(New.can_move_to(QuotesRequested) && New.can_move_to(Instructed));
        assert!(!New.can_move_to(Completed), "no completing work nobody was told to do");
        assert!(Completed.can_move_to(Instructed), "sent back");
        assert!(!Completed.can_move_to(Cancelled), "done work is closed, not cancelled");
        for last in [Closed, Cancelled] {
            assert!(last.next().is_empty());
        }
        for status in WorkOrderStatus::ALL {
            assert!(!status.can_move_to(*status), "{status:?} to itself");
        }
        assert_eq!(
            WorkOrderStatus::open(),
            [New, QuotesRequested, QuoteAccepted, Instructed, Scheduled]
        );
    }

    #[test]
    fn only_open_work_is_overdue() {
        let now = Utc::now();
        let past = now - TimeDelta::hours(1);
        assert!(is_overdue(WorkOrderStatus::Instructed, past, now));
        assert!(!is_overdue(WorkOrderStatus::Completed, past, now));
        assert!(!is_overdue(WorkOrderStatus::New, now + TimeDelta::hours(1), now));
    }

    #[test]
    fn amounts_must_be_money_and_sensible() {
        assert_eq!(parse_amount("450"), Ok(45_000));
        assert_eq!(parse_amount("£1,000,000.00"), Ok(MAX_AMOUNT_PENCE));
        assert!(parse_amount("1000000.01").is_err());
        assert!(parse_amount("-5").is_err());
        assert!(parse_amount("lots").is_err());
        let form = WorkOrderForm {
            title: "Boiler not firing".into(),
            budget: "2,000,000".into(),
            raised_by: "tenant".into(),
            ..WorkOrderForm::default()
        };
        let errors = form.parse().unwrap_err();
        assert_eq!(errors.get("budget"), Some("Enter an amount up to £1,000,000"));
        assert_eq!(
            errors.get("reporter_name"),
            Some("Enter the name of the person who reported it")
        );
    }
}
