//! The branded emails Portico sends, each as HTML with a plain-text twin.

use maud::{DOCTYPE, Markup, html};

use crate::domain::branding::text_on;
use crate::store::outbox::EmailContent;
use crate::store::portal::PortalToken;

/// The agency's branding as an email shows it.
#[derive(Debug, Clone)]
pub struct Brand {
    /// Agency name.
    pub name: String,
    /// Accent colour (`#rrggbb`).
    pub primary_color: String,
    /// Support email, if any.
    pub support_email: Option<String>,
    /// Support phone, if any.
    pub support_phone: Option<String>,
}

impl Brand {
    /// The agency's branding as it is now.
    pub fn of_org(org: &crate::store::orgs::Organisation) -> Brand {
        Brand {
            name: org.name.clone(),
            primary_color: org.primary_color.clone(),
            support_email: org.support_email.clone(),
            support_phone: org.support_phone.clone(),
        }
    }

    /// The branding snapshot of a landlord's portal token.
    pub fn of_token(token: &PortalToken) -> Brand {
        Brand {
            name: token.brand_name.clone(),
            primary_color: token.brand_primary_color.clone(),
            support_email: token.brand_support_email.clone(),
            support_phone: token.brand_support_phone.clone(),
        }
    }

    fn contact_line(&self) -> String {
        let parts: Vec<&str> = [self.support_email.as_deref(), self.support_phone.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!("Questions? Contact {} at {}.", self.name, parts.join(" or "))
        }
    }
}

fn layout(brand: &Brand, heading: &str, paragraphs: &[String], button: (&str, &str)) -> Markup {
    frame(brand, heading, paragraphs, Some(button))
}

/// The email's page, with a button when there is somewhere to go.
fn frame(brand: &Brand, heading: &str, paragraphs: &[String], button: Option<(&str, &str)>) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head { meta charset="utf-8"; title { (heading) } }
            body style="margin:0;padding:24px;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1d2329" {
                table role="presentation" width="100%" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px" {
                    tr { td style={ "background:" (brand.primary_color) ";color:" (text_on(&brand.primary_color)) ";padding:16px 24px;font-size:18px;font-weight:bold;border-radius:8px 8px 0 0" } { (brand.name) } }
                    tr { td style="padding:24px" {
                        h1 style="font-size:20px;margin:0 0 16px" { (heading) }
                        @for paragraph in paragraphs { p style="line-height:1.5" { (paragraph) } }
                        @if let Some((label, url)) = button {
                            p style="margin:24px 0" {
                                a href=(url) style={ "display:inline-block;background:" (brand.primary_color) ";color:" (text_on(&brand.primary_color)) ";padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold" } { (label) }
                            }
                            p style="font-size:13px;color:#5b6670;word-break:break-all" { "Or open this link: " (url) }
                        }
                    } }
                    tr { td style="padding:16px 24px;font-size:13px;color:#5b6670;border-top:1px solid #e3e6ea" { (brand.contact_line()) } }
                }
            }
        }
    }
}

/// The plain-text twin; `url` empty when the email has no link.
fn text(brand: &Brand, heading: &str, paragraphs: &[String], url: &str) -> String {
    let mut out = format!("{}\n\n{heading}\n\n", brand.name);
    for paragraph in paragraphs {
        out.push_str(paragraph);
        out.push_str("\n\n");
    }
    if !url.is_empty() {
        out.push_str(url);
        out.push_str("\n\n");
    }
    out.push_str(&brand.contact_line());
    out.trim_end().to_string() + "\n"
}

/// The landlord's portal link, sent by an agent.
pub fn portal_link(brand: &Brand, landlord_name: &str, url: &str) -> EmailContent {
    let heading = format!("Your landlord portal at {}", brand.name);
    let paragraphs = vec![
        format!("Dear {landlord_name},"),
        format!(
            "{} has set up your landlord portal: your properties, tenancies, compliance certificates, documents, \
             tasks, offers and messages in one place. No account or password is needed — the link below is yours.",
            brand.name
        ),
        "Keep this email private: anyone with the link can open your portal. If it is ever shared by mistake, ask us for a new one."
            .to_string(),
    ];
    EmailContent {
        sender_name: Some(brand.name.clone()),
        subject: heading.clone(),
        text: text(brand, &heading, &paragraphs, url),
        html: layout(brand, &heading, &paragraphs, ("Open your portal", url)).into_string(),
        secrets: vec![url.to_string()],
    }
}

