//! Quotations for a work order: lines of labour, materials and other costs,
//! VAT, lead time and validity, with totals in pence computed here once. A
//! quote above the landlord's repair approval limit waits for the
//! landlord's approval before it is accepted.

use chrono::NaiveDate;

use super::choice::Choice;
use super::validation::{FieldErrors, optional_multiline_text, optional_text, required_text};
use super::work_orders::parse_amount;

/// How many lines a quote form offers.
pub const MAX_LINES: usize = 5;

/// The form names of each line: (kind, description, amount).
pub const LINE_FIELDS: [(&str, &str, &str); MAX_LINES] = [
    ("line1_kind", "line1_description", "line1_amount"),
    ("line2_kind", "line2_description", "line2_amount"),
    ("line3_kind", "line3_description", "line3_amount"),
    ("line4_kind", "line4_description", "line4_amount"),
    ("line5_kind", "line5_description", "line5_amount"),
];

/// What a line of a quote is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineKind {
    /// Time on the job.
    #[default]
    Labour,
    /// Parts and materials.
    Materials,
    /// Call-out, disposal, access equipment…
    Other,
}

impl Choice for LineKind {
    const ALL: &'static [Self] = &[LineKind::Labour, LineKind::Materials, LineKind::Other];
    const CHOOSE: &'static str = "Choose labour, materials or other";

    fn as_str(self) -> &'static str {
        match self {
            LineKind::Labour => "labour",
            LineKind::Materials => "materials",
            LineKind::Other => "other",
        }
    }

    fn label(self) -> &'static str {
        match self {
            LineKind::Labour => "Labour",
            LineKind::Materials => "Materials",
            LineKind::Other => "Other",
        }
    }
}

/// The VAT rate of a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VatRate {
    /// 20 %.
    #[default]
    Standard,
    /// 5 % (some energy-saving work).
    Reduced,
    /// No VAT (a contractor not registered for VAT).
    None,
}

impl Choice for VatRate {
    const ALL: &'static [Self] = &[VatRate::Standard, VatRate::Reduced, VatRate::None];
    const CHOOSE: &'static str = "Choose the VAT rate";

    fn as_str(self) -> &'static str {
        match self {
            VatRate::Standard => "standard",
            VatRate::Reduced => "reduced",
            VatRate::None => "none",
        }
    }

    fn label(self) -> &'static str {
        match self {
            VatRate::Standard => "20% VAT",
            VatRate::Reduced => "5% VAT",
            VatRate::None => "No VAT",
        }
    }
}

impl VatRate {
    /// The VAT on `net` pence, rounded to the nearest penny.
    pub fn on(self, net: i64) -> i64 {
        let percent = match self {
            VatRate::Standard => 20,
            VatRate::Reduced => 5,
            VatRate::None => 0,
        };
        (net * percent + 50) / 100
    }
}

/// Where a quote stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuoteStatus {
    /// In, not yet decided.
    #[default]
    Submitted,
    /// Accepted by the agent, above the landlord's limit: waiting for them.
    AwaitingLandlord,
    /// Accepted: this contractor will do the work.
    Accepted,
    /// Not taken (another was accepted, or the landlord declined it).
    Declined,
}

impl Choice for QuoteStatus {
    const ALL: &'static [Self] = &[
        QuoteStatus::Submitted,
        QuoteStatus::AwaitingLandlord,
        QuoteStatus::Accepted,
        QuoteStatus::Declined,
    ];
    const CHOOSE: &'static str = "Choose a status";

    fn as_str(self) -> &'static str {
        match self {
            QuoteStatus::Submitted => "submitted",
            QuoteStatus::AwaitingLandlord => "awaiting_landlord",
            QuoteStatus::Accepted => "accepted",
            QuoteStatus::Declined => "declined",
        }
    }

    fn label(self) -> &'static str {
        match self {
            QuoteStatus::Submitted => "Received",
            QuoteStatus::AwaitingLandlord => "Awaiting the landlord's approval",
            QuoteStatus::Accepted => "Accepted",
            QuoteStatus::Declined => "Declined",
        }
    }
}

/// A quote line, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteLine {
    pub kind: LineKind,
    pub description: String,
    pub amount_pence: i64,
}

/// The quote form as typed (built from the body's pairs, see [`QuoteForm::from_pairs`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuoteForm {
    pub contractor_id: String,
    /// Each line's (kind, description, amount), in [`LINE_FIELDS`] order.
    pub lines: [(String, String, String); MAX_LINES],
    pub vat_rate: String,
    pub lead_time_days: String,
    pub duration: String,
    pub valid_until: String,
    pub notes: String,
}

/// Checked quote fields with their totals.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteFields {
    pub lines: Vec<QuoteLine>,
    pub vat_rate: VatRate,
    pub lead_time_days: Option<i32>,
    pub duration: Option<String>,
    pub valid_until: Option<NaiveDate>,
    pub notes: Option<String>,
}

impl QuoteFields {
    /// The lines added up, before VAT.
    pub fn net_pence(&self) -> i64 {
        self.lines.iter().map(|l| l.amount_pence).sum()
    }

    /// The VAT.
    pub fn vat_pence(&self) -> i64 {
        self.vat_rate.on(self.net_pence())
    }

    /// What the work costs with VAT.
    pub fn total_pence(&self) -> i64 {
        self.net_pence() + self.vat_pence()
    }
}

