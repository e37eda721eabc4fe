//! A private PostgreSQL cluster for one test (so it can be stopped and started
//! without touching the shared server): `initdb` into a temporary folder and
//! `pg_ctl` on a free port, run as the `postgres` OS user, trust auth, its unix
//! socket inside the folder. Needs root and PostgreSQL's binaries.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::process::free_port;
use super::{is_root, required};

/// Where Debian puts PostgreSQL's server binaries (`PG_BIN` overrides).
fn pg_bin() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PG_BIN").map(PathBuf::from) {
        return dir.join("pg_ctl").is_file().then_some(dir);
    }
    ["17", "16", "15", "14", "13"]
        .iter()
        .map(|v| PathBuf::from(format!("/usr/lib/postgresql/{v}/bin")))
        .find(|dir| dir.join("pg_ctl").is_file() && dir.join("initdb").is_file())
}

/// A private cluster; stopped (immediately) and deleted when dropped.
pub struct PgCluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    /// Its TCP port on 127.0.0.1.
    pub port: u16,
}

impl PgCluster {
    /// Creates and starts a cluster; `None` (after `skipped: …`, or a failure in
    /// CI) when the tests do not run as root or PostgreSQL is not installed.
    pub fn start() -> Option<PgCluster> {
        if !required(
            is_root(),
            "the PostgreSQL fault test needs root (it runs pg_ctl as postgres)",
        ) {
            return None;
        }
        let bin = pg_bin();
        if !required(
            bin.is_some(),
            "PostgreSQL's server binaries are not installed (apt-get install postgresql)",
        ) {
            return None;
        }
        let bin = bin.expect("checked above");
        let dir = tempfile::tempdir().expect("temp dir");
        let chown = Command::new("chown")
            .args(["postgres:postgres"])
            .arg(dir.path())
            .status()
            .expect("chown");
        assert!(chown.success(), "chown the cluster folder to postgres");
        let cluster = PgCluster {
            bin,
            dir,
            port: free_port(),
        };
        let data = cluster.data_dir();
        let init = cluster.as_postgres(
            "initdb",
            &[
                "-D",
                &data.display().to_string(),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        assert!(
            init.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&init.stderr)
        );
        cluster.start_server();
        Some(cluster)
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn as_postgres(&self, tool: &str, args: &[&str]) -> Output {
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join(tool))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|err| panic!("run {tool}: {err}"))
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The server's own log.
    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    /// `pg_ctl start -w`: returns once the server accepts connections.
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60",
            self.port,
            self.dir.path().display()
        );
        let started = self.as_postgres(
            "pg_ctl",
            &[
                "-D",
                &self.data_dir().display().to_string(),
                "-l",
                &self.log_path().display().to_string(),
                "-o",
                &options,
                "-w",
                "-t",
                "30",
                "start",
            ],
        );
        assert!(
            started.status.success(),
            "pg_ctl start: {}\n{}",
            String::from_utf8_lossy(&started.stderr),
            std::fs::read_to_string(self.log_path()).unwrap_or_default()
        );
    }

    /// `pg_ctl stop -m fast -w`: ends every session and returns once stopped.
    pub fn stop_server(&self) {
        self.stop("fast");
    }

    fn stop(&self, mode: &str) {
        let stopped = self.as_postgres(
            "pg_ctl",
            &["-D", &self.data_dir().display().to_string(), "-m", mode, "-w", "stop"],
        );
        assert!(
            stopped.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&stopped.stderr)
        );
    }

    /// The cluster's folder.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = self.as_postgres(
            "pg_ctl",
            &[
                "-D",
                &self.data_dir().display().to_string(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }
}
