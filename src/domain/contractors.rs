//! Contractors the agency sends repairs and maintenance to (seed 002's
//! ContractorPort audience): their trades, the registrations a trade needs
//! by law (Gas Safe for gas work; a competent-person scheme such as NICEIC
//! or NAPIT for electrical work), and their public liability insurance.

use chrono::NaiveDate;

use super::choice::Choice;
use super::validation::{Email, FieldErrors, optional_multiline_text, optional_text, required_text};

/// Field lengths.
pub mod limits {
    /// Company and contact names.
    pub const NAME: usize = 200;
    /// Phone numbers.
    pub const PHONE: usize = 30;
    /// Registration numbers.
    pub const REGISTRATION: usize = 40;
    /// Notes.
    pub const NOTES: usize = 5000;
}

/// A trade a contractor works in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trade {
    /// Gas appliances and supply (Gas Safe registered by law).
    Gas,
    /// Electrical installation and testing (a competent-person scheme).
    Electrical,
    /// Plumbing.
    Plumbing,
    /// Heating (boilers, radiators).
    Heating,
    /// Roofing and guttering.
    Roofing,
    /// General building and handyman work.
    General,
    /// Carpentry and joinery.
    Carpentry,
    /// Painting and decorating.
    Decorating,
    /// Windows and glazing.
    Glazing,
    /// Drains.
    Drainage,
    /// Locks and doors.
    Locksmith,
    /// Cleaning.
    Cleaning,
    /// Pest control.
    PestControl,
    /// Fire alarms, emergency lighting, extinguishers.
    FireSafety,
    /// Gardens and grounds.
    Gardening,
}

impl Choice for Trade {
    const ALL: &'static [Self] = &[
        Trade::Gas,
        Trade::Electrical,
        Trade::Plumbing,
        Trade::Heating,
        Trade::Roofing,
        Trade::General,
        Trade::Carpentry,
        Trade::Decorating,
        Trade::Glazing,
        Trade::Drainage,
        Trade::Locksmith,
        Trade::Cleaning,
        Trade::PestControl,
        Trade::FireSafety,
        Trade::Gardening,
    ];
    const CHOOSE: &'static str = "Choose a trade from the list";

    fn as_str(self) -> &'static str {
        match self {
            Trade::Gas => "gas",
            Trade::Electrical => "electrical",
            Trade::Plumbing => "plumbing",
            Trade::Heating => "heating",
            Trade::Roofing => "roofing",
            Trade::General => "general",
            Trade::Carpentry => "carpentry",
            Trade::Decorating => "decorating",
            Trade::Glazing => "glazing",
            Trade::Drainage => "drainage",
            Trade::Locksmith => "locksmith",
            Trade::Cleaning => "cleaning",
            Trade::PestControl => "pest_control",
            Trade::FireSafety => "fire_safety",
            Trade::Gardening => "gardening",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Trade::Gas => "Gas",
            Trade::Electrical => "Electrical",
            Trade::Plumbing => "Plumbing",
            Trade::Heating => "Heating",
            Trade::Roofing => "Roofing",
            Trade::General => "General building",
            Trade::Carpentry => "Carpentry",
            Trade::Decorating => "Decorating",
            Trade::Glazing => "Glazing",
            Trade::Drainage => "Drainage",
            Trade::Locksmith => "Locksmith",
            Trade::Cleaning => "Cleaning",
            Trade::PestControl => "Pest control",
            Trade::FireSafety => "Fire safety",
            Trade::Gardening => "Gardening",
        }
    }
}

/// The trades of a contractor as stored: `,gas,electrical,` (commas around
/// each, so one trade is found with `LIKE '%,gas,%'`).
pub fn trades_to_stored(trades: &[Trade]) -> String {
    let mut stored = String::from(",");
    for trade in trades {
        stored.push_str(trade.as_str());
        stored.push(',');
    }
    stored
}

/// The trades read back from [`trades_to_stored`]'s text (unknown ones left
/// out), in [`Trade::ALL`]'s order.
pub fn trades_from_stored(stored: &str) -> Vec<Trade> {
    let named: Vec<&str> = stored.split(',').filter(|t| !t.is_empty()).collect();
    Trade::ALL
        .iter()
        .copied()
        .filter(|t| named.contains(&t.as_str()))
        .collect()
}

/// Whether a contractor still takes work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContractorStatus {
    /// Offered when quotes are requested.
    #[default]
    Active,
    /// Kept for the record, no longer offered.
    Archived,
}

impl Choice for ContractorStatus {
    const ALL: &'static [Self] = &[ContractorStatus::Active, ContractorStatus::Archived];
    const CHOOSE: &'static str = "Choose active or archived";

