//! Password hashing with argon2id, and the one-time passwords handed out by admins
//! and the command line. Hashing runs on the blocking pool: it is deliberately slow.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;

use crate::domain::users::MAX_PASSWORD_LEN;
use crate::error::AppError;

/// Hashes a password with argon2id and a random salt.
pub async fn hash(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(AppError::internal)?
}

/// Hashes a password on the current thread (for the command line and demo data).
pub fn hash_blocking(password: &str) -> Result<String, AppError> {
    let salt = SaltString::encode_b64(&rand::rng().random::<[u8; 16]>())
        .map_err(|e| AppError::internal(anyhow::anyhow!(e)))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::internal(anyhow::anyhow!(e)))
}

/// Checks a password against a stored hash. With no hash (unknown account) it
/// still does the work of a check, so timing does not reveal which emails exist.
///
/// Only the first [`MAX_PASSWORD_LEN`] + 1 characters are hashed: no stored
/// password is longer than the limit, so a longer guess cannot match anyway,
/// and a megabyte "password" costs no more work than a short one.
pub async fn verify(password: &str, stored: Option<String>) -> Result<bool, AppError> {
    let password: String = password.chars().take(MAX_PASSWORD_LEN + 1).collect();
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_string());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        matches && stored != DUMMY_HASH
    })
    .await
    .map_err(AppError::internal)
}

/// A valid argon2id hash of a random string, checked against for unknown accounts.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Hl2rLh0Xvuhc3q3gGugYAJ9WNsx1YsmgzcNArGmUhLk";

/// A one-time password: four groups of four letters and digits (≈ 95 bits),
/// easy to read out and type, without look-alike characters.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let groups: Vec<String> = (0..4)
        .map(|_| {
            (0..4)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect()
        })
        .collect();
    groups.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hashed = hash("correct horse battery").await.unwrap();
        assert!(hashed.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", Some(hashed.clone())).await.unwrap());
        assert!(!verify("wrong horse battery", Some(hashed)).await.unwrap());
        assert!(!verify("anything", None).await.unwrap());
    }

    #[tokio::test]
    async fn a_guess_longer_than_any_password_never_matches_and_is_cut_before_hashing() {
        let longest = "p".repeat(MAX_PASSWORD_LEN);
        let hashed = hash(&longest).await.unwrap();
        assert!(verify(&longest, Some(hashed.clone())).await.unwrap());
        let guess = format!("{longest}{}", "x".repeat(1024 * 1024));
        assert!(!verify(&guess, Some(hashed)).await.unwrap());
    }

    #[test]
    fn one_time_passwords_have_the_documented_shape() {
        let password = one_time_password();
        assert_eq!(password.len(), 19);
        assert_eq!(password.split('-').count(), 4);
        assert_ne!(password, one_time_password());
    }
}
