//! Deposit release proposals (seed 003): how the deposit held is split between
//! tenant and landlord, the deductions that explain the landlord's share, and the
//! tenant's answer. No I/O.

use std::collections::BTreeMap;

use super::tenancies::parse_pounds;
use super::validation::FieldErrors;

/// Most deduction lines on one proposal.
pub const MAX_DEDUCTIONS: usize = 10;
/// Longest note, reason or dispute text.
pub const TEXT_MAX_CHARS: usize = 2000;

/// Where a proposal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalStatus {
    /// Waiting for the tenant's answer.
    Open,
    /// Replaced by a newer proposal (or withdrawn).
    Withdrawn,
    /// The tenant agreed.
    Accepted,
    /// The tenant disagreed, with reasons.
    Disputed,
}

impl ProposalStatus {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Open => "open",
            ProposalStatus::Withdrawn => "withdrawn",
            ProposalStatus::Accepted => "accepted",
            ProposalStatus::Disputed => "disputed",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            ProposalStatus::Open => "Waiting for the tenant",
            ProposalStatus::Withdrawn => "Withdrawn",
            ProposalStatus::Accepted => "Accepted by the tenant",
            ProposalStatus::Disputed => "Disputed by the tenant",
        }
    }

    /// The label the tenant reads, in their own words.
    pub fn label_for_tenant(self) -> &'static str {
        match self {
            ProposalStatus::Open => "We are waiting for your answer",
            ProposalStatus::Withdrawn => "Withdrawn",
            ProposalStatus::Accepted => "You accepted it",
            ProposalStatus::Disputed => "You disputed it",
        }
    }

    /// Reads a stored value.
    pub fn parse(value: &str) -> Option<ProposalStatus> {
        [
            ProposalStatus::Open,
            ProposalStatus::Withdrawn,
            ProposalStatus::Accepted,
            ProposalStatus::Disputed,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// One deduction from the deposit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deduction {
    /// Why, e.g. "Carpet cleaning".
    pub reason: String,
    /// How much, in pence (> 0).
    pub amount_pence: i64,
}

/// A checked proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalFields {
    /// To the tenant, in pence.
    pub to_tenant_pence: i64,
    /// To the landlord, in pence (the sum of the deductions).
    pub to_landlord_pence: i64,
    /// The deductions, in order.
    pub deductions: Vec<Deduction>,
    /// A note for the tenant.
    pub note: Option<String>,
}

/// The proposal form as typed: amounts, then deduction lines as
/// `deduction_N_reason` / `deduction_N_amount` (N = 1..=10).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ProposalForm {
    /// Amount to the tenant.
    #[serde(default)]
    pub to_tenant: String,
    /// Amount to the landlord.
    #[serde(default)]
    pub to_landlord: String,
    /// A note.
    #[serde(default)]
    pub note: String,
    /// Every other field (the deduction lines).
    #[serde(flatten)]
    pub lines: BTreeMap<String, String>,
}

impl ProposalForm {
    /// The typed text of deduction line `n`'s field (`reason` or `amount`).
    pub fn line(&self, n: usize, field: &str) -> &str {
        self.lines
            .get(&format!("deduction_{n}_{field}"))
            .map_or("", String::as_str)
    }

    /// Checks the proposal against the deposit held: the two shares add up to
    /// it, and the deductions add up to the landlord's share.
    pub fn parse(&self, deposit_pence: i64) -> Result<ProposalFields, FieldErrors> {
        let mut e = FieldErrors::new();
        if deposit_pence <= 0 {
            e.add("to_tenant", "This tenancy has no deposit recorded to release");
        }
        let to_tenant = e.check("to_tenant", parse_pounds(&self.to_tenant));
        let to_landlord = e.check("to_landlord", parse_pounds(&self.to_landlord));
        let mut deductions = Vec::new();
        for n in 1..=MAX_DEDUCTIONS {
            let reason = self.line(n, "reason").trim();
            let amount = self.line(n, "amount").trim();
            if reason.is_empty() && amount.is_empty() {
                continue;
            }
            let field_reason: &'static str = LINE_FIELDS[n - 1].0;
            let field_amount: &'static str = LINE_FIELDS[n - 1].1;
            if reason.is_empty() {
                e.add(field_reason, "Say what this deduction is for");
            } else if reason.chars().count() > TEXT_MAX_CHARS {
                e.add(field_reason, "Keep the reason shorter");
            }
            let amount = match parse_pounds(amount) {
                Ok(0) => {
                    e.add(field_amount, "A deduction must be more than £0");
                    None
                }
                other => e.check(field_amount, other),
            };
            if let Some(amount_pence) = amount
                && !reason.is_empty()
            {
                deductions.push(Deduction {
                    reason: reason.to_string(),
                    amount_pence,
                });
            }
        }
        let note = self.note.trim();
        if note.chars().count() > TEXT_MAX_CHARS {
            e.add("note", "Keep the note shorter");
        }
        if let (Some(tenant), Some(landlord)) = (to_tenant, to_landlord)
            && e.is_empty()
        {
            if tenant + landlord != deposit_pence {
                e.add(
                    "to_tenant",
                    format!(
                        "The two amounts must add up to the deposit held, {}",
                        super::money::money(deposit_pence)
                    ),
                );
            }
            let deducted: i64 = deductions.iter().map(|d| d.amount_pence).sum();
            if deducted != landlord {
                e.add(
                    "to_landlord",
                    format!(
                        "The deductions add up to {}; the landlord's amount must match them",
                        super::money::money(deducted)
                    ),
                );
            }
        }
        match (to_tenant, to_landlord) {
            (Some(to_tenant_pence), Some(to_landlord_pence)) if e.is_empty() => Ok(ProposalFields {
                to_tenant_pence,
                to_landlord_pence,
                deductions,
                note: (!note.is_empty()).then(|| note.to_string()),
            }),
            _ => Err(e),
        }
    }
}

