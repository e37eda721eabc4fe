//! Static assets under content-hashed URLs, cached for a year, served brotli or
//! gzip compressed when the browser accepts it (compressed at build time).

use poem::http::{StatusCode, header};
use poem::web::Path;
use poem::{Request, Response, handler};

use crate::error::AppError;

/// One static file and its precompressed forms.
#[derive(Debug)]
pub struct Asset {
    /// The file name in `assets/`.
    pub name: &'static str,
    /// The name with a content hash, as served.
    pub hashed_name: &'static str,
    /// `Content-Type` header.
    pub content_type: &'static str,
    /// Uncompressed bytes.
    pub raw: &'static [u8],
    /// gzip bytes.
    pub gzip: &'static [u8],
    /// brotli bytes.
    pub brotli: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The URL of an asset by its file name in `assets/`. Panics at first use if the
/// file does not exist, which every page test would catch.
pub fn url(name: &str) -> String {
    match ASSETS.iter().find(|asset| asset.name == name) {
        Some(asset) => format!("{}{}", super::paths::ASSETS_PREFIX, asset.hashed_name),
        None => panic!("asset {name} is not in assets/"),
    }
}

/// Whether the client's `Accept-Encoding` lists `coding`.
pub fn accepts_encoding(req: &Request, coding: &str) -> bool {
    req.header(header::ACCEPT_ENCODING)
        .unwrap_or_default()
        .split(',')
        .any(|part| part.trim().split(';').next() == Some(coding))
}

/// Serves an asset by its hashed name.
#[handler]
pub fn serve(Path(name): Path<String>, req: &Request) -> Result<Response, AppError> {
    let asset = ASSETS
        .iter()
        .find(|asset| asset.hashed_name == name)
        .ok_or(AppError::NotFound)?;
    let (body, encoding) = if accepts_encoding(req, "br") {
        (asset.brotli, Some("br"))
    } else if accepts_encoding(req, "gzip") {
        (asset.gzip, Some("gzip"))
    } else {
        (asset.raw, None)
    };
    let mut response = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, asset.content_type)
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .header(header::VARY, "Accept-Encoding");
    if let Some(encoding) = encoding {
        response = response.header(header::CONTENT_ENCODING, encoding);
    }
    Ok(response.body(body))
}

/// `/favicon.ico`, which browsers ask for on their own: the SVG icon.
#[handler]
pub fn favicon() -> Result<Response, AppError> {
    let asset = ASSETS
        .iter()
        .find(|asset| asset.name == "favicon.svg")
        .ok_or(AppError::NotFound)?;
    Ok(Response::builder()
        .header(header::CONTENT_TYPE, asset.content_type)
        .header(header::CACHE_CONTROL, "public, max-age=86400")
        .body(asset.raw))
}
