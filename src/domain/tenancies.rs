//! Tenancies: rent and its frequency, the deposit cap, deposit protection, and
//! the parsing of the tenancy form with its tenants.

use std::collections::HashMap;

use chrono::{NaiveDate, TimeDelta};

use super::choice::Choice;
use super::validation::{Email, FieldErrors, optional_text, required_text};

/// How often rent is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RentFrequency {
    /// Every week.
    Weekly,
    /// Every calendar month.
    #[default]
    Monthly,
    /// Every quarter.
    Quarterly,
    /// Every year.
    Yearly,
}

impl Choice for RentFrequency {
    const ALL: &'static [Self] = &[
        RentFrequency::Weekly,
        RentFrequency::Monthly,
        RentFrequency::Quarterly,
        RentFrequency::Yearly,
    ];
    const CHOOSE: &'static str = "Choose how often rent is due";
    fn as_str(self) -> &'static str {
        match self {
            RentFrequency::Weekly => "weekly",
            RentFrequency::Monthly => "monthly",
            RentFrequency::Quarterly => "quarterly",
            RentFrequency::Yearly => "yearly",
        }
    }
    fn label(self) -> &'static str {
        match self {
            RentFrequency::Weekly => "per week",
            RentFrequency::Monthly => "per month",
            RentFrequency::Quarterly => "per quarter",
            RentFrequency::Yearly => "per year",
        }
    }
}

impl RentFrequency {
    /// Rent payments in a year.
    pub fn per_year(self) -> i64 {
        match self {
            RentFrequency::Weekly => 52,
            RentFrequency::Monthly => 12,
            RentFrequency::Quarterly => 4,
            RentFrequency::Yearly => 1,
        }
    }
}

/// Where a tenancy is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TenancyStatus {
    /// Being prepared.
    #[default]
    Draft,
    /// Running.
    Active,
    /// Over.
    Ended,
}

impl Choice for TenancyStatus {
    const ALL: &'static [Self] = &[TenancyStatus::Draft, TenancyStatus::Active, TenancyStatus::Ended];
    const CHOOSE: &'static str = "Choose draft, active or ended";
    fn as_str(self) -> &'static str {
        match self {
            TenancyStatus::Draft => "draft",
            TenancyStatus::Active => "active",
            TenancyStatus::Ended => "ended",
        }
    }
    fn label(self) -> &'static str {
        match self {
            TenancyStatus::Draft => "Draft",
            TenancyStatus::Active => "Active",
            TenancyStatus::Ended => "Ended",
        }
    }
}

/// The government-approved deposit protection schemes (or none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DepositScheme {
    /// Tenancy Deposit Scheme.
    Tds,
    /// Deposit Protection Service.
    Dps,
    /// mydeposits.
    Mydeposits,
    /// Not protected (or no deposit).
    #[default]
    None,
}

impl Choice for DepositScheme {
    const ALL: &'static [Self] = &[
        DepositScheme::Tds,
        DepositScheme::Dps,
        DepositScheme::Mydeposits,
        DepositScheme::None,
    ];
    const CHOOSE: &'static str = "Choose a deposit scheme";
    fn as_str(self) -> &'static str {
        match self {
            DepositScheme::Tds => "tds",
            DepositScheme::Dps => "dps",
            DepositScheme::Mydeposits => "mydeposits",
            DepositScheme::None => "none",
        }
    }
    fn label(self) -> &'static str {
        match self {
            DepositScheme::Tds => "TDS",
            DepositScheme::Dps => "DPS",
            DepositScheme::Mydeposits => "mydeposits",
            DepositScheme::None => "None",
        }
    }
}

/// Annual rent from which the deposit cap is six weeks instead of five: £50,000.
pub const HIGH_RENT_PENCE: i64 = 5_000_000;
/// Days after the start within which a deposit must be protected.
pub const PROTECT_WITHIN_DAYS: i64 = 30;

