//! Every page of the demo, walked in real headless Chromium on a 360 px phone
//! and a 1280 px desktop, with JavaScript on and off (issue 14, "a layout that
//! holds on every screen"):
//!
//! - nothing is wider than the screen (`scrollWidth` of the page against the
//!   window's width; the widest element is named in the failure);
//! - axe-core (the npm package in `tests/axe`, injected by the test, never
//!   served by the app) finds no violation of serious or critical impact;
//! - with `PORTICO_SCREENSHOTS=<dir>` set, a full-page screenshot of each
//!   page is saved there (`scripts/screenshots` does that for every size).
//!
//! The walk signs in to the back-office as the demo admin, opens the demo
//! landlord's portal link, the demo tenant's invite link and the demo contractor's link, and follows every
//! same-site link it finds (`GET` only: no form is submitted apart from the
//! sign-ins). Pages that differ only by the ids in their path or the values in
//! their query are one kind of page, visited once.

mod common;

use std::collections::{BTreeSet, VecDeque};
use std::path::PathBuf;

use common::browser::{Browser, launch_sized};
use common::*;

/// At most this many kinds of page per door, so a runaway link pattern ends.
const MAX_PAGES_PER_DOOR: usize = 120;

/// Links the walk does not follow: downloads, sign-out, and other sites.
fn followable(path: &str) -> bool {
    let bare = path.split(['?', '#']).next().unwrap_or_default();
    !(bare.ends_with(".csv")
        || bare.ends_with("/download")
        || bare.contains("/files/")
        || bare.starts_with("/assets/")
        || bare == "/logout"
        || bare.ends_with("/logout")
        || bare == "/robots.txt"
        || bare == "/healthz"
        || bare == "/readyz")
}

/// The kind of page a path is: ids and secret tokens in the path become `{}`,
/// query values are dropped (the keys stay, sorted).
fn kind_of(path: &str) -> String {
    let (bare, query) = path.split_once('?').unwrap_or((path, ""));
    let bare = bare.split('#').next().unwrap_or_default();
    let segments: Vec<&str> = bare
        .split('/')
        .map(|segment| {
            let looks_generated = segment.len() >= 16
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            let is_number = !segment.is_empty() && segment.chars().all(|c| c.is_ascii_digit());
            if looks_generated || is_number { "{}" } else { segment }
        })
        .collect();
    let mut keys: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split('=').next().unwrap_or_default())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    format!("{}?{}", segments.join("/"), keys.join("&"))
}

/// The axe-core script, installed from `tests/axe/package-lock.json` on first
/// use; `None` (after `skipped: …`) when npm is missing outside CI.
fn axe_source() -> Option<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/axe");
    let script = dir.join("node_modules/axe-core/axe.min.js");
    if !script.is_file() {
        let installed = std::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&dir)
            .status()
            .is_ok_and(|status| status.success());
        if !installed {
            let reason = "axe-core not installed and `npm ci` in tests/axe failed; install Node.js and npm";
            assert!(
                std::env::var("CI").map_or(true, |v| v.is_empty()),
                "required in CI: {reason}"
            );
            skipped(reason);
            return None;
        }
    }
    Some(std::fs::read_to_string(&script).expect("read axe.min.js"))
}

