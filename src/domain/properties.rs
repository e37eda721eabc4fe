//! Properties: their types, statuses and EPC ratings, and the parsing of the
//! property form into checked fields.

use uuid::Uuid;

use super::choice::Choice;
use super::validation::{FieldErrors, normalise_uk_postcode, optional_text, required_text};

/// What kind of home it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PropertyType {
    /// A flat.
    #[default]
    Flat,
    /// A house.
    House,
    /// A maisonette.
    Maisonette,
    /// A bungalow.
    Bungalow,
    /// A studio.
    Studio,
    /// A room in a shared house (may have several active tenancies).
    Room,
    /// Anything else.
    Other,
}

impl Choice for PropertyType {
    const ALL: &'static [Self] = &[
        PropertyType::Flat,
        PropertyType::House,
        PropertyType::Maisonette,
        PropertyType::Bungalow,
        PropertyType::Studio,
        PropertyType::Room,
        PropertyType::Other,
    ];
    const CHOOSE: &'static str = "Choose the type of property";
    fn as_str(self) -> &'static str {
        match self {
            PropertyType::Flat => "flat",
            PropertyType::House => "house",
            PropertyType::Maisonette => "maisonette",
            PropertyType::Bungalow => "bungalow",
            PropertyType::Studio => "studio",
            PropertyType::Room => "room",
            PropertyType::Other => "other",
        }
    }
    fn label(self) -> &'static str {
        match self {
            PropertyType::Flat => "Flat",
            PropertyType::House => "House",
            PropertyType::Maisonette => "Maisonette",
            PropertyType::Bungalow => "Bungalow",
            PropertyType::Studio => "Studio",
            PropertyType::Room => "Room in a shared house",
            PropertyType::Other => "Other",
        }
    }
}

/// Where a property is in the letting cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PropertyStatus {
    /// On the market.
    #[default]
    Available,
    /// An offer is being considered.
    UnderOffer,
    /// An offer was accepted; the tenancy has not started.
    LetAgreed,
    /// Tenanted.
    Let,
    /// Off the market.
    Withdrawn,
    /// No longer managed; hidden from the list unless asked for.
    Archived,
}

impl Choice for PropertyStatus {
    const ALL: &'static [Self] = &[
        PropertyStatus::Available,
        PropertyStatus::UnderOffer,
        PropertyStatus::LetAgreed,
        PropertyStatus::Let,
        PropertyStatus::Withdrawn,
        PropertyStatus::Archived,
    ];
    const CHOOSE: &'static str = "Choose a status";
    fn as_str(self) -> &'static str {
        match self {
            PropertyStatus::Available => "available",
            PropertyStatus::UnderOffer => "under_offer",
            PropertyStatus::LetAgreed => "let_agreed",
            PropertyStatus::Let => "let",
            PropertyStatus::Withdrawn => "withdrawn",
            PropertyStatus::Archived => "archived",
        }
    }
    fn label(self) -> &'static str {
        match self {
            PropertyStatus::Available => "Available",
            PropertyStatus::UnderOffer => "Under offer",
            PropertyStatus::LetAgreed => "Let agreed",
            PropertyStatus::Let => "Let",
            PropertyStatus::Withdrawn => "Withdrawn",
            PropertyStatus::Archived => "Archived",
        }
    }
}

/// An Energy Performance Certificate band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EpcRating {
    /// Most efficient.
    A,
    /// B.
    B,
    /// C.
    C,
    /// D.
    D,
    /// E: the minimum for a let property in England.
    E,
    /// F: below the minimum.
    F,
    /// G: least efficient, below the minimum.
    G,
}

impl Choice for EpcRating {
    const ALL: &'static [Self] = &[
        EpcRating::A,
        EpcRating::B,
        EpcRating::C,
        EpcRating::D,
        EpcRating::E,
        EpcRating::F,
        EpcRating::G,
    ];
    const CHOOSE: &'static str = "Choose a rating from A to G";
    fn as_str(self) -> &'static str {
        match self {
            EpcRating::A => "A",
            EpcRating::B => "B",
            EpcRating::C => "C",
            EpcRating::D => "D",
            EpcRating::E => "E",
            EpcRating::F => "F",
            EpcRating::G => "G",
        }
    }
    fn label(self) -> &'static str {
        self.as_str()
    }
}

impl EpcRating {
    /// Whether a property may be let with this rating (E or better, unless exempt).
    pub fn meets_minimum(self) -> bool {
        self <= EpcRating::E
    }
}

/// Field limits, defined once.
pub mod limits {
    /// Address lines.
    pub const ADDRESS_LINE: usize = 200;
    /// City and county.
    pub const PLACE: usize = 100;
    /// Most bedrooms or bathrooms.
    pub const ROOMS: i32 = 50;
}

/// The property form exactly as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PropertyForm {
    pub landlord_id: String,
    pub branch_id: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub county: String,
    pub postcode: String,
    pub property_type: String,
    pub bedrooms: String,
    pub bathrooms: String,
    pub epc_rating: String,
    /// Checkbox: present when ticked.
    pub has_gas: Option<String>,
    pub status: String,
    /// The asking rent a month in pounds, as typed (optional).
    pub asking_rent: String,
    /// What was typed into the landlord search (not stored): the form lists the
    /// matching landlords to choose from instead of every landlord of the agency.
    pub landlord_q: String,
}

/// Checked property fields, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyFields {
    pub landlord_id: Uuid,
    pub branch_id: Option<Uuid>,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub city: String,
    pub county: Option<String>,
    pub postcode: String,
    pub property_type: PropertyType,
    pub bedrooms: i32,
    pub bathrooms: i32,
    pub epc_rating: Option<EpcRating>,
    pub has_gas: bool,
    pub status: PropertyStatus,
    /// The asking rent a month, in pence, if set.
    pub asking_rent_pence: Option<i64>,
}

