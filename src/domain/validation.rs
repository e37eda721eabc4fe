//! Form validation: each rule is written once here and its message is shown next
//! to the field it concerns.

use std::collections::BTreeMap;

/// Field name → the message shown next to that field.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<&'static str, String>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `message` for `field` (the first message for a field wins).
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    /// The message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// Whether there are no errors.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Like [`FieldErrors::check`], but gives `T::default()` in place of a bad value,
    /// for building a record that is only used when there are no errors.
    pub fn take<T: Default>(&mut self, field: &'static str, result: Result<T, String>) -> T {
        self.check(field, result).unwrap_or_default()
    }

    /// Keeps `value` when `result` is Ok, records its message under `field` otherwise.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }
}

/// A required one-line text: trimmed, not empty, at most `max` characters,
/// without line breaks or other control or text-direction characters.
pub fn required_text(label: &str, value: &str, max: usize) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(format!("Enter {label}"));
    }
    limit(label, value, max)?;
    one_line(label, value)?;
    Ok(value.to_string())
}

/// An optional one-line text: trimmed, empty becomes `None`, otherwise as
/// [`required_text`].
pub fn optional_text(label: &str, value: &str, max: usize) -> Result<Option<String>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    limit(label, value, max)?;
    one_line(label, value)?;
    Ok(Some(value.to_string()))
}

/// An optional text of several lines (notes, descriptions): trimmed, empty
/// becomes `None`, at most `max` characters; line breaks and tabs are kept,
/// other control and text-direction characters refused.
pub fn optional_multiline_text(label: &str, value: &str, max: usize) -> Result<Option<String>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    limit(label, value, max)?;
    if value
        .chars()
        .any(|c| !matches!(c, '\n' | '\r' | '\t') && is_hidden_control(c))
    {
        return Err(format!(
            "{} must not contain control or text-direction characters",
            capitalise(noun(label))
        ));
    }
    Ok(Some(value.to_string()))
}

/// Whether a character is a control character (line breaks and tabs included)
/// or a Unicode text-direction override, which can make a name or a file name
/// read as something else (`report\u{202e}fdp.exe` shows as `reportexe.pdf`).
pub fn is_hidden_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A path on this site to return to (after sign-in), or `None` when following
/// it could leave the site: it must start with one `/`, and hold no backslash
/// (browsers read it as `/`), no space and no control character (browsers
/// strip tabs and line breaks from a URL, so `/\t/evil.example/` becomes
/// `//evil.example/`, another site).
pub fn local_path(next: &str) -> Option<&str> {
    let safe = next.starts_with('/')
        && !next.starts_with("//")
        && !next
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || is_hidden_control(c));
    safe.then_some(next)
}

/// Refuses line breaks, control and text-direction characters in a one-line field.
fn one_line(label: &str, value: &str) -> Result<(), String> {
    if value.chars().any(is_hidden_control) {
        return Err(format!(
            "{} must be one line, without control or text-direction characters",
            capitalise(noun(label))
        ));
    }
    Ok(())
}

/// A field's label without its article ("a first name" → "first name").
fn noun(label: &str) -> &str {
    ["a ", "an ", "the "]
        .iter()
        .find_map(|article| label.strip_prefix(article))
        .unwrap_or(label)
}