/// Every same-site link on the current page, as path and query.
async fn links_on(browser: &Browser) -> Vec<String> {
    let found = browser
        .client
        .execute(
            "return Array.from(document.querySelectorAll('a[href]'))
                .map(a => new URL(a.getAttribute('href'), location.href))
                .filter(u => u.origin === location.origin)
                .map(u => u.pathname + u.search);",
            vec![],
        )
        .await
        .expect("read links");
    found
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// What is wrong with the page now open: overflow and axe violations.
async fn problems_here(browser: &Browser, axe: Option<&str>) -> Vec<String> {
    let mut problems = Vec::new();
    let measured = browser
        .client
        .execute(
            "const width = document.documentElement.clientWidth;
             const wide = [];
             const clipped = (node) => {
               for (let p = node.parentElement; p && p !== document.body; p = p.parentElement) {
                 const o = getComputedStyle(p).overflowX;
                 if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
               }
               return false;
             };
             const name = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
             const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
             for (let node = walker.nextNode(); node && wide.length < 5; node = walker.nextNode()) {
               let box;
               if (node.nodeType === Node.TEXT_NODE) {
                 if (!node.textContent.trim()) continue;
                 const range = document.createRange();
                 range.selectNodeContents(node);
                 box = range.getBoundingClientRect();
               } else {
                 if (getComputedStyle(node).position === 'fixed') continue;
                 box = node.getBoundingClientRect();
               }
               if (box.width > 0 && box.right > width + 1 && !clipped(node)) {
                 const el = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
                 wide.push(name(el) + ' reaches ' + Math.round(box.right) + ' px: ' + (node.textContent || '').trim().slice(0, 60));
               }
             }
             return { scroll: document.documentElement.scrollWidth, width, wide };",
            vec![],
        )
        .await
        .expect("measure the page");
    let scroll = measured["scroll"].as_i64().unwrap_or_default();
    let width = measured["width"].as_i64().unwrap_or_default();
    if scroll > width {
        problems.push(format!(
            "{scroll} px wide on a {width} px screen; wider than the screen: {}",
            measured["wide"]
        ));
    }
    if let Some(axe) = axe {
        let injected = browser
            .client
            .execute(&format!("{axe}\nreturn typeof window.axe;"), vec![])
            .await
            .expect("inject axe-core");
        assert_eq!(injected.as_str(), Some("object"), "axe-core did not load");
        let results = browser
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 window.axe.run(document, { resultTypes: ['violations'] })
                   .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.html.slice(0, 160)) }))))
                   .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));",
                vec![],
            )
            .await
            .expect("run axe-core");
        for violation in results.as_array().into_iter().flatten() {
            problems.push(format!("axe {}", violation));
        }
    }
    problems
}

/// Where screenshots go, if anywhere.
fn screenshot_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PORTICO_SCREENSHOTS").map(PathBuf::from)?;
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    Some(dir)
}

/// A file name for a kind of page.
fn slug(kind: &str) -> String {
    let mut slug: String = kind
        .replace("{}", "id")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while slug.contains("--") {
        slug = slug.replace("--", "-");
    }
    let slug = slug.trim_matches('-');
    if slug.is_empty() { "home".into() } else { slug.into() }
}

/// One walk of a door: from `start`, every kind of page whose path begins with
/// `within`, breadth first.
struct Walk<'a> {
    browser: &'a Browser,
    axe: Option<&'a str>,
    label: String,
    seen: BTreeSet<String>,
    visited: Vec<String>,
    problems: Vec<String>,
}

impl Walk<'_> {
    async fn door(&mut self, start: &str, within: &str) {
        let mut queue = VecDeque::from([start.to_string()]);
        let mut pages = 0;
        while let Some(path) = queue.pop_front() {
            if !self.seen.insert(kind_of(&path)) {
                continue;
            }
            pages += 1;
            assert!(
                pages <= MAX_PAGES_PER_DOOR,
                "more than {MAX_PAGES_PER_DOOR} kinds of page under {within}: {:?}",
                self.seen
            );
            self.check(&path).await;
            for link in links_on(self.browser).await {
                if link.starts_with(within) && followable(&link) && !self.seen.contains(&kind_of(&link)) {
                    queue.push_back(link);
                }
            }
        }
    }

    /// Opens one page and records what is wrong with it.
    async fn check(&mut self, path: &str) {
        let started = std::time::Instant::now();
        self.browser.goto(path).await;
        eprintln!("{} {path} opened in {:?}", self.label, started.elapsed());
        self.look_here(path).await;
    }

    /// Records what is wrong with the page already open.
    async fn look_here(&mut self, path: &str) {
        self.visited.push(path.to_string());
        for problem in problems_here(self.browser, self.axe).await {
            self.problems.push(format!("{} {path}: {problem}", self.label));
        }
        if let Some(dir) = screenshot_dir() {
            let file = dir.join(format!("{}-{}.png", self.label, slug(&kind_of(path))));
            self.browser.full_page_screenshot(&file).await;
        }
    }
}

