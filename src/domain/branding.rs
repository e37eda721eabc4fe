//! Agency branding: the colour, logo and contacts portals show, and the contrast
//! check that keeps text on the brand colour readable (WCAG AA).

use super::validation::{Email, FieldErrors, optional_text, required_text};

/// The colour used when an agency has none.
pub const DEFAULT_COLOR: &str = "#1f5f8b";
/// WCAG AA contrast for normal text.
pub const AA_CONTRAST: f64 = 4.5;
/// Dark text used on light brand colours.
pub const DARK_TEXT: &str = "#1b1f24";

/// Parses `#1F5F8B`, `1f5f8b` or `#abc` into `#rrggbb` (lower case).
pub fn parse_color(input: &str) -> Result<String, String> {
    let hex = input.trim().trim_start_matches('#').to_ascii_lowercase();
    let hex = match hex.len() {
        3 => hex.chars().flat_map(|c| [c, c]).collect(),
        6 => hex,
        _ => String::new(),
    };
    if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(format!("#{hex}"))
    } else {
        Err("Enter a colour as a hex code, like #1f5f8b".into())
    }
}

fn luminance(color: &str) -> f64 {
    let channel = |i: usize| {
        let value = u8::from_str_radix(&color[i..i + 2], 16).unwrap_or(0) as f64 / 255.0;
        if value <= 0.039_28 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

/// The contrast ratio of white text on `color` (`#rrggbb`).
pub fn white_contrast(color: &str) -> f64 {
    1.05 / (luminance(color) + 0.05)
}

/// The text colour to use on `color`: white when it meets AA, dark otherwise.
pub fn text_on(color: &str) -> &'static str {
    if white_contrast(color) >= AA_CONTRAST {
        "#ffffff"
    } else {
        DARK_TEXT
    }
}

/// The branding form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct BrandingForm {
    pub name: String,
    pub logo_url: String,
    pub primary_color: String,
    pub support_email: String,
    pub support_phone: String,
}

/// Checked branding.
#[derive(Debug, Clone, PartialEq)]
pub struct BrandingFields {
    pub name: String,
    pub logo_url: Option<String>,
    pub primary_color: String,
    pub support_email: Option<String>,
    pub support_phone: Option<String>,
}

impl BrandingForm {
    /// Checks every field.
    pub fn parse(&self) -> Result<BrandingFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let logo_url = match self.logo_url.trim() {
            "" => None,
            url if url.starts_with("https://")
                && url.len() > 10
                && url.len() <= 500
                && !url.chars().any(char::is_whitespace) =>
            {
                Some(url.to_string())
            }
            _ => {
                e.add("logo_url", "Enter the logo's address starting with https://");
                None
            }
        };
        let support_email = match self.support_email.trim() {
            "" => None,
            email => e
                .check("support_email", Email::parse(email))
                .map(|e| e.as_str().to_string()),
        };
        let fields = BrandingFields {
            name: e.take("name", required_text("the agency's name", &self.name, 200)),
            logo_url,
            primary_color: e
                .check("primary_color", parse_color(&self.primary_color))
                .unwrap_or_else(|| DEFAULT_COLOR.into()),
            support_email,
            support_phone: e.take("support_phone", optional_text("support phone", &self.support_phone, 30)),
        };
        if e.is_empty() { Ok(fields) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_normalised() {
        assert_eq!(parse_color("#1F5F8B").as_deref(), Ok("#1f5f8b"));
        assert_eq!(parse_color("abc").as_deref(), Ok("#aabbcc"));
        assert!(parse_color("blue").is_err());
        assert!(parse_color("#12345g").is_err());
    }

    #[test]
    fn contrast_follows_wcag() {
        assert!((white_contrast("#000000") - 21.0).abs() < 0.01);
        assert!((white_contrast("#ffffff") - 1.0).abs() < 0.01);
        assert!(white_contrast(DEFAULT_COLOR) >= AA_CONTRAST);
        assert_eq!(text_on("#ffff00"), DARK_TEXT);
        assert_eq!(text_on("#1f5f8b"), "#ffffff");
    }

    #[test]
    fn the_logo_must_be_https() {
        let form = BrandingForm {
            name: "Acme".into(),
            primary_color: "#123456".into(),
            logo_url: "http://x.example/logo.png".into(),
            ..Default::default()
        };
        assert!(form.parse().unwrap_err().get("logo_url").is_some());
    }
}
