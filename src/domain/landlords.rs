//! Landlords (seed 001): their choices, the UK postcode rule, and the parsing of
//! the landlord form into checked fields. Every limit lives here.

use uuid::Uuid;

pub use super::choice::Choice;
pub use super::validation::normalise_uk_postcode;
use super::validation::{Email, FieldErrors, optional_multiline_text, optional_text, required_text};

/// Individual or company (seed: `landlordType`, default individual).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LandlordType {
    /// A person.
    #[default]
    Individual,
    /// A company; its name is then required.
    Company,
}

/// How the landlord prefers to be contacted (default email).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContactMethod {
    /// Email.
    #[default]
    Email,
    /// Telephone.
    Phone,
    /// Letter.
    Post,
}

/// Where a landlord is in its lifecycle: active → inactive → archived, or
/// active → archived directly; archived ones are restored to active or inactive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LandlordStatus {
    /// Current.
    #[default]
    Active,
    /// Kept but not currently doing business.
    Inactive,
    /// Soft-deleted: hidden from the list unless asked for.
    Archived,
}

impl Choice for LandlordType {
    const ALL: &'static [Self] = &[LandlordType::Individual, LandlordType::Company];
    const CHOOSE: &'static str = "Choose individual or company";
    fn as_str(self) -> &'static str {
        match self {
            LandlordType::Individual => "individual",
            LandlordType::Company => "company",
        }
    }
    fn label(self) -> &'static str {
        match self {
            LandlordType::Individual => "Individual",
            LandlordType::Company => "Company",
        }
    }
}

impl Choice for ContactMethod {
    const ALL: &'static [Self] = &[ContactMethod::Email, ContactMethod::Phone, ContactMethod::Post];
    const CHOOSE: &'static str = "Choose email, phone or post";
    fn as_str(self) -> &'static str {
        match self {
            ContactMethod::Email => "email",
            ContactMethod::Phone => "phone",
            ContactMethod::Post => "post",
        }
    }
    fn label(self) -> &'static str {
        match self {
            ContactMethod::Email => "Email",
            ContactMethod::Phone => "Phone",
            ContactMethod::Post => "Post",
        }
    }
}

impl Choice for LandlordStatus {
    const ALL: &'static [Self] = &[
        LandlordStatus::Active,
        LandlordStatus::Inactive,
        LandlordStatus::Archived,
    ];
    const CHOOSE: &'static str = "Choose active, inactive or archived";
    fn as_str(self) -> &'static str {
        match self {
            LandlordStatus::Active => "active",
            LandlordStatus::Inactive => "inactive",
            LandlordStatus::Archived => "archived",
        }
    }
    fn label(self) -> &'static str {
        match self {
            LandlordStatus::Active => "Active",
            LandlordStatus::Inactive => "Inactive",
            LandlordStatus::Archived => "Archived",
        }
    }
}

/// Field limits, defined once.
pub mod limits {
    /// First and last name.
    pub const NAME: usize = 100;
    /// Title (Mr, Mrs, Dr…).
    pub const TITLE: usize = 20;
    /// Phone numbers.
    pub const PHONE: usize = 30;
    /// Company name.
    pub const COMPANY_NAME: usize = 200;
    /// Companies House number.
    pub const COMPANY_NUMBER: usize = 20;
    /// Address lines.
    pub const ADDRESS_LINE: usize = 200;
    /// City and county.
    pub const PLACE: usize = 100;
    /// Postcode outside the UK.
    pub const POSTCODE: usize = 20;
    /// Country.
    pub const COUNTRY: usize = 56;
    /// Bank account name.
    pub const BANK_ACCOUNT_NAME: usize = 100;
    /// Sort code (seed: max 10).
    pub const SORT_CODE: usize = 10;
    /// Account number (seed: max 20).
    pub const ACCOUNT_NUMBER: usize = 20;
    /// Tax reference.
    pub const TAX_REFERENCE: usize = 50;
    /// Internal notes (seed: max 5,000).
    pub const NOTES: usize = 5000;
}

/// The landlord form exactly as typed: every field a string so that whatever was
/// typed can be shown again with its error.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct LandlordForm {
    pub title: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub alt_phone: String,
    pub landlord_type: String,
    pub company_name: String,
    pub company_registration_number: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub county: String,
    pub postcode: String,
    pub country: String,
    pub preferred_contact_method: String,
    /// Checkbox: present when ticked. The hidden companion field tells a form that
    /// showed the box (unticked) apart from one that did not.
    pub email_notifications_enabled: Option<String>,
    pub sms_notifications_enabled: Option<String>,
    pub portal_access_enabled: Option<String>,
    pub is_overseas: Option<String>,
    /// Pounds; empty means the default limit.
    pub repair_approval_limit: String,
    pub bank_account_name: String,
    pub bank_sort_code: String,
    pub bank_account_number: String,
    pub tax_reference: String,
    pub status: String,
    pub notes: String,
    pub managed_by_user_id: String,
    pub branch_id: String,
    /// "This is a different person" confirmation for a duplicate email.
    pub confirm_duplicate_email: Option<String>,
}