async fn every_page(width: u32, js: bool) {
    let app = TestApp::spawn().await;
    let login = portico::demo::ensure(&app.db, app.state.files.as_ref())
        .await
        .expect("demo data");
    let portal = portico::demo::portal_token(&app.db)
        .await
        .expect("demo portal")
        .expect("demo portal link");
    let portal_link = portico::web::links::link_url(&app.state, &portal);
    let portal_link = portal_link.trim_start_matches(&app.base_url).to_string();
    let invite_link = portico::demo::tenant_invite_link(&app.db, &app.state.settings)
        .await
        .expect("demo invite")
        .expect("demo invite link");
    let invite_link = invite_link.trim_start_matches(&app.base_url).to_string();
    let contractor_link = portico::demo::contractor_link(&app.db, &app.state.settings)
        .await
        .expect("demo contractor link")
        .expect("a demo job awaiting a quote");
    let contractor_link = contractor_link.trim_start_matches(&app.base_url).to_string();
    let height = if width < 500 { 780 } else { 900 };
    let Some(browser) = launch_sized(&app.base_url, js, (width, height)).await else {
        return;
    };
    let timeouts = fantoccini::wd::TimeoutConfiguration::new(
        Some(std::time::Duration::from_secs(60)),
        Some(std::time::Duration::from_secs(30)),
        None,
    );
    browser.client.update_timeouts(timeouts).await.expect("set timeouts");
    let axe = if js { axe_source() } else { None };
    let mut walk = Walk {
        browser: &browser,
        axe: axe.as_deref(),
        label: format!("{width}{}", if js { "" } else { "-nojs" }),
        seen: BTreeSet::new(),
        visited: Vec::new(),
        problems: Vec::new(),
    };

    // Signed out: the sign-in pages and a page that is not there.
    walk.check(portico::web::paths::LOGIN).await;
    walk.check("/no-such-page").await;
    walk.check(portico::web::paths::TENANT_LOGIN).await;
    walk.check(&format!("{portal_link}/no-such-tab")).await;

    // The back-office, as the demo admin.
    browser.sign_in(&login.email, &login.password).await;
    walk.door("/", "/").await;

    // The landlord portal.
    walk.door(&portal_link, &portal_link).await;

    // The tenant portal: the invite page, then the portal once in.
    walk.check(&invite_link).await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("Welcome").await;
    let home = browser.path().await;
    walk.seen.remove(&kind_of(&home));
    walk.door(&home, portico::web::paths::TENANT_PORTAL).await;

    // ContractorPort: the link's page, then the job once in.
    walk.check(&contractor_link).await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("The agency would like your quotation.").await;
    let job = browser.path().await;
    walk.seen.remove(&kind_of(&job));
    walk.door(&job, portico::web::paths::CONTRACTOR_JOBS_PREFIX).await;

    let visited = walk.visited.len();
    assert!(visited >= 30, "the walk found only {visited} pages: {:?}", walk.visited);
    let problems = std::mem::take(&mut walk.problems);
    eprintln!("{}: {visited} kinds of page walked", walk.label);
    browser.close().await;
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test]
async fn every_demo_page_fits_a_360_px_phone_and_passes_axe() {
    every_page(360, true).await;
}

#[tokio::test]
async fn every_demo_page_fits_a_1280_px_desktop_and_passes_axe() {
    every_page(1280, true).await;
}

#[tokio::test]
async fn every_demo_page_fits_a_360_px_phone_without_javascript() {
    every_page(360, false).await;
}