impl QuoteForm {
    /// The form from a urlencoded body's pairs (unknown names ignored).
    pub fn from_pairs(pairs: &[(String, String)]) -> QuoteForm {
        let mut form = QuoteForm::default();
        for (name, value) in pairs {
            let value = value.clone();
            match name.as_str() {
                "contractor_id" => form.contractor_id = value,
                "vat_rate" => form.vat_rate = value,
                "lead_time_days" => form.lead_time_days = value,
                "duration" => form.duration = value,
                "valid_until" => form.valid_until = value,
                "notes" => form.notes = value,
                other => {
                    for (n, (kind, description, amount)) in LINE_FIELDS.iter().enumerate() {
                        if other == *kind {
                            form.lines[n].0 = value.clone();
                        } else if other == *description {
                            form.lines[n].1 = value.clone();
                        } else if other == *amount {
                            form.lines[n].2 = value.clone();
                        }
                    }
                }
            }
        }
        form
    }

    /// Checks every field: at least one line, each with a description and an
    /// amount above nothing, the quote valid until a day not before `today`.
    pub fn parse(&self, today: NaiveDate) -> Result<QuoteFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut lines = Vec::new();
        for (n, (kind, description, amount)) in self.lines.iter().enumerate() {
            let (kind_field, description_field, amount_field) = LINE_FIELDS[n];
            if description.trim().is_empty() && amount.trim().is_empty() {
                continue;
            }
            let kind = e.take(kind_field, LineKind::parse_or(kind, LineKind::default()));
            let description = e.take(
                description_field,
                required_text("what this line is for", description, 300),
            );
            let amount = match parse_amount(amount) {
                Ok(0) => {
                    e.add(amount_field, "A line must cost more than £0");
                    0
                }
                other => e.take(amount_field, other),
            };
            lines.push(QuoteLine {
                kind,
                description,
                amount_pence: amount,
            });
        }
        if lines.is_empty() && e.is_empty() {
            e.add(
                LINE_FIELDS[0].1,
                "Enter at least one line: what it is for and its amount",
            );
        }
        let lead_time_days = match self.lead_time_days.trim() {
            "" => None,
            value => e.check(
                "lead_time_days",
                value
                    .parse::<i32>()
                    .ok()
                    .filter(|d| (0..=365).contains(d))
                    .ok_or_else(|| "Enter the lead time in days, from 0 to 365".to_string()),
            ),
        };
        let valid_until = match self.valid_until.trim() {
            "" => None,
            value => e.check(
                "valid_until",
                NaiveDate::parse_from_str(value, "%Y-%m-%d")
                    .map_err(|_| "Enter a real date, like 2027-01-31".to_string())
                    .and_then(|d| {
                        if d < today {
                            Err("The quote must be valid until today or later".to_string())
                        } else {
                            Ok(d)
                        }
                    }),
            ),
        };
        let fields = QuoteFields {
            lines,
            vat_rate: e.take("vat_rate", VatRate::parse_or(&self.vat_rate, VatRate::default())),
            lead_time_days,
            duration: e.take("duration", optional_text("expected duration", &self.duration, 100)),
            valid_until,
            notes: e.take("notes", optional_multiline_text("notes", &self.notes, 5000)),
        };
        let total = fields.total_pence();
        if total > super::work_orders::MAX_AMOUNT_PENCE {
            e.add(
                LINE_FIELDS[0].2,
                "The quote comes to more than £1,000,000: check the amounts",
            );
        }
        if e.is_empty() { Ok(fields) } else { Err(e) }
    }
}

crate::stored_as_text!(LineKind, |value| <LineKind as Choice>::parse(value).ok());
crate::stored_as_text!(VatRate, |value| <VatRate as Choice>::parse(value).ok());
crate::stored_as_text!(QuoteStatus, |value| <QuoteStatus as Choice>::parse(value).ok());

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn totals_add_the_lines_and_their_vat_to_the_penny() {
        let form = QuoteForm::from_pairs(&pairs(&[
            ("line1_kind", "labour"),
            ("line1_description", "Two hours"),
            ("line1_amount", "120"),
            ("line2_kind", "materials"),
            ("line2_description", "Pump"),
            ("line2_amount", "255.55"),
            ("vat_rate", "standard"),
        ]));
        let fields = form.parse(today()).unwrap();
        assert_eq!(fields.net_pence(), 37_555);
        assert_eq!(fields.vat_pence(), 7_511, "20% of £375.55, rounded");
        assert_eq!(fields.total_pence(), 45_066);
        assert_eq!(VatRate::Reduced.on(1_010), 51);
        assert_eq!(VatRate::None.on(1_010), 0);
    }

    #[test]
    fn a_quote_needs_a_line_real_amounts_and_a_validity_not_in_the_past() {
        let empty = QuoteForm::default().parse(today()).unwrap_err();
        assert!(empty.get("line1_description").unwrap().contains("at least one line"));
        let bad = QuoteForm::from_pairs(&pairs(&[
            ("line1_description", ""),
            ("line1_amount", "-5"),
            ("line2_description", "Callout"),
            ("line2_amount", "0"),
            ("valid_until", "2026-06-14"),
            ("lead_time_days", "lots"),
        ]))
        .parse(today())
        .unwrap_err();
        assert!(bad.get("line1_description").is_some());
        assert!(bad.get("line1_amount").is_some());
        assert_eq!(bad.get("line2_amount"), Some("A line must cost more than £0"));
        assert!(bad.get("valid_until").unwrap().contains("today or later"));
        assert!(bad.get("lead_time_days").is_some());
        let huge = QuoteForm::from_pairs(&pairs(&[("line1_description", "Rebuild"), ("line1_amount", "900000")]))
            .parse(today())
            .unwrap_err();
        assert!(huge.get("line1_amount").unwrap().contains("more than £1,000,000"));
    }
}