/// The repair approval limit a landlord has unless agreed otherwise: £250.00.
pub const DEFAULT_REPAIR_APPROVAL_LIMIT_PENCE: i64 = 25_000;

/// Checked landlord fields, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct LandlordFields {
    pub title: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub phone: Option<String>,
    pub alt_phone: Option<String>,
    pub landlord_type: LandlordType,
    pub company_name: Option<String>,
    pub company_registration_number: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
    pub postcode: Option<String>,
    pub country: String,
    pub preferred_contact_method: ContactMethod,
    pub email_notifications_enabled: bool,
    pub sms_notifications_enabled: bool,
    pub portal_access_enabled: bool,
    pub is_overseas: bool,
    /// Repair quotes above this (in pence) wait for the landlord's approval.
    pub repair_approval_limit_pence: i64,
    pub bank_account_name: Option<String>,
    pub bank_sort_code: Option<String>,
    pub bank_account_number: Option<String>,
    pub tax_reference: Option<String>,
    pub status: LandlordStatus,
    pub notes: Option<String>,
    pub managed_by_user_id: Option<Uuid>,
    pub branch_id: Option<Uuid>,
}

fn checked(value: &Option<String>) -> bool {
    value
        .as_deref()
        .is_some_and(|v| !v.is_empty() && v != "false" && v != "off")
}

fn optional_id(value: &str, message: &str) -> Result<Option<Uuid>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(value).map(Some).map_err(|_| message.to_string())
}

impl LandlordForm {
    /// A blank form with the seed's defaults filled in.
    pub fn with_defaults() -> LandlordForm {
        LandlordForm {
            landlord_type: LandlordType::default().as_str().into(),
            country: "GB".into(),
            preferred_contact_method: ContactMethod::default().as_str().into(),
            email_notifications_enabled: Some("on".into()),
            repair_approval_limit: super::tenancies::pounds_input(DEFAULT_REPAIR_APPROVAL_LIMIT_PENCE),
            status: LandlordStatus::default().as_str().into(),
            ..LandlordForm::default()
        }
    }

    /// Whether the "different person" box was ticked.
    pub fn duplicate_confirmed(&self) -> bool {
        checked(&self.confirm_duplicate_email)
    }

    /// Checks every field; on failure, the errors keyed by field name.
    pub fn parse(&self) -> Result<LandlordFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let email = e.check("email", Email::parse(&self.email));
        let landlord_type = e.take(
            "landlord_type",
            LandlordType::parse_or(&self.landlord_type, LandlordType::default()),
        );
        let company_name = e.take(
            "company_name",
            optional_text("company name", &self.company_name, limits::COMPANY_NAME),
        );
        if landlord_type == LandlordType::Company && company_name.is_none() && e.get("company_name").is_none() {
            e.add(
                "company_name",
                "Enter the company name (required for a company landlord)",
            );
        }
        let country = e
            .take("country", optional_text("country", &self.country, limits::COUNTRY))
            .map(|c| c.to_uppercase())
            .unwrap_or_else(|| "GB".into());
        let is_uk = matches!(country.as_str(), "GB" | "UK" | "UNITED KINGDOM");
        let postcode = match optional_text("postcode", &self.postcode, limits::POSTCODE) {
            Ok(Some(code)) if is_uk => e.take("postcode", normalise_uk_postcode(&code).map(Some)),
            other => e.take("postcode", other),
        };
        let fields = LandlordFields {
            title: e.take("title", optional_text("title", &self.title, limits::TITLE)),
            first_name: e.take(
                "first_name",
                required_text("a first name", &self.first_name, limits::NAME),
            ),
            last_name: e.take("last_name", required_text("a last name", &self.last_name, limits::NAME)),
            email: email.clone().unwrap_or_else(Email::placeholder),
            phone: e.take("phone", optional_text("phone", &self.phone, limits::PHONE)),
            alt_phone: e.take(
                "alt_phone",
                optional_text("alternative phone", &self.alt_phone, limits::PHONE),
            ),
            landlord_type,
            company_name,
            company_registration_number: e.take(
                "company_registration_number",
                optional_text(
                    "company registration number",
                    &self.company_registration_number,
                    limits::COMPANY_NUMBER,
                ),
            ),
            address_line1: e.take(
                "address_line1",
                optional_text("address line 1", &self.address_line1, limits::ADDRESS_LINE),
            ),
            address_line2: e.take(
                "address_line2",
                optional_text("address line 2", &self.address_line2, limits::ADDRESS_LINE),
            ),
            city: e.take("city", optional_text("town or city", &self.city, limits::PLACE)),
            county: e.take("county", optional_text("county", &self.county, limits::PLACE)),
            postcode,
            country,
            preferred_contact_method: e.take(
                "preferred_contact_method",
                ContactMethod::parse_or(&self.preferred_contact_method, ContactMethod::default()),
            ),
            email_notifications_enabled: checked(&self.email_notifications_enabled),
            sms_notifications_enabled: checked(&self.sms_notifications_enabled),
            portal_access_enabled: checked(&self.portal_access_enabled),
            is_overseas: checked(&self.is_overseas),
            repair_approval_limit_pence: match self.repair_approval_limit.trim() {
                "" => DEFAULT_REPAIR_APPROVAL_LIMIT_PENCE,
                value => e.take("repair_approval_limit", super::work_orders::parse_amount(value)),
            },
            bank_account_name: e.take(
                "bank_account_name",
                optional_text("account name", &self.bank_account_name, limits::BANK_ACCOUNT_NAME),
            ),
            bank_sort_code: e.take(
                "bank_sort_code",
                optional_text("sort code", &self.bank_sort_code, limits::SORT_CODE),
            ),
            bank_account_number: e.take(
                "bank_account_number",
                optional_text("account number", &self.bank_account_number, limits::ACCOUNT_NUMBER),
            ),
            tax_reference: e.take(
                "tax_reference",
                optional_text("tax reference", &self.tax_reference, limits::TAX_REFERENCE),
            ),
            status: e.take(
                "status",
                LandlordStatus::parse_or(&self.status, LandlordStatus::default()),
            ),
            notes: e.take("notes", optional_multiline_text("notes", &self.notes, limits::NOTES)),
            managed_by_user_id: e.take(
                "managed_by_user_id",
                optional_id(&self.managed_by_user_id, "Choose an agent from the list"),
            ),
            branch_id: e.take(
                "branch_id",
                optional_id(&self.branch_id, "Choose a branch from the list"),
            ),
        };
        if e.is_empty() { Ok(fields) } else { Err(e) }
    }
}