    fn as_str(self) -> &'static str {
        match self {
            ContractorStatus::Active => "active",
            ContractorStatus::Archived => "archived",
        }
    }

    fn label(self) -> &'static str {
        match self {
            ContractorStatus::Active => "Active",
            ContractorStatus::Archived => "Archived",
        }
    }
}

/// Where a contractor's public liability insurance stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insurance {
    /// No expiry date on record.
    Unknown,
    /// In date until the day given.
    Valid,
    /// Expires within [`INSURANCE_WARNING_DAYS`].
    ExpiringSoon,
    /// Past its expiry.
    Expired,
}

/// How many days before the insurance expires it is flagged.
pub const INSURANCE_WARNING_DAYS: i64 = 30;

impl Insurance {
    /// The state of insurance that expires on `expires_on` (if known), today.
    pub fn of(expires_on: Option<NaiveDate>, today: NaiveDate) -> Insurance {
        match expires_on {
            None => Insurance::Unknown,
            Some(date) if date < today => Insurance::Expired,
            Some(date) if (date - today).num_days() <= INSURANCE_WARNING_DAYS => Insurance::ExpiringSoon,
            Some(_) => Insurance::Valid,
        }
    }

    /// What a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Insurance::Unknown => "Insurance not recorded",
            Insurance::Valid => "Insured",
            Insurance::ExpiringSoon => "Insurance expiring soon",
            Insurance::Expired => "Insurance expired",
        }
    }

    /// Whether it should stop an agent before sending work.
    pub fn is_warning(self) -> bool {
        matches!(self, Insurance::Expired | Insurance::Unknown)
    }
}

/// The contractor form as typed. Trades arrive as repeated `trades` fields,
/// so the form is built from the body's pairs ([`ContractorForm::from_pairs`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContractorForm {
    pub company_name: String,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    pub trades: Vec<String>,
    pub gas_safe_number: String,
    pub electrical_registration: String,
    pub insurance_expires_on: String,
    pub notes: String,
}

impl ContractorForm {
    /// The form from a urlencoded body's pairs (unknown names ignored).
    pub fn from_pairs(pairs: &[(String, String)]) -> ContractorForm {
        let mut form = ContractorForm::default();
        for (name, value) in pairs {
            let value = value.clone();
            match name.as_str() {
                "company_name" => form.company_name = value,
                "contact_name" => form.contact_name = value,
                "email" => form.email = value,
                "phone" => form.phone = value,
                "trades" => form.trades.push(value),
                "gas_safe_number" => form.gas_safe_number = value,
                "electrical_registration" => form.electrical_registration = value,
                "insurance_expires_on" => form.insurance_expires_on = value,
                "notes" => form.notes = value,
                _ => {}
            }
        }
        form
    }

    /// Checks every field.
    pub fn parse(&self) -> Result<ContractorFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut trades = Vec::new();
        for value in &self.trades {
            match Trade::parse(value.trim()) {
                Ok(trade) if !trades.contains(&trade) => trades.push(trade),
                Ok(_) => {}
                Err(message) => e.add("trades", message),
            }
        }
        if trades.is_empty() && e.get("trades").is_none() {
            e.add("trades", "Choose at least one trade");
        }
        trades.sort_by_key(|t| Trade::ALL.iter().position(|a| a == t));
        let gas_safe_number = match e.take(
            "gas_safe_number",
            optional_text("Gas Safe number", &self.gas_safe_number, limits::REGISTRATION),
        ) {
            Some(number) => {
                let digits: String = number.chars().filter(|c| !c.is_whitespace()).collect();
                if (6..=7).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
                    Some(digits)
                } else {
                    e.add(
                        "gas_safe_number",
                        "Enter the Gas Safe registration number: 6 or 7 digits, as on the engineer's card",
                    );
                    None
                }
            }
            None if trades.contains(&Trade::Gas) => {
                e.add(
                    "gas_safe_number",
                    "Enter the Gas Safe registration number: gas work needs a Gas Safe registered engineer",
                );
                None
            }
            None => None,
        };
        let electrical_registration = match e.take(
            "electrical_registration",
            optional_text(
                "NICEIC or NAPIT number",
                &self.electrical_registration,
                limits::REGISTRATION,
            ),
        ) {
            Some(number) => Some(number),
            None if trades.contains(&Trade::Electrical) => {
                e.add(
                    "electrical_registration",
                    "Enter the NICEIC, NAPIT or other scheme registration number: electrical work needs one",
                );
                None
            }
            None => None,
        };
        let insurance_expires_on = match self.insurance_expires_on.trim() {
            "" => None,
            value => e.check(
                "insurance_expires_on",
                NaiveDate::parse_from_str(value, "%Y-%m-%d")
                    .map_err(|_| "Enter the insurance expiry as a real date, like 2027-03-31".to_string()),
            ),
        };
        let email = e.check("email", Email::parse(&self.email));
        let fields = ContractorFields {
            company_name: e.take(
                "company_name",
                required_text("the company name", &self.company_name, limits::NAME),
            ),
            contact_name: e.take(
                "contact_name",
                optional_text("contact name", &self.contact_name, limits::NAME),
            ),
            email: email.unwrap_or_else(Email::placeholder),
            phone: e.take("phone", optional_text("phone", &self.phone, limits::PHONE)),
            trades,
            gas_safe_number,
            electrical_registration,
            insurance_expires_on,
            notes: e.take("notes", optional_multiline_text("notes", &self.notes, limits::NOTES)),
        };
        if e.is_empty() { Ok(fields) } else { Err(e) }
    }
}

