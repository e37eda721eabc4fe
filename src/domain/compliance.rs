//! Compliance certificates: their kinds and validity, and the one expiry
//! indicator every page shows.

use chrono::{Months, NaiveDate, TimeDelta};

use super::choice::Choice;
use super::properties::{EpcRating, PropertyStatus};
use super::validation::{FieldErrors, optional_text};

/// What a certificate certifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateKind {
    /// Gas Safety record (CP12): every 12 months.
    GasSafety,
    /// Electrical Installation Condition Report: every 5 years.
    Eicr,
    /// Energy Performance Certificate: 10 years, with a rating.
    Epc,
    /// Smoke and carbon monoxide alarms check.
    SmokeCoAlarms,
    /// Legionella risk assessment.
    Legionella,
    /// HMO licence.
    HmoLicence,
    /// Fire risk assessment.
    FireRisk,
}

impl Choice for CertificateKind {
    const ALL: &'static [Self] = &[
        CertificateKind::GasSafety,
        CertificateKind::Eicr,
        CertificateKind::Epc,
        CertificateKind::SmokeCoAlarms,
        CertificateKind::Legionella,
        CertificateKind::HmoLicence,
        CertificateKind::FireRisk,
    ];
    const CHOOSE: &'static str = "Choose the kind of certificate";
    fn as_str(self) -> &'static str {
        match self {
            CertificateKind::GasSafety => "gas_safety",
            CertificateKind::Eicr => "eicr",
            CertificateKind::Epc => "epc",
            CertificateKind::SmokeCoAlarms => "smoke_co_alarms",
            CertificateKind::Legionella => "legionella",
            CertificateKind::HmoLicence => "hmo_licence",
            CertificateKind::FireRisk => "fire_risk",
        }
    }
    fn label(self) -> &'static str {
        match self {
            CertificateKind::GasSafety => "Gas Safety",
            CertificateKind::Eicr => "EICR",
            CertificateKind::Epc => "EPC",
            CertificateKind::SmokeCoAlarms => "Smoke and CO alarms",
            CertificateKind::Legionella => "Legionella risk assessment",
            CertificateKind::HmoLicence => "HMO licence",
            CertificateKind::FireRisk => "Fire risk assessment",
        }
    }
}

impl CertificateKind {
    /// How long the certificate lasts, in months, when the law fixes it.
    pub fn validity_months(self) -> Option<u32> {
        match self {
            CertificateKind::GasSafety => Some(12),
            CertificateKind::Eicr => Some(60),
            CertificateKind::Epc => Some(120),
            _ => None,
        }
    }

    /// The expiry implied by an issue date, when the kind fixes one.
    pub fn default_expiry(self, issued_on: NaiveDate) -> Option<NaiveDate> {
        self.validity_months()
            .and_then(|months| issued_on.checked_add_months(Months::new(months)))
    }

    /// Days before expiry from which a certificate counts as expiring soon: 60 for
    /// Gas Safety (it can be renewed up to two months early), 30 otherwise.
    pub fn warning_days(self) -> i64 {
        if self == CertificateKind::GasSafety { 60 } else { 30 }
    }
}

/// The state of a compliance requirement, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Indicator {
    /// Required and not on record.
    Missing,
    /// Past its expiry date.
    Expired,
    /// An EPC rated below E.
    BelowMinimum,
    /// Expires within the warning window.
    ExpiringSoon,
    /// In date.
    Valid,
}