fn limit(label: &str, value: &str, max: usize) -> Result<(), String> {
    let count = value.chars().count();
    if count > max {
        let label = capitalise(noun(label));
        return Err(format!("{label} must be {max} characters or fewer (it is {count})"));
    }
    Ok(())
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An email address, trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Longest address accepted (RFC 5321's path limit).
    pub const MAX_LEN: usize = 254;

    /// Parses an address typed by a person.
    pub fn parse(input: &str) -> Result<Email, String> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err("Enter an email address".into());
        }
        if value.len() > Self::MAX_LEN {
            return Err(format!("Email address must be {} characters or fewer", Self::MAX_LEN));
        }
        let valid = match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
                    && !value
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || c == ',' || c == ';')
            }
            None => false,
        };
        if !valid {
            return Err("Enter an email address in the correct format, like name@example.co.uk".into());
        }
        Ok(Email(value))
    }

    /// A syntactically valid address that belongs to no one (`.invalid` is reserved),
    /// standing in where a real one was erased or not yet valid.
    pub fn placeholder() -> Email {
        Email("redacted@redacted.invalid".into())
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a UK postcode and writes it the standard way: `sw1a1aa` → `SW1A 1AA`.
pub fn normalise_uk_postcode(input: &str) -> Result<String, String> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let message = || "Enter a real UK postcode, like SW1A 1AA".to_string();
    if compact == "GIR0AA" {
        return Ok("GIR 0AA".into());
    }
    if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
        return Err(message());
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    let inward_ok = {
        let b = inward.as_bytes();
        b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic()
    };
    let o = outward.as_bytes();
    let alpha = |i: usize| o.get(i).is_some_and(u8::is_ascii_alphabetic);
    let digit = |i: usize| o.get(i).is_some_and(u8::is_ascii_digit);
    // A9, A99, AA9, AA99, A9A, AA9A.
    let outward_ok = match o.len() {
        2 => alpha(0) && digit(1),
        3 => {
            (alpha(0) && digit(1) && digit(2))
                || (alpha(0) && alpha(1) && digit(2))
                || (alpha(0) && digit(1) && alpha(2))
        }
        4 => alpha(0) && alpha(1) && digit(2) && (digit(3) || alpha(3)),
        _ => false,
    };
    if outward_ok && inward_ok {
        Ok(format!("{outward} {inward}"))
    } else {
        Err(message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_are_checked_and_normalised() {
        for (typed, expected) in [
            ("sw1a1aa", "SW1A 1AA"),
            (" bs8 4jx ", "BS8 4JX"),
            ("M11AE", "M1 1AE"),
            ("b338th", "B33 8TH"),
            ("cr26xh", "CR2 6XH"),
            ("dn551pt", "DN55 1PT"),
            ("w1a0ax", "W1A 0AX"),
            ("gir 0aa", "GIR 0AA"),
        ] {
            assert_eq!(normalise_uk_postcode(typed).as_deref(), Ok(expected), "{typed}");
        }
        for bad in [
            "",
            "12345",
            "SW1A",
            "SW1A 1A",
            "1AA 1AA",
            "SW1A 1AAA",
            "ZZZZ 1AA",
            "SW1A-1AA",
        ] {
            assert!(normalise_uk_postcode(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Jane.Doe@Example.CO.UK ").unwrap().as_str(),
            "jane.doe@example.co.uk"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "jane",
            "jane@",
            "@example.com",
            "jane@example",
            "ja ne@example.com",
            "a@b@c.com",
            "a@.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn text_limits_count_characters_not_bytes() {
        assert!(required_text("name", &"é".repeat(100), 100).is_ok());
        let err = required_text("name", &"é".repeat(101), 100).unwrap_err();
        assert_eq!(err, "Name must be 100 characters or fewer (it is 101)");
        assert_eq!(required_text("a name", "   ", 100).unwrap_err(), "Enter a name");
        assert_eq!(optional_text("notes", "  ", 10).unwrap(), None);
    }

    #[test]
    fn only_paths_on_this_site_are_followed_after_sign_in() {
        assert_eq!(local_path("/audit?entity=user"), Some("/audit?entity=user"));
        for outside in [
            "//evil.example/",
            "/\\evil.example/",
            "/\t/evil.example/",
            "/\n/evil.example/",
            "/\r\n/evil.example",
            "/ /evil.example",
            "https://evil.example/",
            "evil.example",
            "",
        ] {
            assert_eq!(local_path(outside), None, "{outside:?}");
        }
    }

    #[test]
    fn one_line_fields_refuse_line_breaks_controls_and_direction_overrides() {
        assert_eq!(
            required_text("the agency's name", "Acme\r\nBcc: x@example.com", 200).unwrap_err(),
            "Agency's name must be one line, without control or text-direction characters"
        );
        assert!(optional_text("phone", "0117\t496 0000", 30).is_err());
        assert!(required_text("a title", "report\u{202e}fdp.exe", 200).is_err());
        assert!(required_text("a name", "Zoë O'Brien-Ålund", 100).is_ok());
        assert_eq!(
            optional_multiline_text("notes", "Line one\r\nLine two\tindented", 100).unwrap(),
            Some("Line one\r\nLine two\tindented".to_string())
        );
        assert!(optional_multiline_text("notes", "bell\u{7}", 100).is_err());
    }

    #[test]
    fn the_first_error_for_a_field_is_kept() {
        let mut errors = FieldErrors::new();
        errors.add("email", "first");
        errors.add("email", "second");
        assert_eq!(errors.get("email"), Some("first"));
    }
}
