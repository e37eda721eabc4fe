//! Back-office users (agents and admins) and their passwords.

use serde::{Deserialize, Serialize};

/// What a back-office user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages the agency's users, sees the audit trail, and everything an agent can.
    Admin,
    /// Works with the agency's records.
    Agent,
}

impl Role {
    /// Every role, in the order shown in forms.
    pub const ALL: [Role; 2] = [Role::Agent, Role::Admin];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
        }
    }

    /// The label people read.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Agent => "Agent",
        }
    }

    /// Parses the stored value.
    pub fn parse(value: &str) -> Result<Role, String> {
        match value {
            "admin" => Ok(Role::Admin),
            "agent" => Ok(Role::Agent),
            _ => Err("Choose a role".into()),
        }
    }
}

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;
/// Longest password accepted (hashing cost grows with length).
pub const MAX_PASSWORD_LEN: usize = 200;

/// Checks a new password a person chose.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let count = password.chars().count();
    if count < MIN_PASSWORD_LEN {
        return Err(format!("Use at least {MIN_PASSWORD_LEN} characters"));
    }
    if count > MAX_PASSWORD_LEN {
        return Err(format!("Use at most {MAX_PASSWORD_LEN} characters"));
    }
    Ok(())
}

crate::stored_as_text!(Role, |value| Role::parse(value).ok());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_stored_value() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert!(Role::parse("owner").is_err());
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough pass").is_ok());
    }
}