/// The yearly rent.
pub fn annual_rent(rent_pence: i64, frequency: RentFrequency) -> i64 {
    rent_pence * frequency.per_year()
}

/// The largest deposit allowed: five weeks' rent, or six when the annual rent is
/// £50,000 or more (Tenant Fees Act 2019). Returns (cap in pence, weeks).
pub fn deposit_cap(rent_pence: i64, frequency: RentFrequency) -> (i64, i64) {
    let annual = annual_rent(rent_pence, frequency);
    let weeks = if annual >= HIGH_RENT_PENCE { 6 } else { 5 };
    (annual * weeks / 52, weeks)
}

/// Parses an amount of money typed as `1250`, `1,250.00` or `£1250.5` into pence.
pub fn parse_pounds(input: &str) -> Result<i64, String> {
    let cleaned: String = input
        .trim()
        .trim_start_matches('£')
        .chars()
        .filter(|c| *c != ',' && *c != ' ')
        .collect();
    let message = || "Enter an amount in pounds, like 1250 or 1,250.00".to_string();
    if cleaned.is_empty() {
        return Err(message());
    }
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 2
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return Err(message());
    }
    let pounds: i64 = whole.parse().map_err(|_| message())?;
    let pence: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<2}").parse().map_err(|_| message())?
    };
    pounds
        .checked_mul(100)
        .and_then(|p| p.checked_add(pence))
        .filter(|p| *p <= 100_000_000_000)
        .ok_or_else(message)
}

/// Pence as a form value: `1250.00`.
pub fn pounds_input(pence: i64) -> String {
    format!("{}.{:02}", pence / 100, pence % 100)
}

/// What is wrong with a deposit's protection, if anything, as of `today`.
pub fn protection_warning(
    deposit_pence: i64,
    scheme: DepositScheme,
    start: NaiveDate,
    protected_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<String> {
    if deposit_pence == 0 {
        return None;
    }
    let deadline = start + TimeDelta::days(PROTECT_WITHIN_DAYS);
    match (scheme, protected_on) {
        (_, Some(on)) if on > deadline => Some(format!(
            "The deposit was protected on {}, more than {PROTECT_WITHIN_DAYS} days after the tenancy started.",
            on.format("%-d %b %Y")
        )),
        (DepositScheme::None, _) | (_, None) if today > deadline => Some(format!(
            "The deposit has not been protected within {PROTECT_WITHIN_DAYS} days of the start (by {}).",
            deadline.format("%-d %b %Y")
        )),
        (DepositScheme::None, _) | (_, None) => Some(format!(
            "The deposit must be protected in a scheme by {}.",
            deadline.format("%-d %b %Y")
        )),
        _ => None,
    }
}

/// Most tenants on one tenancy (rows on the form).
pub const MAX_TENANTS: usize = 4;

/// One tenant row of the form, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TenantRow {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
}

impl TenantRow {
    fn is_blank(&self) -> bool {
        self.first_name.trim().is_empty()
            && self.last_name.trim().is_empty()
            && self.email.trim().is_empty()
            && self.phone.trim().is_empty()
    }
}

/// The tenancy form as typed: fields, plus tenant rows `tenant_N_first_name` …
/// and `primary_tenant` = N.
#[derive(Debug, Clone, Default)]
pub struct TenancyForm {
    pub rent: String,
    pub rent_frequency: String,
    pub start_date: String,
    pub end_date: String,
    pub status: String,
    pub deposit: String,
    pub deposit_scheme: String,
    pub deposit_reference: String,
    pub deposit_protected_on: String,
    pub tenants: Vec<TenantRow>,
    pub primary_tenant: String,
}

/// A checked tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct TenantFields {
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub phone: Option<String>,
}

