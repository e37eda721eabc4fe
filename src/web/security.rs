//! The security headers' one source: the Content-Security-Policy every
//! response carries (a portal may widen `img-src` for its agency's logo) and
//! the headers the middleware sets on every response.

use poem::Response;
use poem::http::{HeaderValue, header};

use super::Settings;

/// The Content-Security-Policy of every response: nothing inline, nothing from elsewhere.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Sets the security headers of every response: the CSP (unless the page
/// set a wider one of its own for an agency logo), no sniffing, no framing,
/// the referrer policy and no caching; a private door's pages (`private`)
/// also send no referrer and ask not to be indexed; HSTS over https.
pub fn headers(response: &mut Response, settings: &Settings, private: bool) {
    let headers = response.headers_mut();
    // A portal page may widen img-src for the agency's own logo; nothing else may.
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    if private {
        // A link is a bearer secret: never send it on as a referrer, never cache or index it.
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert("X-Robots-Tag", HeaderValue::from_static("noindex, nofollow"));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    if settings.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
}
