//! The landlord portal's rules: how a portal link is derived and checked, what a
//! message may be, and the landlord's decision on an offer. No I/O.
//!
//! A link is `base64url(row id ‖ HMAC-SHA256(server key, purpose ‖ row id ‖ nonce))`:
//! 384 bits, of which the 256-bit MAC is what nobody can guess. The database holds
//! only the id and the nonce, so a dump alone opens no portal; the server can show
//! a live link again at any time; a new nonce (rotation) kills the old link at once.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;
use uuid::Uuid;

use super::validation::FieldErrors;

/// What a link opens; part of its MAC, so a link made for one purpose never
/// verifies for another even under the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// A landlord's portal.
    LandlordPortal,
    /// A tenant's portal invite.
    TenantInvite,
    /// A contractor's single-use link to one work order (ContractorPort).
    ContractorLink,
}

impl LinkPurpose {
    fn label(self) -> &'static [u8] {
        match self {
            LinkPurpose::LandlordPortal => b"portico/landlord-portal/v1",
            LinkPurpose::TenantInvite => b"portico/tenant-invite/v1",
            LinkPurpose::ContractorLink => b"portico/contractor-link/v1",
        }
    }
}
/// Length of a link token in characters (48 bytes, base64url without padding).
pub const TOKEN_LEN: usize = 64;

/// A fresh random nonce for a token row (hex, 128 bits).
pub fn new_nonce() -> String {
    hex::encode(rand::rng().random::<[u8; 16]>())
}

fn mac(purpose: LinkPurpose, key: &[u8], id: Uuid, nonce: &str) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(purpose.label());
    mac.update(id.as_bytes());
    mac.update(nonce.as_bytes());
    mac.finalize().into_bytes().into()
}

/// The secret part of a landlord portal URL for a token row.
pub fn link_token(key: &[u8], id: Uuid, nonce: &str) -> String {
    link_token_for(LinkPurpose::LandlordPortal, key, id, nonce)
}

/// The secret part of a URL for a row, for a purpose.
pub fn link_token_for(purpose: LinkPurpose, key: &[u8], id: Uuid, nonce: &str) -> String {
    let mut bytes = Vec::with_capacity(48);
    bytes.extend_from_slice(id.as_bytes());
    bytes.extend_from_slice(&mac(purpose, key, id, nonce));
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A link token taken apart: the row it names and the MAC it carries. Anything
/// that is not shaped like a token is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedToken {
    /// The token row's id.
    pub id: Uuid,
    mac: [u8; 32],
}

impl ParsedToken {
    /// Reads a token from a URL segment.
    pub fn parse(token: &str) -> Option<ParsedToken> {
        if token.len() != TOKEN_LEN {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        let id = Uuid::from_slice(bytes.get(..16)?).ok()?;
        let mac: [u8; 32] = bytes.get(16..48)?.try_into().ok()?;
        Some(ParsedToken { id, mac })
    }

    /// Whether the token is a landlord portal link for this row's current nonce.
    pub fn verifies(&self, key: &[u8], nonce: &str) -> bool {
        self.verifies_for(LinkPurpose::LandlordPortal, key, nonce)
    }

    /// Whether the token was made for this purpose and row's current nonce (constant time).
    pub fn verifies_for(&self, purpose: LinkPurpose, key: &[u8], nonce: &str) -> bool {
        let expected = mac(purpose, key, self.id, nonce);
        expected
            .iter()
            .zip(self.mac.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

/// Longest message body accepted.
pub const MESSAGE_MAX_CHARS: usize = 5000;

/// A message as typed: trimmed, not empty, not too long.
pub fn parse_message(body: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let trimmed = body.trim();
    if trimmed.is_empty() {
        errors.add("body", "Write a message before sending");
    } else if trimmed.chars().count() > MESSAGE_MAX_CHARS {
        errors.add("body", format!("Keep a message under {MESSAGE_MAX_CHARS} characters"));
    } else if let Err(message) =
        crate::domain::validation::optional_multiline_text("the message", trimmed, MESSAGE_MAX_CHARS)
    {
        errors.add("body", message);
    }
    if errors.is_empty() {
        Ok(trimmed.to_string())
    } else {
        Err(errors)
    }
}

/// What the landlord decided about an offer sent for their review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferDecision {
    /// They would accept it.
    Accept,
    /// They would decline it.
    Decline,
}

impl OfferDecision {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            OfferDecision::Accept => "accept",
            OfferDecision::Decline => "decline",
        }
    }

    /// What agents and the landlord read.
    pub fn label(self) -> &'static str {
        match self {
            OfferDecision::Accept => "Landlord accepts",
            OfferDecision::Decline => "Landlord declines",
        }
    }

