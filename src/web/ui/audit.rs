//! The audit trail in the reader's words: every recorded change as labelled
//! lines ("Status: Let agreed → Let", "Branch: set to Leeds"), not column
//! names, stored values and ids. Used by the Audit page and every record's
//! history.

use std::collections::HashMap;

use maud::{Markup, html};
use uuid::Uuid;

use crate::domain::choice::Choice;
use crate::domain::{
    compliance, contractors, deposits, documents, landlords, offers, properties, tasks, tenancies, users, work_orders,
};
use crate::store::audit::AuditRow;
use crate::web::ui::format;

/// The kinds of record the trail names, in words (also the Audit page's filter).
pub fn record_label(entity_type: &str) -> String {
    let known = match entity_type {
        "certificate" => "Certificate",
        "contractor" => "Contractor",
        "work_order" => "Work order",
        "landlord_message" => "Landlord message",
        "task" => "Task",
        "user" => "User",
        "tenant_portal_invite" => "Tenant portal invite",
        "property" => "Property",
        "tenancy" => "Tenancy",
        "offer" => "Offer",
        "landlord_portal_token" => "Landlord portal link",
        "deposit_release_proposal" => "Deposit release",
        "document" => "Document",
        "landlord" => "Landlord",
        "organisation" => "Agency settings",
        "tenant" => "Tenant",
        "branch" => "Branch",
        _ => return humanise(entity_type),
    };
    known.to_string()
}

/// A recorded field's name in words.
pub fn field_label(field: &str) -> String {
    let known = match field {
        "address_line1" => "Address",
        "address_line2" => "Address line 2",
        "city" => "Town or city",
        "postcode" => "Postcode",
        "county" => "County",
        "country" => "Country",
        "first_name" => "First name",
        "company_name" => "Company name",
        "contact_name" => "Contact",
        "trades" => "Trades",
        "gas_safe_number" => "Gas Safe number",
        "electrical_registration" => "NICEIC or NAPIT number",
        "insurance_expires_on" => "Insurance expires",
        "budget_pence" => "Not to exceed",
        "repair_approval_limit_pence" | "repair_approval_limit" => "Repair approval limit",
        "priority" => "Priority",
        "raised_by" => "Reported by",
        "reporter_name" => "Reporter",
        "access_instructions" => "Access",
        "occupier_contact" => "Occupier contact",
        "last_name" => "Last name",
        "email" => "Email",
        "phone" => "Phone",
        "branch_id" => "Branch",
        "landlord_id" => "Landlord",
        "property_id" => "Property",
        "tenancy_id" => "Tenancy",
        "certificate_id" => "Certificate",
        "assignee_user_id" => "Assigned agent",
        "assignee" => "For",
        "property_type" => "Type",
        "epc_rating" => "EPC rating",
        "has_gas" => "Gas supply",
        "rent" | "rent_pence" => "Rent",
        "asking_rent" | "asking_rent_pence" => "Asking rent",
        "rent_frequency" => "Rent is paid",
        "deposit" | "deposit_pence" => "Deposit",
        "deposit_scheme" => "Deposit scheme",
        "deposit_reference" => "Deposit reference",
        "start_date" => "Start date",
        "end_date" => "End date",
        "due_on" => "Due",
        "issued_on" => "Issued",
        "expires_on" => "Expires",
        "move_in_on" => "Move-in date",
        "applicant_name" => "Applicant",
        "applicant_phone" => "Applicant's phone",
        "applicant_email" => "Applicant's email",
        "landlord_type" => "Landlord type",
        "landlord_comment" => "Landlord's comment",
        "landlord_decision" => "Landlord's decision",
        "preferred_contact_method" => "Preferred contact",
        "email_notifications_enabled" => "Email notifications",
        "sms_notifications_enabled" => "Text message notifications",
        "portal_access_enabled" => "Portal access",
        "to_tenant" => "To the tenant",
        "to_landlord" => "To the landlord",
        "primary_color" => "Brand colour",
        "logo_url" => "Logo",
        "support_phone" => "Support phone",
        "support_email" => "Support email",
        "is_active" | "active" => "Active",
        "password_hash" | "password" => "Password",
        "token_hash" | "token" => "Link",
        _ => return humanise(field),
    };
    known.to_string()
}

