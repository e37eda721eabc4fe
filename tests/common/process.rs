//! The real `portico` binary as a child process: `portico serve` on a free port
//! with its stdout and stderr appended to a log file (kept across restarts), and
//! stopped with SIGKILL when asked or when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_portico");

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// What a `portico serve` process runs on.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// `DATABASE_URL`.
    pub database_url: String,
    /// `PORTICO_DATA_DIR` (documents, mail files).
    pub data_dir: PathBuf,
    /// `PORTICO_SECRET_KEY`.
    pub secret_key: String,
    /// Where the process's output is appended.
    pub log: PathBuf,
    /// The port it listens on (the same on every restart).
    pub port: u16,
}

impl ServeConfig {
    /// A configuration on a free port, logging to `log`.
    pub fn new(database_url: &str, data_dir: &Path, secret_key: &str, log: &Path) -> ServeConfig {
        ServeConfig {
            database_url: database_url.to_string(),
            data_dir: data_dir.to_path_buf(),
            secret_key: secret_key.to_string(),
            log: log.to_path_buf(),
            port: free_port(),
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Everything the process has logged so far, over all its runs.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// A running `portico serve`; SIGKILLed when dropped.
pub struct Portico {
    child: Child,
    /// How it was started.
    pub config: ServeConfig,
}

impl Portico {
    /// Starts `portico serve` and waits (up to 30 s) until `/healthz` answers.
    pub async fn serve(config: &ServeConfig) -> Portico {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&config.log)
            .expect("open the server log");
        let child = Command::new(BIN)
            .arg("serve")
            .env("DATABASE_URL", &config.database_url)
            .env("PORTICO_DATA_DIR", &config.data_dir)
            .env("PORTICO_SECRET_KEY", &config.secret_key)
            .env("PORTICO_BIND", format!("127.0.0.1:{}", config.port))
            .env("RUST_LOG", "info,sqlx=warn")
            .env("NO_COLOR", "1")
            .env_remove("PORTICO_BASE_URL")
            .env_remove("PORTICO_DEMO")
            .env_remove("PORTICO_SMTP_URL")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("spawn portico serve");
        let mut server = Portico {
            child,
            config: config.clone(),
        };
        let health = format!("{}/healthz", config.base_url());
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("client");
        let started = Instant::now();
        loop {
            if let Ok(response) = http.get(&health).send().await
                && response.status() == 200
            {
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("portico serve exited with {status}:\n{}", config.log_text());
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "portico serve did not answer /healthz in 30 s:\n{}",
                config.log_text()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Kills the process with SIGKILL (no chance to clean up) and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Portico {
    fn drop(&mut self) {
        self.kill();
    }
}
