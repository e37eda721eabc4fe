//! The security headers' one source: the Content-Security-Policy every
//! response carries (a portal may widen `img-src` for its agency's logo).

/// The Content-Security-Policy of every response: nothing inline, nothing from elsewhere.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
