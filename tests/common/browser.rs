//! Real headless Chromium driven through chromedriver (fantoccini), with
//! JavaScript on or off, failing on any console error or CSP violation.
//!
//! Without Chromium and chromedriver a browser test prints `skipped: …` and
//! passes on a developer's machine; with `CI` set it fails instead.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use super::skipped;

/// How long to wait for something to appear.
const WAIT: Duration = Duration::from_secs(10);

fn find_binary(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env).map(PathBuf::from).filter(|p| p.exists()) {
        return Some(path);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|p| p.is_file())
}

/// The chromedriver process, stopped when dropped (also when a test panics):
/// first asked to shut down, which closes its browsers, then killed.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        use std::io::Write;
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
            let _ = stream.write_all(b"GET /shutdown HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
        }
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running chromedriver and one browser session.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    /// The app's base URL.
    pub base_url: String,
    js: bool,
    allowed_statuses: std::sync::Mutex<Vec<String>>,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

/// `POST /session/{id}/goog/cdp/execute`: one Chrome DevTools Protocol command
/// (for what WebDriver has no command for, such as a full-page screenshot).
#[derive(Debug)]
struct DevTools {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// `POST /session/{id}/se/log {"type": "browser"}`: chromedriver's console log.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}

/// Starts Chromium (JavaScript on or off) for the app at `base_url`; `None` when
/// Chromium is not installed and this is not CI (after printing `skipped: …`).
pub async fn launch(base_url: &str, js: bool) -> Option<Browser> {
    launch_sized(base_url, js, (1280, 900)).await
}

/// Like [`launch`], on a phone-sized screen (an iPhone 12's 390 × 844 CSS pixels).
pub async fn launch_phone(base_url: &str, js: bool) -> Option<Browser> {
    launch_sized(base_url, js, (390, 844)).await
}

/// Starts Chromium with a window of `(width, height)`.
pub async fn launch_sized(base_url: &str, js: bool, (width, height): (u32, u32)) -> Option<Browser> {
    let driver_path = find_binary("CHROMEDRIVER", &["chromedriver"]);
    let chrome_path = find_binary("CHROMIUM_BIN", &["chromium", "chromium-browser", "google-chrome"]);
    let (Some(driver_path), Some(chrome_path)) = (driver_path, chrome_path) else {
        let reason = "chromium or chromedriver not found; install chromium and chromium-driver";
        if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
            panic!("browser tests are required in CI: {reason}");
        }
        skipped(reason);
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let driver = Driver {
        child: Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
        port,
    };
    let profile = tempfile::tempdir().expect("profile dir");
    let webdriver = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < WAIT, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let downloads = profile.path().join("downloads");
    std::fs::create_dir_all(&downloads).expect("downloads dir");
    let mut prefs = json!({
        "download.default_directory": downloads.display().to_string(),
        "download.prompt_for_download": false,
    });
    if !js {
        prefs["profile.managed_default_content_settings.javascript"] = json!(2);
    }
    let mut options = json!({
        "binary": chrome_path,
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ],
        "prefs": prefs,
    });
    // Headless Chromium will not make a window narrower than 500 px; a phone's
    // width comes from emulating the device instead (its viewport, and the
    // `width=device-width` meta tag honoured as on a real phone). Touch stays
    // off: with page JavaScript off, chromedriver's click then never returns.
    if width < 500 {
        options["mobileEmulation"] = json!({
            "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0, "mobile": true, "touch": false },
        });
    }
    let mut capabilities = Capabilities::new();
    capabilities.insert("goog:chromeOptions".into(), options);
    capabilities.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&webdriver)
        .await
        .expect("start a Chromium session");
    Some(Browser {
        client,
        base_url: base_url.to_string(),
        js,
        allowed_statuses: std::sync::Mutex::new(Vec::new()),
        _driver: driver,
        _profile: profile,
    })
}

impl Browser {
    /// Where the browser saves downloads.
    pub fn downloads_dir(&self) -> std::path::PathBuf {
        self._profile.path().join("downloads")
    }

