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
