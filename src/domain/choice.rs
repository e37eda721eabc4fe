//! Closed sets of values stored as text (statuses, types, kinds), each with the
//! label people read — defined once and used by forms, filters, badges and SQL.

/// A choice stored as text, with the label people read.
pub trait Choice: Sized + Copy + PartialEq + 'static {
    /// Every value, in the order shown.
    const ALL: &'static [Self];
    /// The stored value.
    fn as_str(self) -> &'static str;
    /// The label.
    fn label(self) -> &'static str;
    /// The message when nothing valid was chosen.
    const CHOOSE: &'static str;

    /// Parses the stored value.
    fn parse(value: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == value)
            .ok_or_else(|| Self::CHOOSE.to_string())
    }

    /// Parses, treating an empty value as the default.
    fn parse_or(value: &str, default: Self) -> Result<Self, String> {
        if value.trim().is_empty() {
            Ok(default)
        } else {
            Self::parse(value.trim())
        }
    }
}

/// A value in the database that is none of its type's values: the row it is
/// in cannot be read, rather than being read as some default.
#[derive(Debug)]
pub struct UnknownStoredValue {
    /// The Rust type the column holds.
    pub type_name: &'static str,
    /// What the column held.
    pub value: String,
}

impl std::fmt::Display for UnknownStoredValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not a {} value", self.value, self.type_name)
    }
}

impl std::error::Error for UnknownStoredValue {}

/// Lets rows hold a text-stored enum as its type (`#[sqlx(try_from =
/// "String")]`): `parse` turns the text into a value, and text it does not
/// know fails the row with [`UnknownStoredValue`].
#[macro_export]
macro_rules! stored_as_text {
    ($ty:ty, $parse:expr) => {
        impl TryFrom<String> for $ty {
            type Error = $crate::domain::choice::UnknownStoredValue;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                let parse: fn(&str) -> Option<$ty> = $parse;
                parse(&value).ok_or_else(|| $crate::domain::choice::UnknownStoredValue {
                    type_name: stringify!($ty),
                    value,
                })
            }
        }
    };
}