/// The asking rent a month: empty is none; otherwise pounds above nothing.
fn asking_rent(value: &str) -> Result<Option<i64>, String> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    match crate::domain::tenancies::parse_pounds(value)? {
        0 => Err("Enter an asking rent above £0, or leave it empty".into()),
        pence => Ok(Some(pence)),
    }
}

fn rooms(label: &str, value: &str) -> Result<i32, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(format!("Enter the number of {label}"));
    }
    match value.parse::<i32>() {
        Ok(n) if (0..=limits::ROOMS).contains(&n) => Ok(n),
        _ => Err(format!("Enter a whole number of {label} from 0 to {}", limits::ROOMS)),
    }
}

impl PropertyForm {
    /// A blank form with sensible defaults.
    pub fn with_defaults() -> PropertyForm {
        PropertyForm {
            property_type: PropertyType::default().as_str().into(),
            bedrooms: "1".into(),
            bathrooms: "1".into(),
            has_gas: Some("on".into()),
            status: PropertyStatus::default().as_str().into(),
            ..PropertyForm::default()
        }
    }

    /// Checks every field; on failure, the errors keyed by field name.
    pub fn parse(&self) -> Result<PropertyFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let landlord_id = e.check(
            "landlord_id",
            Uuid::parse_str(self.landlord_id.trim())
                .map_err(|_| "Choose the landlord who owns the property".to_string()),
        );
        let branch_id = e.take(
            "branch_id",
            match self.branch_id.trim() {
                "" => Ok(None),
                id => Uuid::parse_str(id)
                    .map(Some)
                    .map_err(|_| "Choose a branch from the list".to_string()),
            },
        );
        let epc_rating = e.take(
            "epc_rating",
            match self.epc_rating.trim() {
                "" => Ok(None),
                rating => EpcRating::parse(&rating.to_uppercase()).map(Some),
            },
        );
        let postcode = match self.postcode.trim() {
            "" => {
                e.add("postcode", "Enter the postcode");
                String::new()
            }
            code => e.take("postcode", normalise_uk_postcode(code)),
        };
        let fields = PropertyFields {
            landlord_id: landlord_id.unwrap_or_else(Uuid::nil),
            branch_id,
            address_line1: e.take(
                "address_line1",
                required_text(
                    "the first line of the address",
                    &self.address_line1,
                    limits::ADDRESS_LINE,
                ),
            ),
            address_line2: e.take(
                "address_line2",
                optional_text("address line 2", &self.address_line2, limits::ADDRESS_LINE),
            ),
            city: e.take("city", required_text("the town or city", &self.city, limits::PLACE)),
            county: e.take("county", optional_text("county", &self.county, limits::PLACE)),
            postcode,
            property_type: e.take(
                "property_type",
                PropertyType::parse_or(&self.property_type, PropertyType::default()),
            ),
            bedrooms: e.take("bedrooms", rooms("bedrooms", &self.bedrooms)),
            bathrooms: e.take("bathrooms", rooms("bathrooms", &self.bathrooms)),
            epc_rating,
            has_gas: self.has_gas.as_deref().is_some_and(|v| !v.is_empty()),
            status: e.take(
                "status",
                PropertyStatus::parse_or(&self.status, PropertyStatus::default()),
            ),
            asking_rent_pence: e.take("asking_rent", asking_rent(&self.asking_rent)),
        };
        if e.is_empty() { Ok(fields) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> PropertyForm {
        PropertyForm {
            landlord_id: Uuid::now_v7().to_string(),
            address_line1: "14 Royal York Crescent".into(),
            city: "Bristol".into(),
            postcode: "bs84jx".into(),
            ..PropertyForm::with_defaults()
        }
    }

    #[test]
    fn a_valid_property_is_normalised() {
        let fields = valid().parse().unwrap();
        assert_eq!(fields.postcode, "BS8 4JX");
        assert_eq!(fields.property_type, PropertyType::Flat);
        assert_eq!(fields.status, PropertyStatus::Available);
        assert!(fields.has_gas);
    }

    #[test]
    fn rooms_address_and_landlord_are_checked() {
        let form = PropertyForm {
            landlord_id: String::new(),
            address_line1: " ".into(),
            postcode: String::new(),
            bedrooms: "-1".into(),
            bathrooms: "two".into(),
            epc_rating: "H".into(),
            ..valid()
        };
        let errors = form.parse().unwrap_err();
        assert_eq!(
            errors.get("landlord_id"),
            Some("Choose the landlord who owns the property")
        );
        assert_eq!(errors.get("address_line1"), Some("Enter the first line of the address"));
        assert_eq!(errors.get("postcode"), Some("Enter the postcode"));
        assert!(errors.get("bedrooms").unwrap().contains("from 0 to 50"));
        assert!(errors.get("bathrooms").unwrap().contains("whole number"));
        assert_eq!(errors.get("epc_rating"), Some("Choose a rating from A to G"));
    }

    #[test]
    fn epc_minimum_is_e() {
        assert!(EpcRating::E.meets_minimum());
        assert!(!EpcRating::F.meets_minimum());
        assert!(EpcRating::A.meets_minimum());
    }
}

crate::stored_as_text!(PropertyType, |value| {
    <PropertyType as crate::domain::choice::Choice>::parse(value).ok()
});
crate::stored_as_text!(PropertyStatus, |value| {
    <PropertyStatus as crate::domain::choice::Choice>::parse(value).ok()
});