impl Indicator {
    /// The label people read.
    pub fn label(self) -> &'static str {
        match self {
            Indicator::Missing => "Missing",
            Indicator::Expired => "Expired",
            Indicator::BelowMinimum => "Below minimum",
            Indicator::ExpiringSoon => "Expiring soon",
            Indicator::Valid => "Valid",
        }
    }

    /// The CSS class of its badge.
    pub fn badge_class(self) -> &'static str {
        match self {
            Indicator::Missing | Indicator::Expired | Indicator::BelowMinimum => "badge danger",
            Indicator::ExpiringSoon => "badge warn",
            Indicator::Valid => "badge ok",
        }
    }

    /// Whether it needs an agent's attention.
    pub fn needs_attention(self) -> bool {
        self != Indicator::Valid
    }

    /// Its value in a URL (`?state=expired`).
    pub fn as_str(self) -> &'static str {
        match self {
            Indicator::Missing => "missing",
            Indicator::Expired => "expired",
            Indicator::BelowMinimum => "below_minimum",
            Indicator::ExpiringSoon => "expiring_soon",
            Indicator::Valid => "valid",
        }
    }

    /// The indicator of a URL value, if it is one.
    pub fn parse(value: &str) -> Option<Indicator> {
        [
            Indicator::Missing,
            Indicator::Expired,
            Indicator::BelowMinimum,
            Indicator::ExpiringSoon,
            Indicator::Valid,
        ]
        .into_iter()
        .find(|i| i.as_str() == value)
    }
}

/// Whether a certificate on record falls below the legal minimum: an EPC rated
/// below E. (Other kinds carry no rating.)
pub fn below_minimum(kind: CertificateKind, epc_rating: Option<EpcRating>) -> bool {
    kind == CertificateKind::Epc && epc_rating.is_some_and(|r| !r.meets_minimum())
}

/// The first day a certificate counts as expiring soon: its expiry less the
/// kind's warning window. Stored with the compliance list so the database
/// compares it with today instead of restating the windows.
pub fn expiring_soon_from(kind: CertificateKind, expires_on: NaiveDate) -> NaiveDate {
    expires_on - TimeDelta::days(kind.warning_days())
}

/// The longest warning window of any kind: nothing expiring later than this many
/// days from today can be expiring soon (bounds the database's range scan).
pub fn longest_warning_days() -> i64 {
    CertificateKind::ALL.iter().map(|k| k.warning_days()).max().unwrap_or(0)
}

/// The indicator from a certificate's derived facts (see [`below_minimum`] and
/// [`expiring_soon_from`]), as of `today`: expired beats below minimum, which
/// beats expiring soon. The compliance list's SQL applies the same precedence.
pub fn indicator_of(expires_on: NaiveDate, below_minimum: bool, soon_from: NaiveDate, today: NaiveDate) -> Indicator {
    if expires_on < today {
        Indicator::Expired
    } else if below_minimum {
        Indicator::BelowMinimum
    } else if soon_from <= today {
        Indicator::ExpiringSoon
    } else {
        Indicator::Valid
    }
}

/// The indicator of a certificate on record, as of `today`.
pub fn indicator(
    kind: CertificateKind,
    expires_on: NaiveDate,
    epc_rating: Option<EpcRating>,
    today: NaiveDate,
) -> Indicator {
    indicator_of(
        expires_on,
        below_minimum(kind, epc_rating),
        expiring_soon_from(kind, expires_on),
        today,
    )
}

/// A fingerprint of the rules above as data (each kind's warning window, which
/// ratings fall below the minimum, which kinds each property needs): when it
/// changes, the stored compliance list was derived under other rules and is
/// rebuilt at start-up.
pub fn rules_fingerprint() -> String {
    let mut parts = Vec::new();
    for kind in CertificateKind::ALL {
        parts.push(format!("{}:{}", kind.as_str(), kind.warning_days()));
    }
    for rating in EpcRating::ALL {
        parts.push(format!(
            "epc {}:{}",
            rating.as_str(),
            below_minimum(CertificateKind::Epc, Some(*rating))
        ));
    }
    for status in PropertyStatus::ALL {
        for gas in [false, true] {
            let kinds: Vec<&str> = required_kinds(*status, gas).iter().map(|k| k.as_str()).collect();
            parts.push(format!("{}/{gas}:{}", status.as_str(), kinds.join("+")));
        }
    }
    parts.join(";")
}

/// What the compliance rules need to know of a stored certificate.
pub trait CertificateOnRecord {
    /// Its kind.
    fn kind(&self) -> CertificateKind;
    /// When it expires.
    fn expires_on(&self) -> NaiveDate;
}