/// The form field names of each deduction line, for messages next to them.
pub const LINE_FIELDS: [(&str, &str); MAX_DEDUCTIONS] = [
    ("deduction_1_reason", "deduction_1_amount"),
    ("deduction_2_reason", "deduction_2_amount"),
    ("deduction_3_reason", "deduction_3_amount"),
    ("deduction_4_reason", "deduction_4_amount"),
    ("deduction_5_reason", "deduction_5_amount"),
    ("deduction_6_reason", "deduction_6_amount"),
    ("deduction_7_reason", "deduction_7_amount"),
    ("deduction_8_reason", "deduction_8_amount"),
    ("deduction_9_reason", "deduction_9_amount"),
    ("deduction_10_reason", "deduction_10_amount"),
];

/// The tenant's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// They agree.
    Accept,
    /// They disagree: overall and/or with particular deduction lines (by position).
    Dispute {
        /// Why, overall.
        overall: Option<String>,
        /// (line position, why) for each disputed deduction.
        lines: Vec<(usize, String)>,
    },
}

/// Reads the tenant's answer: `answer` = `accept` or `dispute`; a dispute needs
/// a reason, overall (`reason`) or on at least one line (`dispute_N`).
pub fn parse_answer(answer: &str, overall: &str, line_reasons: &[(usize, String)]) -> Result<Answer, FieldErrors> {
    let mut e = FieldErrors::new();
    match answer {
        "accept" => Ok(Answer::Accept),
        "dispute" => {
            let overall = overall.trim();
            let lines: Vec<(usize, String)> = line_reasons
                .iter()
                .filter(|(_, r)| !r.trim().is_empty())
                .map(|(n, r)| (*n, r.trim().to_string()))
                .collect();
            if overall.is_empty() && lines.is_empty() {
                e.add("reason", "Say what you disagree with, overall or next to a deduction");
            }
            if overall.chars().count() > TEXT_MAX_CHARS || lines.iter().any(|(_, r)| r.chars().count() > TEXT_MAX_CHARS)
            {
                e.add("reason", "Keep your reasons shorter");
            }
            if !e.is_empty() {
                return Err(e);
            }
            Ok(Answer::Dispute {
                overall: (!overall.is_empty()).then(|| overall.to_string()),
                lines,
            })
        }
        _ => {
            e.add("answer", "Choose whether you accept or dispute the proposal");
            Err(e)
        }
    }
}

crate::stored_as_text!(ProposalStatus, ProposalStatus::parse);

#[cfg(test)]
mod tests {
    use super::*;

    fn form(tenant: &str, landlord: &str, lines: &[(&str, &str)]) -> ProposalForm {
        let mut f = ProposalForm {
            to_tenant: tenant.into(),
            to_landlord: landlord.into(),
            ..ProposalForm::default()
        };
        for (i, (reason, amount)) in lines.iter().enumerate() {
            f.lines
                .insert(format!("deduction_{}_reason", i + 1), reason.to_string());
            f.lines
                .insert(format!("deduction_{}_amount", i + 1), amount.to_string());
        }
        f
    }

    #[test]
    fn shares_must_add_up_to_the_deposit_and_deductions_to_the_landlords_share() {
        let ok = form("1,100", "200", &[("Carpet cleaning", "150"), ("Missing keys", "50")])
            .parse(130_000)
            .unwrap();
        assert_eq!((ok.to_tenant_pence, ok.to_landlord_pence), (110_000, 20_000));
        assert_eq!(ok.deductions.len(), 2);
        let wrong_total = form("1,000", "200", &[("Cleaning", "200")]).parse(130_000).unwrap_err();
        assert!(wrong_total.get("to_tenant").unwrap().contains("£1,300.00"));
        let wrong_lines = form("1,100", "200", &[("Cleaning", "150")]).parse(130_000).unwrap_err();
        assert!(wrong_lines.get("to_landlord").unwrap().contains("£150.00"));
        let full_refund = form("1300", "0", &[]).parse(130_000).unwrap();
        assert!(full_refund.deductions.is_empty());
    }

    #[test]
    fn each_deduction_needs_a_reason_and_an_amount() {
        let e = form("1,100", "200", &[("", "200")]).parse(130_000).unwrap_err();
        assert!(e.get("deduction_1_reason").is_some());
        let e = form("1,300", "0", &[("Cleaning", "0")]).parse(130_000).unwrap_err();
        assert!(e.get("deduction_1_amount").is_some());
        let e = form("1,300", "0", &[]).parse(0).unwrap_err();
        assert!(e.get("to_tenant").unwrap().contains("no deposit"));
    }

    #[test]
    fn a_dispute_needs_a_reason_somewhere() {
        assert_eq!(parse_answer("accept", "", &[]).unwrap(), Answer::Accept);
        assert!(parse_answer("dispute", " ", &[(1, " ".into())]).is_err());
        assert_eq!(
            parse_answer("dispute", "", &[(2, "Was already dirty".into())]).unwrap(),
            Answer::Dispute {
                overall: None,
                lines: vec![(2, "Was already dirty".into())]
            }
        );
        assert!(parse_answer("maybe", "", &[]).is_err());
    }
}
