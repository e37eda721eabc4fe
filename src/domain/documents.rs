//! Documents: categories, who may see them, and what a file really is (checked
//! from its first bytes, never from its name or declared type).

use super::choice::Choice;
use super::validation::{FieldErrors, required_text};

/// Who may see a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Visibility {
    /// Agents only.
    #[default]
    Internal,
    /// Agents and the tenants of the property.
    Tenant,
    /// Agents and the landlord.
    Landlord,
    /// Everyone with portal access to the property.
    All,
}

impl Choice for Visibility {
    const ALL: &'static [Self] = &[
        Visibility::Internal,
        Visibility::Tenant,
        Visibility::Landlord,
        Visibility::All,
    ];
    const CHOOSE: &'static str = "Choose who can see the document";
    fn as_str(self) -> &'static str {
        match self {
            Visibility::Internal => "internal",
            Visibility::Tenant => "tenant",
            Visibility::Landlord => "landlord",
            Visibility::All => "all",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Visibility::Internal => "Agents only",
            Visibility::Tenant => "Tenants",
            Visibility::Landlord => "Landlord",
            Visibility::All => "Landlord and tenants",
        }
    }
}

impl Visibility {
    /// Whether the landlord's portal may list and serve it.
    pub fn landlord_can_see(self) -> bool {
        matches!(self, Visibility::Landlord | Visibility::All)
    }

    /// Whether a tenant's portal may list and serve it.
    pub fn tenant_can_see(self) -> bool {
        matches!(self, Visibility::Tenant | Visibility::All)
    }
}

/// What kind of document it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Category {
    /// Tenancy agreement.
    Agreement,
    /// Inventory or check-in/out report.
    Inventory,
    /// Certificate or report.
    Certificate,
    /// Photograph.
    Photo,
    /// Letter, notice or email.
    Correspondence,
    /// Anything else.
    #[default]
    Other,
}

impl Choice for Category {
    const ALL: &'static [Self] = &[
        Category::Agreement,
        Category::Inventory,
        Category::Certificate,
        Category::Photo,
        Category::Correspondence,
        Category::Other,
    ];
    const CHOOSE: &'static str = "Choose a category";
    fn as_str(self) -> &'static str {
        match self {
            Category::Agreement => "agreement",
            Category::Inventory => "inventory",
            Category::Certificate => "certificate",
            Category::Photo => "photo",
            Category::Correspondence => "correspondence",
            Category::Other => "other",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Category::Agreement => "Tenancy agreement",
            Category::Inventory => "Inventory",
            Category::Certificate => "Certificate or report",
            Category::Photo => "Photo",
            Category::Correspondence => "Correspondence",
            Category::Other => "Other",
        }
    }
}

/// The file types accepted, recognised by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// PDF.
    Pdf,
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// WebP image.
    Webp,
    /// Word (.docx).
    Word,
    /// Word 97–2003 (.doc), an OLE compound file.
    LegacyWord,
    /// Excel (.xlsx).
    Excel,
    /// Excel 97–2003 (.xls), an OLE compound file.
    LegacyExcel,
}

impl FileKind {
    /// The `Content-Type` it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Webp => "image/webp",
            FileKind::Word => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileKind::LegacyWord => "application/msword",
            FileKind::Excel => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::LegacyExcel => "application/vnd.ms-excel",
        }
    }

    /// The file name extensions that may carry it.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Jpeg => &["jpg", "jpeg"],
            FileKind::Png => &["png"],
            FileKind::Webp => &["webp"],
            FileKind::Word => &["docx"],
            FileKind::LegacyWord => &["doc"],
            FileKind::Excel => &["xlsx"],
            FileKind::LegacyExcel => &["xls"],
        }
    }
}

/// Bytes of the start of a file that [`sniff`] needs.
pub const SNIFF_BYTES: usize = 4096;

/// What the first bytes of a file say it is, checked against its name's
/// extension: a PNG named `.pdf` is refused as a type that lies.
pub fn sniff(head: &[u8], file_name: &str) -> Result<FileKind, String> {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let zip = head.starts_with(b"PK\x03\x04");
    let ole = head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let contains = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    let kind = if head.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(FileKind::Png)
    } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some(FileKind::Webp)
    } else if zip && contains(b"word/") {
        Some(FileKind::Word)
    } else if zip && contains(b"xl/") {
        Some(FileKind::Excel)
    } else if ole && extension == "doc" {
        Some(FileKind::LegacyWord)
    } else if ole && extension == "xls" {
        Some(FileKind::LegacyExcel)
    } else {
        None
    };
    let Some(kind) = kind else {
        return Err(
            "That type of file is not accepted. Upload a PDF, a JPEG, PNG or WebP image, or a Word or Excel file."
                .into(),
        );
    };
    if !kind.extensions().contains(&extension.as_str()) {
        return Err(format!(
            "The file's content does not match its name: it is {} but is named .{extension}. Check you chose the right file.",
            kind.content_type()
        ));
    }
    Ok(kind)
}