/// The current certificate of each kind (latest expiry) among a property's
/// certificates, in the order of [`CertificateKind::ALL`].
pub fn current<C: CertificateOnRecord>(certificates: &[C]) -> Vec<&C> {
    let mut latest: Vec<&C> = Vec::new();
    for c in certificates {
        match latest.iter_mut().find(|l| l.kind() == c.kind()) {
            Some(l) if c.expires_on() > l.expires_on() => *l = c,
            Some(_) => {}
            None => latest.push(c),
        }
    }
    latest.sort_by_key(|c| CertificateKind::ALL.iter().position(|x| *x == c.kind()));
    latest
}

/// The kinds a property must have but has no certificate of.
pub fn missing<C: CertificateOnRecord>(
    status: PropertyStatus,
    has_gas: bool,
    certificates: &[C],
) -> Vec<CertificateKind> {
    required_kinds(status, has_gas)
        .into_iter()
        .filter(|kind| !certificates.iter().any(|c| c.kind() == *kind))
        .collect()
}

/// The certificates a property must have on record: a let property needs an
/// EICR and an EPC, and a Gas Safety record while it has gas.
pub fn required_kinds(status: PropertyStatus, has_gas: bool) -> Vec<CertificateKind> {
    if status != PropertyStatus::Let {
        return Vec::new();
    }
    let mut kinds = Vec::new();
    if has_gas {
        kinds.push(CertificateKind::GasSafety);
    }
    kinds.extend([CertificateKind::Eicr, CertificateKind::Epc]);
    kinds
}

/// The certificate form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct CertificateForm {
    pub kind: String,
    pub issued_on: String,
    pub expires_on: String,
    pub reference: String,
    pub epc_rating: String,
}

/// Checked certificate fields.
#[derive(Debug, Clone, PartialEq)]
pub struct CertificateFields {
    pub kind: CertificateKind,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub reference: Option<String>,
    pub epc_rating: Option<EpcRating>,
}

fn date(value: &str) -> Option<Result<NaiveDate, ()>> {
    let value = value.trim();
    (!value.is_empty()).then(|| NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| ()))
}

impl CertificateForm {
    /// Checks the form; the expiry defaults from the kind when left empty.
    pub fn parse(&self) -> Result<CertificateFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = e.check("kind", CertificateKind::parse(self.kind.trim()));
        let issued_on = match date(&self.issued_on) {
            Some(Ok(d)) => Some(d),
            Some(Err(())) => {
                e.add("issued_on", "Enter the issue date as a real date, like 2026-03-27");
                None
            }
            None => {
                e.add("issued_on", "Enter the date the certificate was issued");
                None
            }
        };
        let expires_on = match (date(&self.expires_on), kind, issued_on) {
            (Some(Ok(d)), _, _) => Some(d),
            (Some(Err(())), _, _) => {
                e.add("expires_on", "Enter the expiry date as a real date, like 2027-03-27");
                None
            }
            (None, Some(kind), Some(issued)) => match kind.default_expiry(issued) {
                Some(expiry) => Some(expiry),
                None => {
                    e.add(
                        "expires_on",
                        format!("Enter the expiry date (a {} has no fixed validity)", kind.label()),
                    );
                    None
                }
            },
            (None, _, _) => None,
        };
        if let (Some(issued), Some(expires)) = (issued_on, expires_on)
            && expires <= issued
        {
            e.add("expires_on", "The expiry date must be after the issue date");
        }
        let reference = e.take("reference", optional_text("reference", &self.reference, 100));
        let epc_rating = match self.epc_rating.trim() {
            "" => None,
            rating => e.check("epc_rating", EpcRating::parse(&rating.to_uppercase())),
        };
        if kind == Some(CertificateKind::Epc) && epc_rating.is_none() && e.get("epc_rating").is_none() {
            e.add("epc_rating", "Enter the EPC's rating");
        }
        match (e.is_empty(), kind, issued_on, expires_on) {
            (true, Some(kind), Some(issued_on), Some(expires_on)) => Ok(CertificateFields {
                kind,
                issued_on,
                expires_on,
                reference,
                epc_rating: if kind == CertificateKind::Epc { epc_rating } else { None },
            }),
            _ => Err(e),
        }
    }
}