/// Shows only the last digits of a bank detail: `12345678` → `••••5678`.
pub fn mask(value: &str) -> String {
    let digits: Vec<char> = value.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let shown: String = digits
        .iter()
        .skip(digits.len().saturating_sub(if digits.len() > 4 { 4 } else { 2 }))
        .collect();
    format!("••••{shown}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_form_gets_the_seed_defaults() {
        let mut form = LandlordForm::with_defaults();
        form.first_name = "Jane".into();
        form.last_name = "Smith".into();
        form.email = "jane@example.com".into();
        let fields = form.parse().unwrap();
        assert_eq!(fields.landlord_type, LandlordType::Individual);
        assert_eq!(fields.country, "GB");
        assert_eq!(fields.preferred_contact_method, ContactMethod::Email);
        assert!(fields.email_notifications_enabled && !fields.sms_notifications_enabled);
        assert!(!fields.portal_access_enabled && !fields.is_overseas);
        assert_eq!(fields.status, LandlordStatus::Active);
    }

    #[test]
    fn a_company_needs_its_name_and_limits_apply() {
        let form = LandlordForm {
            first_name: "x".repeat(101),
            last_name: "".into(),
            email: "nope".into(),
            landlord_type: "company".into(),
            bank_sort_code: "12-34-56-789".into(),
            notes: "n".repeat(5001),
            ..LandlordForm::with_defaults()
        };
        let errors = form.parse().unwrap_err();
        assert!(errors.get("first_name").unwrap().contains("100 characters"));
        assert_eq!(errors.get("last_name"), Some("Enter a last name"));
        assert!(errors.get("email").is_some());
        assert!(errors.get("company_name").unwrap().contains("company"));
        assert!(errors.get("bank_sort_code").unwrap().contains("10 characters"));
        assert!(errors.get("notes").unwrap().contains("5000 characters"));
    }

    #[test]
    fn overseas_postcodes_are_not_held_to_the_uk_format() {
        let form = LandlordForm {
            first_name: "Marco".into(),
            last_name: "Rossi".into(),
            email: "marco@example.com".into(),
            country: "IT".into(),
            postcode: "20121".into(),
            ..LandlordForm::with_defaults()
        };
        assert_eq!(form.parse().unwrap().postcode.as_deref(), Some("20121"));
    }

    #[test]
    fn bank_details_are_masked_to_their_last_digits() {
        assert_eq!(mask("12345678"), "••••5678");
        assert_eq!(mask("12-34-56"), "••••3456");
        assert_eq!(mask("12"), "••••12");
    }
}

crate::stored_as_text!(LandlordType, |value| {
    <LandlordType as crate::domain::choice::Choice>::parse(value).ok()
});
crate::stored_as_text!(ContactMethod, |value| {
    <ContactMethod as crate::domain::choice::Choice>::parse(value).ok()
});
crate::stored_as_text!(LandlordStatus, |value| {
    <LandlordStatus as crate::domain::choice::Choice>::parse(value).ok()
});
