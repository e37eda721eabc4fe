//! Countries by their ISO 3166 two-letter code (what a landlord's address
//! stores) and their names (what people read).

/// The countries an agency's landlords are met in, by code and name, the
/// United Kingdom first (the form's choices, in this order).
pub const COUNTRIES: [(&str, &str); 22] = [
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("JE", "Jersey"),
    ("GG", "Guernsey"),
    ("IM", "Isle of Man"),
    ("FR", "France"),
    ("DE", "Germany"),
    ("ES", "Spain"),
    ("PT", "Portugal"),
    ("IT", "Italy"),
    ("NL", "Netherlands"),
    ("BE", "Belgium"),
    ("CH", "Switzerland"),
    ("US", "United States"),
    ("CA", "Canada"),
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
    ("AE", "United Arab Emirates"),
    ("SG", "Singapore"),
    ("HK", "Hong Kong"),
    ("IN", "India"),
    ("ZA", "South Africa"),
];

/// A country's name from its code; a code not in [`COUNTRIES`] is shown as
/// it was stored.
pub fn name(code: &str) -> &str {
    let wanted = code.trim();
    COUNTRIES
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(wanted) || (wanted.eq_ignore_ascii_case("UK") && *known == "GB"))
        .map_or(code, |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_as_its_country_and_an_unknown_one_as_stored() {
        assert_eq!(name("GB"), "United Kingdom");
        assert_eq!(name("gb"), "United Kingdom");
        assert_eq!(name("UK"), "United Kingdom");
        assert_eq!(name("IE"), "Ireland");
        assert_eq!(name("XX"), "XX");
    }
}