crate::stored_as_text!(CertificateKind, |value| <CertificateKind as Choice>::parse(value).ok());

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const TODAY: &str = "2026-06-15";

    #[test]
    fn expiry_defaults_from_the_kind() {
        assert_eq!(
            CertificateKind::GasSafety.default_expiry(d("2026-01-31")),
            Some(d("2027-01-31"))
        );
        assert_eq!(
            CertificateKind::Eicr.default_expiry(d("2024-02-29")),
            Some(d("2029-02-28"))
        );
        assert_eq!(
            CertificateKind::Epc.default_expiry(d("2020-05-01")),
            Some(d("2030-05-01"))
        );
        assert_eq!(CertificateKind::Legionella.default_expiry(d("2026-01-01")), None);
    }

    #[test]
    fn each_indicator_state_from_a_fixed_today() {
        let today = d(TODAY);
        use CertificateKind::*;
        assert_eq!(indicator(Eicr, d("2026-06-14"), None, today), Indicator::Expired);
        assert_eq!(
            indicator(Eicr, d("2026-06-15"), None, today),
            Indicator::ExpiringSoon,
            "expires today"
        );
        assert_eq!(
            indicator(Eicr, d("2026-07-15"), None, today),
            Indicator::ExpiringSoon,
            "30 days out"
        );
        assert_eq!(
            indicator(Eicr, d("2026-07-16"), None, today),
            Indicator::Valid,
            "31 days out"
        );
        assert_eq!(
            indicator(GasSafety, d("2026-08-14"), None, today),
            Indicator::ExpiringSoon,
            "60 days for gas"
        );
        assert_eq!(indicator(GasSafety, d("2026-08-15"), None, today), Indicator::Valid);
        assert_eq!(
            indicator(Epc, d("2030-01-01"), Some(EpcRating::F), today),
            Indicator::BelowMinimum
        );
        assert_eq!(
            indicator(Epc, d("2030-01-01"), Some(EpcRating::E), today),
            Indicator::Valid
        );
        assert_eq!(
            indicator(Epc, d("2020-01-01"), Some(EpcRating::G), today),
            Indicator::Expired,
            "expired beats rating"
        );
    }

    #[test]
    fn a_let_property_needs_gas_safety_only_while_it_has_gas() {
        use CertificateKind::*;
        assert_eq!(required_kinds(PropertyStatus::Let, true), vec![GasSafety, Eicr, Epc]);
        assert_eq!(required_kinds(PropertyStatus::Let, false), vec![Eicr, Epc]);
        assert!(required_kinds(PropertyStatus::Available, true).is_empty());
    }

    #[test]
    fn the_form_needs_dates_and_an_epc_rating() {
        let form = CertificateForm {
            kind: "gas_safety".into(),
            issued_on: "2026-01-10".into(),
            ..Default::default()
        };
        assert_eq!(form.parse().unwrap().expires_on, d("2027-01-10"));
        let other = CertificateForm {
            kind: "legionella".into(),
            issued_on: "2026-01-10".into(),
            ..Default::default()
        };
        assert!(
            other
                .parse()
                .unwrap_err()
                .get("expires_on")
                .unwrap()
                .contains("no fixed validity")
        );
        let epc = CertificateForm {
            kind: "epc".into(),
            issued_on: "2026-01-10".into(),
            ..Default::default()
        };
        assert_eq!(
            epc.parse().unwrap_err().get("epc_rating"),
            Some("Enter the EPC's rating")
        );
        let backwards = CertificateForm {
            kind: "eicr".into(),
            issued_on: "2026-01-10".into(),
            expires_on: "2025-01-10".into(),
            ..Default::default()
        };
        assert_eq!(
            backwards.parse().unwrap_err().get("expires_on"),
            Some("The expiry date must be after the issue date")
        );
    }
}
