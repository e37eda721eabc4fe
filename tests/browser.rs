//! The back-office in real headless Chromium driven through chromedriver, once
//! with JavaScript on and once with it off: an admin signs in, adds a user on the
//! Users page, finds the audit entry for it on the Audit page and signs out. Any
//! console error (log level SEVERE) or Content Security Policy violation that
//! Chromium logs on the way fails the test.
//!
//! Chromedriver and Chromium are found through `CHROMEDRIVER` and `CHROMIUM_BIN`,
//! else on `PATH`. Without them the tests print `skipped: …` and pass — unless
//! `CI` is set, where they fail.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use fantoccini::elements::Element;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// How long to wait for chromedriver, an element or a piece of text.
const WAIT: Duration = Duration::from_secs(10);
/// How often to look again while waiting.
const POLL: Duration = Duration::from_millis(100);

/// The user the admin adds.
const NEW_USER_NAME: &str = "Jane Smith";
const NEW_USER_EMAIL: &str = "jane.smith@acme.example";

// ---------------------------------------------------------------------------
// Finding and starting chromedriver

/// The program named by `env`, else the first of `names` found on `PATH`; the
/// error says what is missing.
fn find_binary(env: &str, names: &[&str]) -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os(env).filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        // An explicit setting that points nowhere is a mistake, not a reason to guess.
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!("{env}={} is not a file", path.display()))
        };
    }
    let dirs = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&dirs)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|path| path.is_file())
        .ok_or_else(|| format!("{} not found (set {env} or put it on PATH)", names.join("/")))
}

/// Chromedriver and Chromium, or why the test cannot run. In CI a missing
/// browser is a failure; elsewhere the test says `skipped: …` and returns `None`.
fn browser_binaries() -> Option<(PathBuf, PathBuf)> {
    let driver = find_binary("CHROMEDRIVER", &["chromedriver"]);
    let chromium = find_binary("CHROMIUM_BIN", &["chromium", "chromium-browser", "google-chrome"]);
    let problems: Vec<String> = [&driver, &chromium]
        .into_iter()
        .filter_map(|found| found.as_ref().err().cloned())
        .collect();
    if problems.is_empty() {
        return driver.ok().zip(chromium.ok());
    }
    let reason = format!("{}; install chromium and chromium-driver", problems.join(", "));
    if std::env::var("CI").is_ok_and(|ci| !ci.is_empty()) {
        panic!("browser tests must run in CI, but {reason}");
    }
    skipped(&reason);
    None
}