/// Tells the landlord a new message is waiting (the message itself stays in the portal).
pub fn message_notification(brand: &Brand, landlord_name: &str, agent_name: &str, url: &str) -> EmailContent {
    let heading = format!("New message from {}", brand.name);
    let paragraphs = vec![
        format!("Dear {landlord_name},"),
        format!("{agent_name} has sent you a message in your landlord portal. Open it to read and reply."),
    ];
    EmailContent {
        sender_name: Some(brand.name.clone()),
        subject: heading.clone(),
        text: text(brand, &heading, &paragraphs, url),
        html: layout(brand, &heading, &paragraphs, ("Read the message", url)).into_string(),
        secrets: vec![url.to_string()],
    }
}

/// What a deposit proposal email says about the proposal.
#[derive(Debug, Clone)]
pub struct ProposalSummary {
    /// The property's address.
    pub address: String,
    /// The deposit held, formatted.
    pub deposit: String,
    /// To the tenant, formatted.
    pub to_tenant: String,
    /// To the landlord, formatted.
    pub to_landlord: String,
    /// (reason, amount formatted) per deduction.
    pub deductions: Vec<(String, String)>,
    /// Whether it replaces an earlier proposal (which is withdrawn).
    pub replaces_earlier: bool,
}

/// The deposit release proposal, with the tenant's portal link in the same
/// email (an invite link, or the sign-in page for a tenant who has accepted one).
pub fn deposit_proposal(brand: &Brand, tenant_name: &str, summary: &ProposalSummary, url: &str) -> EmailContent {
    let heading = format!("Your deposit for {}: a release is proposed", summary.address);
    let mut paragraphs = vec![format!("Dear {tenant_name},")];
    if summary.replaces_earlier {
        paragraphs.push("This proposal replaces the earlier one, which has been withdrawn.".to_string());
    }
    paragraphs.push(format!(
        "Of your deposit of {}, it is proposed that {} is returned to you and {} goes to the landlord.",
        summary.deposit, summary.to_tenant, summary.to_landlord
    ));
    for (reason, amount) in &summary.deductions {
        paragraphs.push(format!("Deduction: {reason} — {amount}"));
    }
    paragraphs.push(
        "Please review it in your tenant portal and accept it or tell us what you disagree with. \
         Nothing is paid out until you have answered."
            .to_string(),
    );
    EmailContent {
        sender_name: Some(brand.name.clone()),
        subject: heading.clone(),
        text: text(brand, &heading, &paragraphs, url),
        html: layout(brand, &heading, &paragraphs, ("Review the proposal", url)).into_string(),
        secrets: vec![url.to_string()],
    }
}

/// A tenant's invitation to their portal (the agent's manual invite).
pub fn tenant_invite(brand: &Brand, tenant_name: &str, url: &str, days: i64) -> EmailContent {
    let heading = format!("Your tenant portal at {}", brand.name);
    let paragraphs = vec![
        format!("Dear {tenant_name},"),
        format!(
            "{} has invited you to your tenant portal: your tenancy, your documents and anything waiting for your answer. \
             Open the link and press \"Continue to your portal\". The link works for {days} days.",
            brand.name
        ),
    ];
    EmailContent {
        sender_name: Some(brand.name.clone()),
        subject: heading.clone(),
        text: text(brand, &heading, &paragraphs, url),
        html: layout(brand, &heading, &paragraphs, ("Open your portal", url)).into_string(),
        secrets: vec![url.to_string()],
    }
}

/// A one-time sign-in code for the tenant portal.
pub fn tenant_login_code(brand: &Brand, code: &str, url: &str) -> EmailContent {
    let heading = format!("Your sign-in code for {}", brand.name);
    let paragraphs = vec![
        format!("Enter {code} to sign in to your tenant portal at {}.", brand.name),
        "The code works for 10 minutes. If you did not ask for it, you can ignore this email.".to_string(),
    ];
    EmailContent {
        sender_name: Some(brand.name.clone()),
        subject: heading.clone(),
        text: text(brand, &heading, &paragraphs, url),
        html: layout(brand, &heading, &paragraphs, ("Go to the sign-in page", url)).into_string(),
        secrets: vec![code.to_string()],
    }
}

/// What a contractor's email says about the work order it is about.
#[derive(Debug, Clone)]
pub struct JobSummary {
    /// "WO-12".
    pub reference: String,
    /// The work order's title.
    pub title: String,
    /// Where: the property's address.
    pub address: String,
    /// "Urgent (72 hours)".
    pub priority: String,
    /// "12 Mar 2026".
    pub due: String,
}

impl JobSummary {
    fn lines(&self) -> Vec<String> {
        vec![
            format!("{}: {}", self.reference, self.title),
            format!("Where: {}", self.address),
            format!("Priority: {}, to be done by {}", self.priority, self.due),
        ]
    }
}

