//! Lists as CSV downloads (what an agency's accountant or landlord asks for):
//! streamed a page of rows at a time through the list's own keyset pages, so
//! twenty thousand rows never sit in memory, with cells that a spreadsheet
//! could read as a formula defused.

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use poem::http::header;
use poem::{Body, Response};

use crate::store::{PageAt, Paged};

/// Rows read from the database per chunk of the download.
pub const ROWS_PER_CHUNK: u32 = 500;

/// A cell as written: text a spreadsheet would run as a formula (starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`.
pub fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// One CSV record's bytes.
fn record(cells: &[String]) -> std::io::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(cells.iter().map(|cell| defuse(cell)))?;
    writer
        .into_inner()
        .map_err(|err| std::io::Error::other(err.to_string()))
}

/// A CSV download named `file_name`: the `header` row, then every row the
/// list's pages give, `fetch` reading one page at a time and `cells` turning
/// a row into its cells.
pub fn download<T, F, Fut>(file_name: &str, header_row: &[&str], fetch: F, cells: fn(&T) -> Vec<String>) -> Response
where
    T: Send + 'static,
    F: Fn(PageAt, u32) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Paged<T>, sqlx::Error>> + Send + 'static,
{
    let fetch = Arc::new(fetch);
    let header_cells: Vec<String> = header_row.iter().map(|h| h.to_string()).collect();
    let first = futures_util::stream::once(async move { record(&header_cells).map(Bytes::from) });
    let rows = futures_util::stream::unfold(Some(PageAt::First), move |state| {
        let fetch = Arc::clone(&fetch);
        async move {
            let at = state?;
            match fetch(at, ROWS_PER_CHUNK).await {
                Ok(page) => {
                    let mut chunk = Vec::new();
                    for row in &page.rows {
                        match record(&cells(row)) {
                            Ok(bytes) => chunk.extend(bytes),
                            Err(err) => return Some((Err(err), None)),
                        }
                    }
                    Some((Ok(Bytes::from(chunk)), page.next.map(PageAt::After)))
                }
                Err(err) => {
                    // The 200 and the first rows are sent: the download ends
                    // short, and the log says why.
                    tracing::error!(error = %err, "CSV download stopped");
                    Some((Err(std::io::Error::other(err.to_string())), None))
                }
            }
        }
    });
    use futures_util::StreamExt;
    Response::builder()
        .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        )
        .header(header::CACHE_CONTROL, "private, no-store")
        .body(Body::from_bytes_stream(first.chain(rows)))
}
