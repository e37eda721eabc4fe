//! Reading a form with files (multipart) into memory with limits, for the
//! forms that send a few bounded files beside their fields (a contractor's
//! completion report, a certificate): every text field and every file read,
//! none larger than its limit. Not a door itself, so any door may use it.

use poem::web::Multipart;
use tokio::io::AsyncReadExt;

use crate::domain::documents::{FileKind, SNIFF_BYTES, check_file_name, sniff};
use crate::error::AppError;

/// Longest text field read.
const MAX_FIELD_BYTES: u64 = 64 * 1024;
/// Most bytes one form's files and fields may hold together (the form is
/// read into memory).
pub const MAX_FORM_FILES_BYTES: u64 = 48 * 1024 * 1024;
/// Most text fields read from one form.
const MAX_FIELDS: usize = 100;

/// A file as sent.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The form field it came in.
    pub field: String,
    /// The name the browser gave it.
    pub file_name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A multipart form read into memory.
#[derive(Debug, Default)]
pub struct ReadForm {
    /// Text fields in order.
    pub fields: Vec<(String, String)>,
    /// Files (empty file inputs left out).
    pub files: Vec<Upload>,
}

impl ReadForm {
    /// The files of one field.
    pub fn files_of<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a Upload> + 'a {
        self.files.iter().filter(move |f| f.field == field)
    }
}

/// Reads the form; a file over `max_file_bytes`, more than `max_files` files
/// or files over [`MAX_FORM_FILES_BYTES`] together is the refusal message (as
/// `Ok(Err(..))`), a broken body a bad request.
pub async fn read(
    multipart: poem::Result<Multipart>,
    max_file_bytes: u64,
    max_files: usize,
) -> Result<Result<ReadForm, String>, AppError> {
    let mut multipart = multipart.map_err(|err| AppError::BadRequest(err.to_string()))?;
    let mut form = ReadForm::default();
    let mut total: u64 = 0;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|err| AppError::BadRequest(err.to_string()))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        if file_name.is_none() && form.fields.len() == MAX_FIELDS {
            return Ok(Err("The form has too many fields.".to_string()));
        }
        let room = MAX_FORM_FILES_BYTES - total;
        let limit = if file_name.is_some() {
            max_file_bytes.min(room)
        } else {
            MAX_FIELD_BYTES.min(room)
        };
        let mut bytes = Vec::new();
        field
            .into_async_read()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .await
            .map_err(|err| AppError::BadRequest(err.to_string()))?;
        if bytes.len() as u64 > limit {
            return Ok(Err(match file_name {
                Some(_) if limit < max_file_bytes => format!(
                    "The files together are larger than {} MB. Send fewer or smaller ones.",
                    MAX_FORM_FILES_BYTES / (1024 * 1024)
                ),
                Some(_) => format!(
                    "A file is larger than {} MB. Choose a smaller one.",
                    max_file_bytes / (1024 * 1024)
                ),
                None => "A field is too long.".to_string(),
            }));
        }
        match file_name {
            Some(file_name) if bytes.is_empty() && file_name.is_empty() => {}
            Some(file_name) => {
                if form.files.len() == max_files {
                    return Ok(Err(format!("Send up to {max_files} files at a time.")));
                }
                total += bytes.len() as u64;
                form.files.push(Upload {
                    field: name,
                    file_name,
                    bytes,
                });
            }
            None => {
                total += bytes.len() as u64;
                form.fields.push((name, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    Ok(Ok(form))
}

/// Checks that an upload is a PDF, by its content and its name; returns the
/// name to keep.
pub fn pdf(upload: &Upload) -> Result<String, String> {
    let name = check_file_name(&upload.file_name)?;
    let head = &upload.bytes[..upload.bytes.len().min(SNIFF_BYTES)];
    match sniff(head, &name) {
        Ok(FileKind::Pdf) => Ok(name),
        Ok(_) => Err("Send it as a PDF.".into()),
        Err(message) => Err(message),
    }
}
