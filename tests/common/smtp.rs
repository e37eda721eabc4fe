//! A real SMTP server process for tests: Debian's python3-aiosmtpd running
//! tests/support/smtp_sink.py, which writes each accepted message to a folder.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::skipped;

const PYTHON: &str = "/usr/bin/python3";

/// An aiosmtpd process writing each message it accepts to a folder; killed on drop.
pub struct SmtpServer {
    child: Child,
    dir: PathBuf,
}

impl SmtpServer {
    pub fn start(port: u16, dir: &Path) -> SmtpServer {
        std::fs::create_dir_all(dir).unwrap();
        let support = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support");
        let child = Command::new(PYTHON)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "smtp_sink.Sink",
            ])
            .arg(dir)
            .env("PYTHONPATH", support)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(10), "aiosmtpd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpServer {
            child,
            dir: dir.to_path_buf(),
        }
    }

    pub fn messages(&self) -> Vec<String> {
        let mut found: Vec<String> = std::fs::read_dir(&self.dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        found.sort();
        found
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether aiosmtpd is here; in CI it must be.
pub fn smtp_available() -> bool {
    let ok = Command::new(PYTHON)
        .args(["-m", "aiosmtpd", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
            panic!("the SMTP tests are required in CI: install python3-aiosmtpd");
        }
        skipped("python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd)");
    }
    ok
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
