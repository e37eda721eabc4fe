//! The server secret: given explicitly, or generated once into the data folder
//! (readable by the owner only).

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use rand::Rng;

/// Shortest accepted secret.
pub const MIN_LEN: usize = 32;
/// The file in the data folder that holds a generated secret.
pub const FILE_NAME: &str = "secret.key";

/// Resolves the secret: the explicit one, or the one in `data_dir` (created if missing).
pub fn resolve(explicit: Option<&str>, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = explicit {
        anyhow::ensure!(
            secret.len() >= MIN_LEN,
            "PORTICO_SECRET_KEY must be at least {MIN_LEN} characters"
        );
        return Ok(secret.as_bytes().to_vec());
    }
    let path = data_dir.join(FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(existing) => {
            let existing = existing.trim();
            anyhow::ensure!(
                existing.len() >= MIN_LEN,
                "{} is too short; delete it to generate a new one",
                path.display()
            );
            Ok(existing.as_bytes().to_vec())
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir).with_context(|| format!("could not create {}", data_dir.display()))?;
            let secret = hex::encode(rand::rng().random::<[u8; 32]>());
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options
                .open(&path)
                .with_context(|| format!("could not create {}", path.display()))?;
            file.write_all(secret.as_bytes())?;
            file.sync_all()?;
            Ok(secret.into_bytes())
        }
        Err(err) => Err(err).with_context(|| format!("could not read {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_kept_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = resolve(None, dir.path()).unwrap();
        let second = resolve(None, dir.path()).unwrap();
        assert_eq!(first, second);
        assert_eq!(first.len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_short_explicit_secret_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(resolve(Some("short"), dir.path()).is_err());
        assert!(!dir.path().join(FILE_NAME).exists());
    }
}

/// A secret given on the command line or in the environment (the server key,
/// an SMTP URL with its password): parsed like a string, but its `Debug`
/// output never shows it, so no log line or panic message can leak it.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted(String);

impl Redacted {
    /// The secret itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Redacted {
    type Err = std::convert::Infallible;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Redacted(value.to_string()))
    }
}

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The server key as the app holds it: usable wherever bytes are wanted
/// (it dereferences to `[u8]`), shown as `[redacted]` by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(Vec<u8>);

impl SecretKey {
    /// Wraps key bytes.
    pub fn new(bytes: Vec<u8>) -> SecretKey {
        SecretKey(bytes)
    }
}

impl std::ops::Deref for SecretKey {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A database URL with any password in it replaced, for `Debug` output.
pub fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:[redacted]{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod redaction_tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug_output() {
        let smtp: Redacted = "smtp://mailer:hunter2hunter2@mail.example:587".parse().unwrap();
        assert_eq!(format!("{smtp:?}"), "[redacted]");
        assert_eq!(smtp.expose(), "smtp://mailer:hunter2hunter2@mail.example:587");
        let key = SecretKey::new(b"0123456789abcdef0123456789abcdef".to_vec());
        assert_eq!(format!("{key:?}"), "[redacted]");
        assert_eq!(&key[..4], b"0123");
        assert_eq!(
            without_password("postgres://portico:s3cret@db:5432/portico"),
            "postgres://portico:[redacted]@db:5432/portico"
        );
        assert_eq!(without_password("sqlite://data/portico.db"), "sqlite://data/portico.db");
    }
}