/// Checks the name a browser sent for an upload: no folders, no control or
/// text-direction characters (`report\u{202e}fdp.exe.pdf` would show in a list
/// as `reportfdp.exe.pdf` read backwards), not empty. Returns the name to
/// show and to download as.
pub fn check_file_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("Choose a file to upload".into());
    }
    if name.contains('/') || name.contains('\\') || name == "." || name == ".." || name.starts_with("..") {
        return Err("The file name must not contain folders; rename the file and try again.".into());
    }
    if name.chars().any(crate::domain::validation::is_hidden_control) || name.chars().count() > 200 {
        return Err("Rename the file: its name is too long or contains unusual characters.".into());
    }
    Ok(name.to_string())
}

/// A name safe in a `Content-Disposition` header: letters, digits, `.-_ ` kept,
/// everything else replaced.
pub fn download_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches(|c| c == '.' || c == ' ').to_string();
    if cleaned.is_empty() { "document".into() } else { cleaned }
}

/// The document form's fields other than the file.
#[derive(Debug, Clone, Default)]
pub struct DocumentForm {
    pub title: String,
    pub category: String,
    pub visibility: String,
    pub tenancy_id: String,
    pub certificate_id: String,
}

/// Checked document details.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentFields {
    pub title: String,
    pub category: Category,
    pub visibility: Visibility,
    pub tenancy_id: Option<uuid::Uuid>,
    pub certificate_id: Option<uuid::Uuid>,
}

impl DocumentForm {
    /// Checks the details (the file is checked as it streams in).
    pub fn parse(&self) -> Result<DocumentFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let optional_id = |value: &str| -> Result<Option<uuid::Uuid>, String> {
            match value.trim() {
                "" => Ok(None),
                id => uuid::Uuid::parse_str(id)
                    .map(Some)
                    .map_err(|_| "Choose from the list".to_string()),
            }
        };
        let fields = DocumentFields {
            title: e.take("title", required_text("a title", &self.title, 200)),
            category: e.take("category", Category::parse_or(&self.category, Category::default())),
            visibility: e.take("visibility", Visibility::parse(self.visibility.trim())),
            tenancy_id: e.take("tenancy_id", optional_id(&self.tenancy_id)),
            certificate_id: e.take("certificate_id", optional_id(&self.certificate_id)),
        };
        if e.is_empty() { Ok(fields) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_content_and_must_match_their_name() {
        assert_eq!(sniff(b"%PDF-1.7\n...", "lease.PDF"), Ok(FileKind::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "photo.jpeg"), Ok(FileKind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....", "plan.png"), Ok(FileKind::Png));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 ", "room.webp"), Ok(FileKind::Webp));
        assert_eq!(
            sniff(b"PK\x03\x04....[Content_Types].xml word/document.xml", "letter.docx"),
            Ok(FileKind::Word)
        );
        assert_eq!(
            sniff(b"PK\x03\x04....xl/workbook.xml", "rent.xlsx"),
            Ok(FileKind::Excel)
        );
        assert!(
            sniff(b"\x89PNG\r\n\x1a\n....", "lease.pdf")
                .unwrap_err()
                .contains("does not match its name")
        );
        assert!(
            sniff(b"#!/bin/sh\nrm -rf /", "script.pdf")
                .unwrap_err()
                .contains("not accepted")
        );
        assert!(sniff(b"PK\x03\x04 plain zip", "archive.zip").is_err());
    }

    #[test]
    fn legacy_office_files_are_served_as_what_they_are() {
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert_eq!(sniff(&ole, "inventory.DOC"), Ok(FileKind::LegacyWord));
        assert_eq!(FileKind::LegacyWord.content_type(), "application/msword");
        assert_eq!(sniff(&ole, "rent.xls"), Ok(FileKind::LegacyExcel));
        assert_eq!(FileKind::LegacyExcel.content_type(), "application/vnd.ms-excel");
        assert!(sniff(&ole, "rent.xlsx").is_err(), "an OLE file is not an .xlsx");
        assert!(sniff(b"PK\x03\x04 word/document.xml", "letter.doc").is_err());
    }

    #[test]
    fn names_with_text_direction_overrides_are_refused() {
        assert!(check_file_name("report\u{202e}fdp.exe.pdf").is_err());
        assert!(check_file_name("report\u{2067}.pdf").is_err());
        assert!(check_file_name("Zoë's lease.pdf").is_ok());
    }

    #[test]
    fn names_with_folders_are_refused_and_downloads_are_sanitised() {
        assert!(check_file_name("../../etc/passwd").is_err());
        assert!(check_file_name("C:\\\\Users\\\\x.pdf").is_err());
        assert!(check_file_name("").is_err());
        assert_eq!(check_file_name(" lease.pdf ").as_deref(), Ok("lease.pdf"));
        assert_eq!(download_name("Gas \"safety\"; 2026.pdf"), "Gas _safety__ 2026.pdf");
        assert_eq!(download_name("..."), "document");
    }

    #[test]
    fn visibility_decides_who_sees_what() {
        assert!(Visibility::Landlord.landlord_can_see() && Visibility::All.landlord_can_see());
        assert!(!Visibility::Tenant.landlord_can_see() && !Visibility::Internal.landlord_can_see());
        assert!(Visibility::Tenant.tenant_can_see() && !Visibility::Landlord.tenant_can_see());
    }
}

crate::stored_as_text!(Visibility, |value| {
    <Visibility as crate::domain::choice::Choice>::parse(value).ok()
});