/// Checked contractor fields.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractorFields {
    pub company_name: String,
    pub contact_name: Option<String>,
    pub email: Email,
    pub phone: Option<String>,
    pub trades: Vec<Trade>,
    pub gas_safe_number: Option<String>,
    pub electrical_registration: Option<String>,
    pub insurance_expires_on: Option<NaiveDate>,
    pub notes: Option<String>,
}

crate::stored_as_text!(ContractorStatus, |value| {
    <ContractorStatus as Choice>::parse(value).ok()
});

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ContractorForm {
        ContractorForm {
            company_name: "Sparks & Sons".into(),
            email: "jobs@sparks.example".into(),
            trades: vec!["electrical".into(), "gas".into()],
            gas_safe_number: "123 456".into(),
            electrical_registration: "NICEIC 601234".into(),
            ..ContractorForm::default()
        }
    }

    #[test]
    fn trades_are_stored_with_commas_around_each_and_read_back_in_order() {
        let fields = form().parse().unwrap();
        assert_eq!(fields.trades, [Trade::Gas, Trade::Electrical]);
        assert_eq!(trades_to_stored(&fields.trades), ",gas,electrical,");
        assert_eq!(
            trades_from_stored(",electrical,gas,nonsense,"),
            [Trade::Gas, Trade::Electrical]
        );
        assert_eq!(fields.gas_safe_number.as_deref(), Some("123456"));
    }

    #[test]
    fn gas_and_electrical_work_need_their_registrations() {
        let mut missing = form();
        missing.gas_safe_number.clear();
        missing.electrical_registration = "  ".into();
        let errors = missing.parse().unwrap_err();
        assert!(errors.get("gas_safe_number").unwrap().contains("Gas Safe"));
        assert!(errors.get("electrical_registration").unwrap().contains("NICEIC"));
        let mut letters = form();
        letters.gas_safe_number = "GS12AB".into();
        assert!(letters.parse().is_err());
        let plumber = ContractorForm {
            trades: vec!["plumbing".into()],
            gas_safe_number: String::new(),
            electrical_registration: String::new(),
            ..form()
        };
        assert!(plumber.parse().is_ok(), "a plumber needs neither");
    }

    #[test]
    fn a_contractor_needs_a_trade_a_name_and_a_real_email() {
        let errors = ContractorForm {
            trades: vec!["astrology".into()],
            email: "not an email".into(),
            company_name: " ".into(),
            ..ContractorForm::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(errors.get("trades"), Some(Trade::CHOOSE));
        assert!(errors.get("email").is_some());
        assert!(errors.get("company_name").is_some());
        let none = ContractorForm {
            trades: Vec::new(),
            ..form()
        };
        assert_eq!(
            none.parse().unwrap_err().get("trades"),
            Some("Choose at least one trade")
        );
    }

    #[test]
    fn insurance_is_flagged_when_it_lapses_or_is_about_to() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        let day = |d: i64| Some(today + chrono::TimeDelta::days(d));
        assert_eq!(Insurance::of(None, today), Insurance::Unknown);
        assert_eq!(Insurance::of(day(-1), today), Insurance::Expired);
        assert_eq!(Insurance::of(day(0), today), Insurance::ExpiringSoon);
        assert_eq!(Insurance::of(day(30), today), Insurance::ExpiringSoon);
        assert_eq!(Insurance::of(day(31), today), Insurance::Valid);
        assert!(Insurance::Expired.is_warning());
        assert!(!Insurance::ExpiringSoon.is_warning());
    }
}
