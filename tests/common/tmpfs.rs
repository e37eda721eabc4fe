//! A small tmpfs mounted on a temporary folder, to run out of disk space on
//! purpose. Needs root; unmounted and removed when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A mounted tmpfs; `umount -l` and removal of its folder on drop.
pub struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. `8m`) on a new temporary folder, which
    /// is returned without its own cleanup (this value removes it after
    /// unmounting). `Err` says why it could not be mounted.
    pub fn mount(size: &str) -> Result<(Tmpfs, tempfile::TempDir), String> {
        let mut dir = tempfile::Builder::new()
            .prefix("portico-tmpfs")
            .tempdir()
            .map_err(|e| e.to_string())?;
        dir.disable_cleanup(true);
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("mount: {e}"))?;
        if !output.status.success() {
            let _ = std::fs::remove_dir(dir.path());
            return Err(format!("mount -t tmpfs: {}", String::from_utf8_lossy(&output.stderr)));
        }
        Ok((
            Tmpfs {
                path: dir.path().to_path_buf(),
            },
            dir,
        ))
    }

    /// The mount point.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Fills the filesystem with `name` until nothing more fits; returns its size.
    pub fn fill(&self, name: &str) -> u64 {
        use std::io::Write;
        let mut file = std::fs::File::create(self.path.join(name)).expect("create the filler");
        let mut written = 0u64;
        for chunk in [1024 * 1024, 64 * 1024, 4096, 512, 1] {
            let bytes = vec![0x5a_u8; chunk];
            while file.write_all(&bytes).is_ok() {
                written += chunk as u64;
            }
        }
        let _ = file.sync_all();
        // A failed write may still have written part of its chunk.
        file.metadata().map_or(written, |m| m.len())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
