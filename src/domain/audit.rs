//! What an audit row says: who did it, and which fields changed — never secrets.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The kind of actor that made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorType {
    /// A signed-in agent or admin.
    Agent,
    /// A landlord through their portal.
    Landlord,
    /// A tenant through their portal.
    Tenant,
    /// A contractor through a work-order link.
    Contractor,
    /// Portico itself (command line, background jobs).
    System,
}

impl ActorType {
    /// Every actor type, in the order shown in filters.
    pub const ALL: [ActorType; 5] = [
        ActorType::Agent,
        ActorType::Landlord,
        ActorType::Tenant,
        ActorType::Contractor,
        ActorType::System,
    ];

    /// The stored value, also shown in sentences ("Jane Smith (agent) …").
    pub fn as_str(self) -> &'static str {
        match self {
            ActorType::Agent => "agent",
            ActorType::Landlord => "landlord",
            ActorType::Tenant => "tenant",
            ActorType::Contractor => "contractor",
            ActorType::System => "system",
        }
    }
}

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The kind of actor.
    pub kind: ActorType,
    /// Their id (a user, landlord, tenant or contractor), none for the system.
    pub id: Option<Uuid>,
    /// Their name at the time of the change.
    pub name: String,
}

impl Actor {
    /// Portico itself, e.g. the command line.
    pub fn system() -> Actor {
        Actor {
            kind: ActorType::System,
            id: None,
            name: "Portico".into(),
        }
    }

    /// The door an action came through when the audit sentence should say it
    /// (" via ContractorPort"); empty for the back-office and the system.
    pub fn via(&self) -> &'static str {
        match self.kind {
            ActorType::Contractor => " via ContractorPort",
            _ => "",
        }
    }

    /// The start of an audit sentence: "Jane Smith (agent)".
    pub fn describe(&self) -> String {
        format!("{} ({})", self.name, self.kind.as_str())
    }
}

/// One changed field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Field name.
    pub field: String,
    /// Value before (none when created, or when the field is secret).
    pub from: Option<String>,
    /// Value after (none when cleared, or when the field is secret).
    pub to: Option<String>,
    /// A secret field: only the fact that it changed is kept.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
}

/// The field-level summary of one change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes(pub Vec<FieldChange>);

impl Changes {
    /// No changes recorded.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `field` going from `from` to `to`, unless they are equal.
    pub fn field(mut self, field: &str, from: Option<&str>, to: Option<&str>) -> Self {
        if from != to {
            self.0.push(FieldChange {
                field: field.into(),
                from: from.map(str::to_string),
                to: to.map(str::to_string),
                secret: false,
            });
        }
        self
    }

    /// Records that a secret (password, token) changed, without its value.
    pub fn secret(mut self, field: &str) -> Self {
        self.0.push(FieldChange {
            field: field.into(),
            from: None,
            to: None,
            secret: true,
        });
        self
    }

    /// The fields that differ between two snapshots of a record, each a list of
    /// (field, shown value) in the same order; with no `before`, every field of
    /// `after` that has a value (a creation).
    pub fn between(
        before: Option<&[(&'static str, Option<String>)]>,
        after: &[(&'static str, Option<String>)],
    ) -> Changes {
        let mut changes = Changes::new();
        for (i, (field, to)) in after.iter().enumerate() {
            let from = before.and_then(|b| b.get(i)).and_then(|(_, v)| v.as_deref());
            changes = changes.field(field, from, to.as_deref());
        }
        changes
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn between_lists_only_the_fields_that_differ() {
        let before = [("name", Some("A".to_string())), ("phone", None)];
        let after = [("name", Some("A".to_string())), ("phone", Some("0117".to_string()))];
        let changes = Changes::between(Some(&before), &after);
        assert_eq!(changes.0.len(), 1);
        assert_eq!(changes.0[0].field, "phone");
        assert_eq!(Changes::between(None, &after).0.len(), 2);
    }

    #[test]
    fn secrets_keep_no_value_and_unchanged_fields_are_skipped() {
        let changes = Changes::new()
            .field("role", Some("agent"), Some("admin"))
            .field("name", Some("A"), Some("A"))
            .secret("password");
        let json = serde_json::to_string(&changes).unwrap();
        assert_eq!(
            json,
            r#"[{"field":"role","from":"agent","to":"admin"},{"field":"password","from":null,"to":null,"secret":true}]"#
        );
    }
}