/// Checked tenancy fields.
#[derive(Debug, Clone, PartialEq)]
pub struct TenancyFields {
    pub rent_pence: i64,
    pub rent_frequency: RentFrequency,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub status: TenancyStatus,
    pub deposit_pence: i64,
    pub deposit_scheme: DepositScheme,
    pub deposit_reference: Option<String>,
    pub deposit_protected_on: Option<NaiveDate>,
    /// The tenants in form order; the primary one is at `primary`.
    pub tenants: Vec<TenantFields>,
    /// Index of the primary tenant in `tenants`.
    pub primary: usize,
}

fn date(label: &str, value: &str) -> Result<Option<NaiveDate>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("Enter the {label} as a real date, like 2026-03-27"))
}

impl TenancyForm {
    /// Reads the posted fields.
    pub fn from_fields(fields: &HashMap<String, String>) -> TenancyForm {
        let get = |key: &str| fields.get(key).cloned().unwrap_or_default();
        TenancyForm {
            rent: get("rent"),
            rent_frequency: get("rent_frequency"),
            start_date: get("start_date"),
            end_date: get("end_date"),
            status: get("status"),
            deposit: get("deposit"),
            deposit_scheme: get("deposit_scheme"),
            deposit_reference: get("deposit_reference"),
            deposit_protected_on: get("deposit_protected_on"),
            tenants: (1..=MAX_TENANTS)
                .map(|n| TenantRow {
                    first_name: get(tenant_field(n, "first_name")),
                    last_name: get(tenant_field(n, "last_name")),
                    email: get(tenant_field(n, "email")),
                    phone: get(tenant_field(n, "phone")),
                })
                .collect(),
            primary_tenant: get("primary_tenant"),
        }
    }

    /// A blank form: monthly rent, draft, no deposit scheme, first tenant primary.
    pub fn with_defaults() -> TenancyForm {
        TenancyForm {
            rent_frequency: RentFrequency::default().as_str().into(),
            status: TenancyStatus::default().as_str().into(),
            deposit_scheme: DepositScheme::default().as_str().into(),
            tenants: vec![TenantRow::default(); MAX_TENANTS],
            primary_tenant: "1".into(),
            ..TenancyForm::default()
        }
    }