    /// Waits for a finished download named `name` and returns its bytes.
    ///
    /// Chromium reserves the final name with an empty placeholder file while
    /// it writes the data to a `.crdownload` file beside it, then renames that
    /// over the placeholder; so the download is finished only once the file
    /// has content and no `.crdownload` file is left. (Every download the
    /// tests make has content.)
    pub async fn wait_for_download(&self, name: &str) -> Vec<u8> {
        let path = self.downloads_dir().join(name);
        let started = Instant::now();
        loop {
            let present: Vec<String> = std::fs::read_dir(self.downloads_dir())
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            let in_progress = present.iter().any(|n| n.ends_with(".crdownload"));
            if !in_progress
                && let Ok(bytes) = std::fs::read(&path)
                && !bytes.is_empty()
            {
                return bytes;
            }
            assert!(
                started.elapsed() < WAIT,
                "no finished download {name:?}; the folder has {present:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Whether JavaScript runs in this browser.
    pub fn js(&self) -> bool {
        self.js
    }

    /// Signs in through the sign-in form and waits for the home page.
    pub async fn sign_in(&self, email: &str, password: &str) {
        self.goto("/login").await;
        self.fill("input[name=email]", email).await;
        self.fill("input[name=password]", password).await;
        self.click("form[action='/login'] button[type=submit]").await;
        self.wait_for_text("Welcome").await;
    }

    /// Opens a path of the app.
    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{}", self.base_url, path))
            .await
            .expect("navigate");
    }

    /// The current path and query.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Waits until the current path and query contain `needle`.
    pub async fn wait_for_path(&self, needle: &str) {
        let started = Instant::now();
        loop {
            let path = self.path().await;
            if path.contains(needle) {
                return;
            }
            assert!(
                started.elapsed() < WAIT,
                "the URL never contained {needle:?}; it is {path}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for an element.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        let started = Instant::now();
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => return element,
                Err(_) if started.elapsed() < WAIT => tokio::time::sleep(Duration::from_millis(100)).await,
                Err(err) => panic!("no element {css} on {}: {err}", self.path().await),
            }
        }
    }

    /// Replaces the text of an input.
    pub async fn fill(&self, css: &str, value: &str) {
        let element = self.find(css).await;
        element.clear().await.expect("clear");
        element.send_keys(value).await.expect("type");
    }

    /// Types into an input without clearing it first.
    pub async fn type_into(&self, css: &str, value: &str) {
        self.find(css).await.send_keys(value).await.expect("type");
    }

    /// Sets an input's value directly (for date inputs, whose typing depends on
    /// the browser's locale). WebDriver runs this even with page JavaScript off.
    pub async fn set_value(&self, css: &str, value: &str) {
        let element = self.find(css).await;
        let element = serde_json::to_value(&element).expect("element reference");
        self.client
            .execute("arguments[0].value = arguments[1];", vec![element, json!(value)])
            .await
            .expect("set value");
    }

    /// Chooses an option of a `<select>` by its value.
    pub async fn choose(&self, css: &str, value: &str) {
        let option = self.find(&format!("{css} option[value='{value}']")).await;
        option.click().await.expect("choose option");
    }

    /// Clicks an element.
    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.expect("click");
    }

    /// The visible text of the page body (retried while a navigation replaces it).
    pub async fn text(&self) -> String {
        let started = Instant::now();
        loop {
            match self.find("body").await.text().await {
                Ok(text) => return text,
                Err(_) if started.elapsed() < WAIT => tokio::time::sleep(Duration::from_millis(100)).await,
                Err(err) => panic!("cannot read the page text: {err}"),
            }
        }
    }

    /// Waits until the page's text contains `needle`.
    pub async fn wait_for_text(&self, needle: &str) {
        let started = Instant::now();
        loop {
            let text = self.text().await;
            if text.contains(needle) {
                return;
            }
            if started.elapsed() > WAIT {
                panic!(
                    "{needle:?} never appeared on {}; the page says:\n{text}",
                    self.path().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the page's text no longer contains `needle`.
    pub async fn wait_for_no_text(&self, needle: &str) {
        let started = Instant::now();
        while self.text().await.contains(needle) {
            assert!(
                started.elapsed() < WAIT,
                "{needle:?} never went away on {}",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Lets network log entries for this response status through from now on,
    /// for a status the test causes on purpose (e.g. `"422"` when it submits a
    /// form with a mistake, which Chromium logs as a failed load).
    pub fn allow_status(&self, status: &str) {
        self.allowed_statuses.lock().expect("lock").push(status.to_string());
    }

    /// Fails the test on any console error or Content Security Policy violation
    /// logged since the last call (apart from statuses allowed with
    /// [`Browser::allow_status`]).
    pub async fn assert_clean_console(&self) {
        let allowed = self.allowed_statuses.lock().expect("lock").clone();
        let expected = |entry: &Value| {
            let message = entry["message"].as_str().unwrap_or_default();
            entry["source"] == "network"
                && allowed
                    .iter()
                    .any(|status| message.contains(&format!("status of {status} (")))
        };
        let entries = self.client.issue_cmd(BrowserLog).await.expect("read the browser log");
        let problems: Vec<String> = entries
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry: &&Value| {
                let level = entry["level"].as_str().unwrap_or_default();
                let message = entry["message"].as_str().unwrap_or_default();
                (level == "SEVERE"
                    || message.contains("Content Security Policy")
                    || message.contains("Content-Security-Policy"))
                    && !expected(entry)
            })
            .map(|entry| entry.to_string())
            .collect();
        assert!(
            problems.is_empty(),
            "console errors or CSP violations:\n{}",
            problems.join("\n")
        );
    }

    /// Whether htmx is loaded and running in the page.
    pub async fn htmx_loaded(&self) -> bool {
        let kind = self
            .client
            .execute("return typeof window.htmx", vec![])
            .await
            .expect("run script");
        kind.as_str() == Some("object")
    }

    /// Saves a screenshot (for looking at a page while developing).
    pub async fn screenshot(&self, path: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(path, png).expect("write screenshot");
    }

    /// Saves a screenshot of the whole page, beyond the visible part, as PNG.
    pub async fn full_page_screenshot(&self, path: &std::path::Path) {
        use base64::Engine;
        let command = DevTools {
            cmd: "Page.captureScreenshot",
            params: json!({ "format": "png", "captureBeyondViewport": true }),
        };
        let answer = self.client.issue_cmd(command).await.expect("full-page screenshot");
        let data = answer["data"].as_str().expect("screenshot data");
        let png = base64::engine::general_purpose::STANDARD
            .decode(data)
            .expect("screenshot base64");
        std::fs::write(path, png).expect("write screenshot");
    }

    /// Ends the browser session.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}
