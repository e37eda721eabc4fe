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