/// `snake_case_id` as "Snake case": for a name the tables above do not know yet.
fn humanise(name: &str) -> String {
    let name = name.strip_suffix("_id").unwrap_or(name);
    let words = name.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn choice_label<C: Choice>(value: &str) -> Option<String> {
    C::parse(value).ok().map(|choice| choice.label().to_string())
}

/// A stored value as its reader sees it: a status, type or choice as its
/// label, yes/no for a flag; `None` when the value is shown as it is.
fn value_label(entity_type: &str, field: &str, value: &str) -> Option<String> {
    match (entity_type, field) {
        ("property", "status") => choice_label::<properties::PropertyStatus>(value),
        ("property", "property_type") => choice_label::<properties::PropertyType>(value),
        ("tenancy", "status") => choice_label::<tenancies::TenancyStatus>(value),
        ("tenancy", "rent_frequency") => choice_label::<tenancies::RentFrequency>(value),
        ("tenancy", "deposit_scheme") => choice_label::<tenancies::DepositScheme>(value),
        ("offer", "status") => choice_label::<offers::OfferStatus>(value),
        ("task", "status") => choice_label::<tasks::TaskStatus>(value),
        ("task", "assignee") => choice_label::<tasks::AssigneeKind>(value),
        ("landlord", "status") => choice_label::<landlords::LandlordStatus>(value),
        ("landlord", "landlord_type") => choice_label::<landlords::LandlordType>(value),
        ("landlord", "preferred_contact_method") => choice_label::<landlords::ContactMethod>(value),
        ("landlord", "country") => Some(crate::domain::countries::name(value).to_string()),
        ("document", "visibility") => choice_label::<documents::Visibility>(value),
        ("document", "category") => choice_label::<documents::Category>(value),
        ("certificate", "kind") => choice_label::<compliance::CertificateKind>(value),
        ("work_order", "status") => choice_label::<work_orders::WorkOrderStatus>(value),
        ("work_order", "priority") => choice_label::<work_orders::Priority>(value),
        ("work_order", "raised_by") => choice_label::<work_orders::RaisedBy>(value),
        ("contractor", "status") => choice_label::<contractors::ContractorStatus>(value),
        ("contractor", "trades") => Some(
            contractors::trades_from_stored(value)
                .iter()
                .map(|t| t.label())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("user", "role") => users::Role::parse(value).ok().map(|role| role.label().to_string()),
        ("deposit_release_proposal", "status") => {
            deposits::ProposalStatus::parse(value).map(|status| status.label().to_string())
        }
        _ => match value {
            "true" => Some("Yes".into()),
            "false" => Some("No".into()),
            _ => None,
        },
    }
}

/// One recorded value in words: a name for an id (else "another record"), a
/// label for a stored choice, the value itself otherwise.
fn shown_value(entity_type: &str, field: &str, value: &str, names: &HashMap<Uuid, String>) -> String {
    if let Ok(id) = Uuid::parse_str(value) {
        return names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "a record since removed".into());
    }
    value_label(entity_type, field, value).unwrap_or_else(|| value.to_string())
}

/// The changes of one audit row as labelled lines.
pub fn changes(row: &AuditRow, names: &HashMap<Uuid, String>) -> Markup {
    let changes = row.changes();
    html! {
        @if !changes.is_empty() {
            ul class="changes" {
                @for change in &changes.0 {
                    @let label = field_label(&change.field);
                    @let from = change.from.as_deref().map(|v| shown_value(&row.entity_type, &change.field, v, names));
                    @let to = change.to.as_deref().map(|v| shown_value(&row.entity_type, &change.field, v, names));
                    li {
                        strong { (label) } ": "
                        @if change.secret { "changed (the value is not recorded)" } @else {
                            @match (from, to) {
                                (None, Some(to)) => { "set to " (to) },
                                (Some(from), None) => { "cleared (was " (from) ")" },
                                (Some(from), Some(to)) => { (from) " → " (to) },
                                (None, None) => "changed",
                            }
                        }
                    }
                }
            }
        }
        @if row.redacted_at.is_some() { p class="hint" { "Details redacted." } }
    }
}

/// The audit rows of one record, newest first, each a sentence with its
/// labelled changes (the names of records it mentions in `names`).
pub fn history(entries: &[AuditRow], names: &HashMap<Uuid, String>) -> Markup {
    html! {
        div class="table-wrap" {
            @if entries.is_empty() { p class="empty" { "No recorded changes." } } @else {
                table {
                    thead { tr { th { "When" } th { "What happened" } } }
                    tbody {
                        @for entry in entries {
                            tr {
                                td data-label="When" class="nowrap" { (format::date_time(entry.created_at)) }
                                td data-label="What happened" { (entry.summary) (changes(entry, names)) }
                            }
                        }
                    }
                }
            }
        }
    }
}