    /// Checks every field and rule that needs no database; errors keyed by field.
    pub fn parse(&self) -> Result<TenancyFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let rent_pence = match e.check("rent", parse_pounds(&self.rent)) {
            Some(0) => {
                e.add("rent", "Enter a rent above £0");
                0
            }
            other => other.unwrap_or(0),
        };
        let rent_frequency = e.take(
            "rent_frequency",
            RentFrequency::parse_or(&self.rent_frequency, RentFrequency::default()),
        );
        let start_date = match e.check("start_date", date("start date", &self.start_date)) {
            Some(Some(d)) => Some(d),
            Some(None) => {
                e.add("start_date", "Enter the start date");
                None
            }
            None => None,
        };
        let end_date = e.take("end_date", date("end date", &self.end_date));
        if let (Some(start), Some(end)) = (start_date, end_date)
            && end <= start
        {
            e.add("end_date", "The end date must be after the start date");
        }
        let status = e.take(
            "status",
            TenancyStatus::parse_or(&self.status, TenancyStatus::default()),
        );
        let deposit_pence = if self.deposit.trim().is_empty() {
            0
        } else {
            e.take("deposit", parse_pounds(&self.deposit))
        };
        if rent_pence > 0 && deposit_pence > 0 {
            let (cap, weeks) = deposit_cap(rent_pence, rent_frequency);
            if deposit_pence > cap {
                e.add(
                    "deposit",
                    format!(
                        "The deposit can be at most {weeks} weeks' rent: {} for this rent",
                        super::money::money(cap)
                    ),
                );
            }
        }
        let deposit_scheme = e.take(
            "deposit_scheme",
            DepositScheme::parse_or(&self.deposit_scheme, DepositScheme::default()),
        );
        let deposit_reference = e.take(
            "deposit_reference",
            optional_text("deposit reference", &self.deposit_reference, 50),
        );
        let deposit_protected_on = e.take(
            "deposit_protected_on",
            date("protection date", &self.deposit_protected_on),
        );
        if deposit_protected_on.is_some() && deposit_scheme == DepositScheme::None {
            e.add("deposit_scheme", "Choose the scheme the deposit is protected with");
        }
        let mut tenants = Vec::new();
        let mut primary = None;
        for (i, row) in self.tenants.iter().enumerate() {
            if row.is_blank() {
                continue;
            }
            let n = i + 1;
            let field = |name: &str| tenant_field(n, name);
            let first_name = e.take(
                field("first_name"),
                required_text("the tenant's first name", &row.first_name, 100),
            );
            let last_name = e.take(
                field("last_name"),
                required_text("the tenant's last name", &row.last_name, 100),
            );
            let email = e.check(field("email"), Email::parse(&row.email));
            let phone = e.take(field("phone"), optional_text("phone", &row.phone, 30));
            if self.primary_tenant.trim() == n.to_string() {
                primary = Some(tenants.len());
            }
            tenants.push(TenantFields {
                first_name,
                last_name,
                email: email.unwrap_or_else(Email::placeholder),
                phone,
            });
        }
        if tenants.is_empty() {
            e.add(tenant_field(1, "first_name"), "Add at least one tenant");
        } else if primary.is_none() {
            e.add("primary_tenant", "Choose which tenant is the primary tenant");
        }
        let emails: Vec<&str> = tenants.iter().map(|t| t.email.as_str()).collect();
        if emails
            .iter()
            .enumerate()
            .any(|(i, a)| emails[..i].contains(a) && *a != Email::placeholder().as_str())
        {
            e.add("primary_tenant", "Each tenant needs their own email address");
        }
        match (e.is_empty(), start_date, primary) {
            (true, Some(start_date), Some(primary)) => Ok(TenancyFields {
                rent_pence,
                rent_frequency,
                start_date,
                end_date,
                status,
                deposit_pence,
                deposit_scheme,
                deposit_reference,
                deposit_protected_on,
                tenants,
                primary,
            }),
            _ => Err(e),
        }
    }
}