/// What a contractor's email asks of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractorAsk {
    /// A quote for the work.
    Quote,
    /// The work itself (an instruction).
    Instruction,
    /// A fresh link they asked for.
    FreshLink,
    /// A reminder: their quote is awaited.
    QuoteReminder,
    /// A reminder: no appointment yet for work they were instructed to do.
    AppointmentReminder,
    /// A reminder: the job is past its target date and not reported complete.
    OverdueReminder,
    /// The agency wrote to them about the job.
    Message,
}

/// A contractor's email with their single-use link to one work order.
pub fn contractor_link(
    brand: &Brand,
    company: &str,
    ask: ContractorAsk,
    job: &JobSummary,
    url: &str,
    days: i64,
) -> EmailContent {
    let (heading, opening, button) = match ask {
        ContractorAsk::Quote => (
            format!("Request for a quote: {}", job.reference),
            format!("{} would like your quotation for this job.", brand.name),
            "View the job and quote",
        ),
        ContractorAsk::Instruction => (
            format!("Instruction: {}", job.reference),
            format!(
                "{} instructs you to carry out this job. The link shows the access details and the occupier's contact.",
                brand.name
            ),
            "View the job",
        ),
        ContractorAsk::FreshLink => (
            format!("Your new link for {}", job.reference),
            "Here is the fresh link you asked for. Earlier links to this job no longer work.".to_string(),
            "Open the job",
        ),
        ContractorAsk::QuoteReminder => (
            format!("Reminder: your quote for {}", job.reference),
            format!(
                "{} is still waiting for your quotation for this job. If you cannot quote, you can say so on the job's page.",
                brand.name
            ),
            "Quote or decline",
        ),
        ContractorAsk::AppointmentReminder => (
            format!("Reminder: an appointment for {}", job.reference),
            "You were instructed to do this job; please propose the day you will attend.".to_string(),
            "Propose an appointment",
        ),
        ContractorAsk::Message => (
            format!("A message about {}", job.reference),
            format!("{} has written to you about this job. Read it and reply on the job's page.", brand.name),
            "Read the message",
        ),
        ContractorAsk::OverdueReminder => (
            format!("Overdue: {}", job.reference),
            "This job is past its target date and not yet reported complete. Please report it complete, or write to the agency about it.".to_string(),
            "Open the job",
        ),
    };
    let mut paragraphs = vec![format!("Dear {company},"), opening];
    paragraphs.extend(job.lines());
    paragraphs.push(format!(
        "The link is for you alone and works once, for {days} days: open it and press \"Open this job\". \
         That browser then stays signed in to this job for 30 days."
    ));
    EmailContent {
        sender_name: Some(brand.name.clone()),
        subject: heading.clone(),
        text: text(brand, &heading, &paragraphs, url),
        html: layout(brand, &heading, &paragraphs, (button, url)).into_string(),
        secrets: vec![url.to_string()],
    }
}

/// A polite word to a contractor whose quote was not chosen.
pub fn contractor_not_chosen(brand: &Brand, company: &str, job: &JobSummary) -> EmailContent {
    let heading = format!("Your quote for {}", job.reference);
    let mut paragraphs = vec![
        format!("Dear {company},"),
        format!(
            "Thank you for quoting for {} ({}). We have gone with another quotation this time, \
             and we hope to work with you again soon.",
            job.reference, job.title
        ),
    ];
    paragraphs.push(format!("Where: {}", job.address));
    EmailContent {
        sender_name: Some(brand.name.clone()),
        subject: heading.clone(),
        text: text(brand, &heading, &paragraphs, ""),
        html: frame(brand, &heading, &paragraphs, None).into_string(),
        secrets: Vec::new(),
    }
}

/// Why a contractor no longer needs to act on a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandDown {
    /// The agency called the job off.
    Cancelled,
    /// The agency withdrew this contractor's access.
    Withdrawn,
}

/// Tells a contractor they need not quote for or attend a job any more.
pub fn contractor_stood_down(brand: &Brand, company: &str, job: &JobSummary, why: StandDown) -> EmailContent {
    let heading = match why {
        StandDown::Cancelled => format!("{} is called off", job.reference),
        StandDown::Withdrawn => format!("No longer needed: {}", job.reference),
    };
    let said = match why {
        StandDown::Cancelled => format!(
            "{} has called off {} ({}). Please do not quote for it or attend; any appointment is cancelled.",
            brand.name, job.reference, job.title
        ),
        StandDown::Withdrawn => format!(
            "{} no longer needs you for {} ({}). Your link to it no longer works. Thank you for your time.",
            brand.name, job.reference, job.title
        ),
    };
    let paragraphs = vec![format!("Dear {company},"), said, format!("Where: {}", job.address)];
    EmailContent {
        sender_name: Some(brand.name.clone()),
        subject: heading.clone(),
        text: text(brand, &heading, &paragraphs, ""),
        html: frame(brand, &heading, &paragraphs, None).into_string(),
        secrets: Vec::new(),
    }
}
