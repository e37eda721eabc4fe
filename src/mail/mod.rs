//! Email: the [`Mailer`] with its three transports, the branded templates, and
//! the outbox worker that delivers what the outbox holds.

pub mod outbox;
pub mod templates;

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use lettre::message::{Mailbox, MultiPart, header};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::store::outbox::OutboxEmail;

/// The sender used when `PORTICO_MAIL_FROM` is not set.
pub const DEFAULT_FROM: &str = "Portico <portico@localhost>";

/// Where email goes.
#[derive(Clone)]
pub enum Mailer {
    /// A real mail server (`PORTICO_SMTP_URL`).
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in a folder (the default, so the demo needs no mail server).
    File(AsyncFileTransport<Tokio1Executor>, std::path::PathBuf),
    /// Kept in memory, for tests.
    Memory(MemoryMailbox),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp(_) => f.write_str("Mailer::Smtp"),
            Mailer::File(_, dir) => write!(f, "Mailer::File({})", dir.display()),
            Mailer::Memory(_) => f.write_str("Mailer::Memory"),
        }
    }
}

/// An email as delivered by the in-memory transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveredEmail {
    /// The recipient.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
    /// The outbox row it came from.
    pub outbox_id: uuid::Uuid,
}

/// The in-memory transport's mailbox (shared by clones).
#[derive(Debug, Clone, Default)]
pub struct MemoryMailbox(Arc<Mutex<Vec<DeliveredEmail>>>);

impl MemoryMailbox {
    /// Everything delivered so far.
    pub fn delivered(&self) -> Vec<DeliveredEmail> {
        self.0.lock().map(|list| list.clone()).unwrap_or_default()
    }
}

/// Why a delivery failed.
#[derive(Debug)]
pub struct SendError {
    /// The server refused for good (a 5xx reply): retrying will not help.
    pub permanent: bool,
    /// What went wrong, for the outbox row.
    pub message: String,
}

/// Turns `PORTICO_SMTP_URL` into lettre's form: `smtp://` means STARTTLS
/// required unless the URL says `?tls=none` (or another `tls=` mode);
/// `smtps://` is implicit TLS.
pub fn lettre_smtp_url(url: &str) -> String {
    if !url.starts_with("smtp://") {
        return url.to_string();
    }
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    match pairs.iter().position(|(key, _)| key == "tls") {
        Some(i) if pairs[i].1 == "none" => {
            pairs.remove(i);
        }
        Some(_) => {}
        None => pairs.push(("tls".into(), "required".into())),
    }
    if pairs.is_empty() {
        return base.to_string();
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{base}?{query}")
}

impl Mailer {
    /// SMTP when a URL is given, otherwise `.eml` files in `DATA_DIR/mail`.
    pub fn from_config(smtp_url: Option<&str>, data_dir: &Path) -> anyhow::Result<Mailer> {
        match smtp_url.filter(|url| !url.trim().is_empty()) {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&lettre_smtp_url(url.trim()))
                    .context("PORTICO_SMTP_URL is not a valid smtp:// or smtps:// URL")?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build();
                Ok(Mailer::Smtp(transport))
            }
            None => {
                let dir = data_dir.join("mail");
                std::fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
                Ok(Mailer::File(AsyncFileTransport::<Tokio1Executor>::new(&dir), dir))
            }
        }
    }

    /// A mailer that keeps what it sends in memory.
    pub fn memory() -> (Mailer, MemoryMailbox) {
        let mailbox = MemoryMailbox::default();
        (Mailer::Memory(mailbox.clone()), mailbox)
    }

    /// Delivers one outbox email, HTML with a plain-text alternative. Its
    /// Message-ID comes from the outbox row, so a receiver can tell a retry
    /// after a lost acknowledgement from a new email.
    pub async fn send(&self, from: &Mailbox, email: &OutboxEmail) -> Result<(), SendError> {
        let invalid = |message: String| SendError {
            permanent: true,
            message,
        };
        let message = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build_message(from, email)))
            .unwrap_or_else(|_| Err("the email library failed while building it".to_string()))
            .map_err(|reason| invalid(format!("could not build the email: {reason}")))?;
        if let Mailer::Memory(mailbox) = self {
            if let Ok(mut list) = mailbox.0.lock() {
                list.push(DeliveredEmail {
                    to: email.to_address.clone(),
                    subject: email.subject.clone(),
                    text: email.body_text.clone(),
                    html: email.body_html.clone(),
                    outbox_id: email.id,
                });
            }
            return Ok(());
        }
        match self {
            Mailer::Smtp(transport) => transport.send(message).await.map(|_| ()).map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            }),
            Mailer::File(transport, _) => transport.send(message).await.map(|_| ()).map_err(|e| SendError {
                permanent: false,
                message: e.to_string(),
            }),
            Mailer::Memory(_) => Ok(()),
        }
    }
}

/// Refuses a header value that holds a control character: a line break in a
/// sender's name or a subject would start a header of its own (an added `Bcc`),
/// and lettre panics on some of them rather than returning an error.
fn header_safe<'a>(what: &str, value: &'a str) -> Result<&'a str, String> {
    match value.chars().find(|c| c.is_control()) {
        Some(c) => Err(format!(
            "the {what} contains a control character (U+{:04X})",
            u32::from(c)
        )),
        None => Ok(value),
    }
}

/// The email as lettre sends it, or why it cannot be built (a reason the
/// outbox keeps on the failed row).
fn build_message(from: &Mailbox, email: &OutboxEmail) -> Result<Message, String> {
    let to: Mailbox = email
        .to_address
        .parse()
        .map_err(|e| format!("invalid recipient address: {e}"))?;
    let mut from = from.clone();
    if let Some(name) = &email.sender_name {
        from.name = Some(header_safe("sender name", name)?.to_string());
    }
    let subject = header_safe("subject", &email.subject)?;
    let host = from.email.domain().to_string();
    Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .message_id(Some(format!("<{}@{host}>", email.id.simple())))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    lettre::message::SinglePart::builder()
                        .header(header::ContentType::TEXT_PLAIN)
                        .body(email.body_text.clone()),
                )
                .singlepart(
                    lettre::message::SinglePart::builder()
                        .header(header::ContentType::TEXT_HTML)
                        .body(email.body_html.clone()),
                ),
        )
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_smtp_urls_require_starttls_unless_told_otherwise() {
        assert_eq!(
            lettre_smtp_url("smtp://u:p@mail:587"),
            "smtp://u:p@mail:587?tls=required"
        );
        assert_eq!(
            lettre_smtp_url("smtp://127.0.0.1:2525?tls=none"),
            "smtp://127.0.0.1:2525"
        );
        assert_eq!(
            lettre_smtp_url("smtp://mail:25?tls=opportunistic"),
            "smtp://mail:25?tls=opportunistic"
        );
        assert_eq!(lettre_smtp_url("smtps://u:p@mail:465"), "smtps://u:p@mail:465");
    }
}