/// The form field name of tenant row `n` (1-based): `tenant_2_email` and so on.
pub fn tenant_field(n: usize, field: &str) -> &'static str {
    const NAMES: [[&str; 4]; MAX_TENANTS] = [
        [
            "tenant_1_first_name",
            "tenant_1_last_name",
            "tenant_1_email",
            "tenant_1_phone",
        ],
        [
            "tenant_2_first_name",
            "tenant_2_last_name",
            "tenant_2_email",
            "tenant_2_phone",
        ],
        [
            "tenant_3_first_name",
            "tenant_3_last_name",
            "tenant_3_email",
            "tenant_3_phone",
        ],
        [
            "tenant_4_first_name",
            "tenant_4_last_name",
            "tenant_4_email",
            "tenant_4_phone",
        ],
    ];
    let column = match field {
        "first_name" => 0,
        "last_name" => 1,
        "email" => 2,
        _ => 3,
    };
    NAMES[(n - 1).min(MAX_TENANTS - 1)][column]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn form() -> TenancyForm {
        let mut form = TenancyForm::with_defaults();
        form.rent = "1,200".into();
        form.start_date = "2026-03-01".into();
        form.tenants[0] = TenantRow {
            first_name: "Amy".into(),
            last_name: "Lee".into(),
            email: "amy@example.com".into(),
            phone: String::new(),
        };
        form
    }

    #[test]
    fn pounds_are_read_into_pence() {
        assert_eq!(parse_pounds("1250"), Ok(125_000));
        assert_eq!(parse_pounds("£1,250.5"), Ok(125_050));
        assert_eq!(parse_pounds("0.05"), Ok(5));
        for bad in ["", "abc", "12.345", "-5", "1.2.3"] {
            assert!(parse_pounds(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_deposit_cap_is_five_weeks_or_six_from_fifty_thousand_a_year() {
        // £1,200 a month = £14,400 a year; five weeks = £1,384.61.
        assert_eq!(deposit_cap(120_000, RentFrequency::Monthly), (138_461, 5));
        // £5,000 a month = £60,000 a year; six weeks = £6,923.07.
        assert_eq!(deposit_cap(500_000, RentFrequency::Monthly), (692_307, 6));
        // Exactly £50,000 a year is six weeks.
        assert_eq!(deposit_cap(5_000_000, RentFrequency::Yearly).1, 6);
        assert_eq!(deposit_cap(30_000, RentFrequency::Weekly), (150_000, 5));
    }

    #[test]
    fn a_valid_tenancy_parses_with_its_primary_tenant() {
        let fields = form().parse().unwrap();
        assert_eq!(fields.rent_pence, 120_000);
        assert_eq!(fields.tenants.len(), 1);
        assert_eq!(fields.primary, 0);
        assert_eq!(fields.status, TenancyStatus::Draft);
        assert_eq!(fields.end_date, None, "periodic");
    }

    #[test]
    fn rules_each_have_a_clear_message() {
        let mut f = form();
        f.end_date = "2026-02-01".into();
        f.deposit = "1400".into();
        f.deposit_protected_on = "2026-03-05".into();
        let errors = f.parse().unwrap_err();
        assert_eq!(
            errors.get("end_date"),
            Some("The end date must be after the start date")
        );
        assert_eq!(
            errors.get("deposit"),
            Some("The deposit can be at most 5 weeks' rent: £1,384.61 for this rent")
        );
        assert_eq!(
            errors.get("deposit_scheme"),
            Some("Choose the scheme the deposit is protected with")
        );
        let mut none = form();
        none.tenants[0] = TenantRow::default();
        assert_eq!(
            none.parse().unwrap_err().get("tenant_1_first_name"),
            Some("Add at least one tenant")
        );
        let mut two = form();
        two.tenants[1] = TenantRow {
            first_name: "Bo".into(),
            last_name: "Lee".into(),
            email: "AMY@example.com".into(),
            phone: String::new(),
        };
        assert!(
            two.parse()
                .unwrap_err()
                .get("primary_tenant")
                .unwrap()
                .contains("own email")
        );
        let mut no_primary = form();
        no_primary.primary_tenant = "3".into();
        assert!(no_primary.parse().unwrap_err().get("primary_tenant").is_some());
    }

    #[test]
    fn protection_is_due_within_thirty_days() {
        let start = d("2026-03-01");
        assert_eq!(
            protection_warning(0, DepositScheme::None, start, None, d("2026-06-01")),
            None
        );
        assert_eq!(
            protection_warning(
                100_000,
                DepositScheme::Tds,
                start,
                Some(d("2026-03-20")),
                d("2026-06-01")
            ),
            None
        );
        assert!(
            protection_warning(
                100_000,
                DepositScheme::Tds,
                start,
                Some(d("2026-04-15")),
                d("2026-06-01")
            )
            .unwrap()
            .contains("more than 30 days")
        );
        assert!(
            protection_warning(100_000, DepositScheme::None, start, None, d("2026-04-15"))
                .unwrap()
                .contains("has not been protected")
        );
        assert!(
            protection_warning(100_000, DepositScheme::None, start, None, d("2026-03-10"))
                .unwrap()
                .contains("must be protected")
        );
    }
}

crate::stored_as_text!(RentFrequency, |value| {
    <RentFrequency as crate::domain::choice::Choice>::parse(value).ok()
});
crate::stored_as_text!(TenancyStatus, |value| {
    <TenancyStatus as crate::domain::choice::Choice>::parse(value).ok()
});
crate::stored_as_text!(DepositScheme, |value| {
    <DepositScheme as crate::domain::choice::Choice>::parse(value).ok()
});