/// A chromedriver process. Dropping it (also while a failing test unwinds) asks
/// chromedriver to close its browsers and exit, then kills it if it has not.
struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    /// Starts chromedriver on a free port and waits until `GET /status` says ready.
    async fn start(path: &Path) -> Chromedriver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|addr| addr.port())
            .expect("find a free port for chromedriver");
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("start {}: {err}", path.display()));
        let mut driver = Chromedriver { child, port };
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!("chromedriver exited before it was ready ({status})");
            }
            if let Some(status) = driver.status().await
                && status["value"]["ready"] == json!(true)
            {
                return driver;
            }
            assert!(
                started.elapsed() < WAIT,
                "chromedriver on port {port} did not become ready within {WAIT:?}"
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// The WebDriver URL.
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `GET /status`, or `None` while it does not answer.
    async fn status(&self) -> Option<Value> {
        let response = reqwest::get(format!("{}/status", self.url())).await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        serde_json::from_str(&response.text().await.ok()?).ok()
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // `GET /shutdown` makes chromedriver quit its browsers before it exits, so
        // no Chromium is left behind even when the test panicked mid-session.
        // (Drop cannot await, hence a plain blocking request.)
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = write!(
                stream,
                "GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
                self.port
            );
            let _ = stream.read_to_end(&mut Vec::new());
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// The browser session

/// `POST /session/{id}/se/log` with `{"type": "browser"}`: the console entries
/// chromedriver collected since the last time it was asked.
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

/// Headless Chromium on the app, with its chromedriver and throwaway profile.
/// Fields drop in order: the session, then chromedriver, then the profile.
struct Browser {
    client: Client,
    base_url: String,
    _driver: Chromedriver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a Chromium session with JavaScript on or off.
    async fn launch(base_url: &str, js: bool, driver_path: &Path, chromium_path: &Path) -> Browser {
        let driver = Chromedriver::start(driver_path).await;
        let profile = tempfile::tempdir().expect("temporary Chromium profile");
        let mut prefs = json!({});
        if !js {
            prefs["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        let chrome_options = json!({
            "binary": chromium_path,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,900",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "prefs": prefs,
        });
        let mut capabilities = Capabilities::new();
        capabilities.insert("goog:chromeOptions".to_string(), chrome_options);
        capabilities.insert("goog:loggingPrefs".to_string(), json!({ "browser": "ALL" }));
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|err| panic!("start a Chromium session through chromedriver: {err}"));
        Browser {
            client,
            base_url: base_url.to_string(),
            _driver: driver,
            _profile: profile,
        }
    }

    /// Opens a path of the app.
    async fn goto(&self, path: &str) {
        let url = format!("{}{path}", self.base_url);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|err| panic!("open {url}: {err}"));
    }

    /// The current path and query.
    async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Waits up to [`WAIT`] for an element matching a CSS selector.
    async fn find(&self, css: &str) -> Element {
        let started = Instant::now();
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => return element,
                Err(_) if started.elapsed() < WAIT => tokio::time::sleep(POLL).await,
                Err(err) => panic!("no element {css} on {} within {WAIT:?}: {err}", self.path().await),
            }
        }
    }

    /// Replaces the text of an input.
    async fn fill(&self, css: &str, value: &str) {
        let input = self.find(css).await;
        input.clear().await.unwrap_or_else(|err| panic!("clear {css}: {err}"));
        input
            .send_keys(value)
            .await
            .unwrap_or_else(|err| panic!("type into {css}: {err}"));
    }

    /// Picks the option of a `<select>` with the given value.
    async fn choose(&self, css: &str, value: &str) {
        let option = format!("{css} option[value='{value}']");
        self.find(&option)
            .await
            .click()
            .await
            .unwrap_or_else(|err| panic!("choose {option}: {err}"));
    }

    /// Clicks an element.
    async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|err| panic!("click {css}: {err}"));
    }

    /// The visible text of the page (`None` while a navigation replaces it).
    async fn text(&self) -> Option<String> {
        let body = self.client.find(Locator::Css("body")).await.ok()?;
        body.text().await.ok()
    }

    /// Waits up to [`WAIT`] until the page's text contains `needle`.
    async fn wait_for_text(&self, needle: &str) {
        let started = Instant::now();
        loop {
            let text = self.text().await.unwrap_or_default();
            if text.contains(needle) {
                return;
            }
            if started.elapsed() > WAIT {
                panic!(
                    "{needle:?} did not appear on {} within {WAIT:?}; the page says:\n{text}",
                    self.path().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Runs a script in the page and returns its result.
    async fn script(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|err| panic!("run {script:?}: {err}"))
    }

    /// Fails on any console error or Content Security Policy violation logged
    /// since the last call; `step` says where in the journey it happened.
    async fn assert_clean_console(&self, step: &str) {
        let log = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .unwrap_or_else(|err| panic!("read the browser log via chromedriver: {err}"));
        let entries = log
            .as_array()
            .unwrap_or_else(|| panic!("the browser log should be a list, got {log}"));
        let problems: Vec<String> = entries
            .iter()
            .filter(|entry| {
                let message = entry["message"].as_str().unwrap_or_default();
                entry["level"] == "SEVERE"
                    || message.contains("Content Security Policy")
                    || message.contains("Content-Security-Policy")
            })
            .map(Value::to_string)
            .collect();
        assert!(
            problems.is_empty(),
            "console errors or CSP violations while {step} (now on {}):\n{}",
            self.path().await,
            problems.join("\n")
        );
    }

    /// Ends the session (Chromium closes; chromedriver stops when dropped).
    async fn close(self) {
        self.client.clone().close().await.expect("close the browser session");
    }
}

// ---------------------------------------------------------------------------
// The journey

async fn admin_adds_a_user_and_finds_it_in_the_audit_trail(js: bool) {
    let Some((driver_path, chromium_path)) = browser_binaries() else {
        return;
    };
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let browser = Browser::launch(&app.base_url, js, &driver_path, &chromium_path).await;

    // 1. Sign in.
    browser.goto("/login").await;
    browser.fill("input[name=email]", &agency.admin.email).await;
    browser.fill("input[name=password]", ADMIN_PASSWORD).await;
    browser.click("form[action='/login'] button[type=submit]").await;
    browser.wait_for_text("Welcome, Ada Admin").await;
    assert_eq!(browser.path().await, "/", "signing in leads to the home page");
    // With JavaScript on our scripts must really run; with it off, none may.
    let htmx = browser.script("return typeof window.htmx").await;
    let expected = if js { "object" } else { "undefined" };
    assert_eq!(
        htmx,
        json!(expected),
        "typeof window.htmx with JavaScript {}",
        on_off(js)
    );
    browser.assert_clean_console("signing in").await;

    // 2. Add a user on the Users page.
    browser.click("nav a[href='/users']").await;
    browser.wait_for_text("Add a user").await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users").await,
        1,
        "only the admin so far"
    );
    browser.fill("#add-user input[name=name]", NEW_USER_NAME).await;
    browser.fill("#add-user input[name=email]", NEW_USER_EMAIL).await;
    browser.choose("#add-user select[name=role]", "agent").await;
    browser.click("#add-user button[type=submit]").await;
    browser
        .wait_for_text(&format!("{NEW_USER_NAME} ({NEW_USER_EMAIL}) has been added."))
        .await;
    let password = browser
        .find("[data-testid=one-time-password]")
        .await
        .text()
        .await
        .expect("read the one-time password");
    assert!(
        password.trim().len() >= 12,
        "a one-time password is shown, got {password:?}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users").await,
        2,
        "the new user is saved"
    );
    browser.assert_clean_console("adding a user").await;

    // 3. The Audit page records it.
    browser.click("nav a[href='/audit']").await;
    let entry = format!("Ada Admin (agent) added user {NEW_USER_NAME}");
    browser.wait_for_text(&entry).await;
    // Narrowing the trail to users: with JavaScript htmx swaps the results in
    // place (the page is not reloaded, so a marker on `window` survives) and
    // pushes the filter into the URL; without it the Filter button submits.
    if js {
        browser
            .script("window.porticoTestMarker = 'still here'; return null")
            .await;
    }
    browser.choose("form.filters select[name=entity]", "user").await;
    if !js {
        browser.click("form.filters button[type=submit]").await;
    }
    let started = Instant::now();
    while !browser.path().await.contains("entity=user") {
        assert!(
            started.elapsed() < WAIT,
            "filtering the audit trail by user never reached the URL: {}",
            browser.path().await
        );
        tokio::time::sleep(POLL).await;
    }
    browser.wait_for_text(&entry).await;
    if js {
        let marker = browser.script("return window.porticoTestMarker ?? null").await;
        assert_eq!(marker, json!("still here"), "htmx filtered without reloading the page");
    }
    browser.assert_clean_console("viewing the audit trail").await;

    // 4. Sign out.
    browser.click("form[action='/logout'] button").await;
    browser.wait_for_text("You have signed out.").await;
    assert_eq!(browser.path().await, "/login", "signing out leads to the sign-in page");
    // The session really ended: the Users page now asks to sign in.
    browser.goto("/users").await;
    browser.find("form[action='/login'] input[name=password]").await;
    let path = browser.path().await;
    assert!(
        path.starts_with("/login"),
        "signed out, /users leads to sign-in, not {path}"
    );
    browser.assert_clean_console("signing out").await;

    browser.close().await;
}

fn on_off(js: bool) -> &'static str {
    if js { "on" } else { "off" }
}

#[tokio::test]
async fn admin_adds_a_user_and_finds_it_in_the_audit_trail_with_javascript() {
    admin_adds_a_user_and_finds_it_in_the_audit_trail(true).await;
}

#[tokio::test]
async fn admin_adds_a_user_and_finds_it_in_the_audit_trail_without_javascript() {
    admin_adds_a_user_and_finds_it_in_the_audit_trail(false).await;
}