    /// What the landlord reads about their own decision ("You declined").
    pub fn said_by_landlord(self) -> &'static str {
        match self {
            OfferDecision::Accept => "You accepted",
            OfferDecision::Decline => "You declined",
        }
    }

    /// The verb of the confirm button ("accept", "decline").
    pub fn verb(self) -> &'static str {
        self.as_str()
    }

    /// Reads a stored or submitted value.
    pub fn parse(value: &str) -> Option<OfferDecision> {
        match value {
            "accept" => Some(OfferDecision::Accept),
            "decline" => Some(OfferDecision::Decline),
            _ => None,
        }
    }
}

/// Longest comment on an offer decision.
pub const COMMENT_MAX_CHARS: usize = 2000;

/// The review form: a decision is required, the comment is optional.
pub fn parse_review(decision: &str, comment: &str) -> Result<(OfferDecision, Option<String>), FieldErrors> {
    let mut errors = FieldErrors::new();
    let decision = OfferDecision::parse(decision);
    if decision.is_none() {
        errors.add("decision", "Choose accept or decline");
    }
    let comment = comment.trim();
    if comment.chars().count() > COMMENT_MAX_CHARS {
        errors.add(
            "comment",
            format!("Keep the comment under {COMMENT_MAX_CHARS} characters"),
        );
    }
    let comment = (!comment.is_empty()).then(|| comment.to_string());
    match decision {
        Some(decision) if errors.is_empty() => Ok((decision, comment)),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"a-server-key-of-at-least-32-bytes!!";

    #[test]
    fn a_link_verifies_only_under_its_key_and_nonce() {
        let id = Uuid::now_v7();
        let nonce = new_nonce();
        let token = link_token(KEY, id, &nonce);
        assert_eq!(token.len(), TOKEN_LEN);
        let parsed = ParsedToken::parse(&token).expect("parses");
        assert_eq!(parsed.id, id);
        assert!(parsed.verifies(KEY, &nonce));
        assert!(!parsed.verifies(KEY, &new_nonce()), "a rotated nonce kills the link");
        assert!(!parsed.verifies(b"another-key-another-key-another-key", &nonce));
    }

    #[test]
    fn a_link_for_one_purpose_never_opens_another() {
        let id = Uuid::now_v7();
        let token = link_token_for(LinkPurpose::TenantInvite, KEY, id, "n");
        let parsed = ParsedToken::parse(&token).unwrap();
        assert!(parsed.verifies_for(LinkPurpose::TenantInvite, KEY, "n"));
        assert!(!parsed.verifies(KEY, "n"));
    }

    #[test]
    fn malformed_tokens_do_not_parse() {
        assert!(ParsedToken::parse("").is_none());
        assert!(ParsedToken::parse("abc").is_none());
        assert!(ParsedToken::parse(&"!".repeat(TOKEN_LEN)).is_none());
        let mut token = link_token(KEY, Uuid::now_v7(), "n");
        token.pop();
        assert!(ParsedToken::parse(&token).is_none());
    }

    #[test]
    fn a_tampered_mac_is_refused() {
        let id = Uuid::now_v7();
        let token = link_token(KEY, id, "nonce");
        let mut chars: Vec<char> = token.chars().collect();
        let last = chars.len() - 2;
        chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
        let tampered: String = chars.into_iter().collect();
        let parsed = ParsedToken::parse(&tampered).expect("still shaped like a token");
        assert!(!parsed.verifies(KEY, "nonce"));
    }

    #[test]
    fn messages_must_have_text_and_a_sane_length() {
        assert!(parse_message("   ").is_err());
        assert_eq!(parse_message("  Hello  ").unwrap(), "Hello");
        assert!(parse_message(&"x".repeat(MESSAGE_MAX_CHARS + 1)).is_err());
    }

    #[test]
    fn a_review_needs_a_decision() {
        assert!(parse_review("", "fine").is_err());
        assert_eq!(parse_review("decline", "  ").unwrap(), (OfferDecision::Decline, None));
        assert_eq!(
            parse_review("accept", " Happy ").unwrap(),
            (OfferDecision::Accept, Some("Happy".into()))
        );
    }
}
