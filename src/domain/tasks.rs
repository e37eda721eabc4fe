//! Tasks on properties, for a landlord or an agent.

use chrono::NaiveDate;
use uuid::Uuid;

use super::choice::Choice;
use super::validation::{FieldErrors, optional_multiline_text, required_text};

/// Who a task is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssigneeKind {
    /// The property's landlord (shown in their portal).
    #[default]
    Landlord,
    /// An agent of the agency.
    Agent,
}

impl Choice for AssigneeKind {
    const ALL: &'static [Self] = &[AssigneeKind::Landlord, AssigneeKind::Agent];
    const CHOOSE: &'static str = "Choose who the task is for";
    fn as_str(self) -> &'static str {
        match self {
            AssigneeKind::Landlord => "landlord",
            AssigneeKind::Agent => "agent",
        }
    }
    fn label(self) -> &'static str {
        match self {
            AssigneeKind::Landlord => "The landlord",
            AssigneeKind::Agent => "An agent",
        }
    }
}

/// Pending or completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TaskStatus {
    /// To do.
    #[default]
    Pending,
    /// Done.
    Completed,
}

impl Choice for TaskStatus {
    const ALL: &'static [Self] = &[TaskStatus::Pending, TaskStatus::Completed];
    const CHOOSE: &'static str = "Choose pending or completed";
    fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Pending => "pending",
            TaskStatus::Completed => "completed",
        }
    }
    fn label(self) -> &'static str {
        match self {
            TaskStatus::Pending => "Pending",
            TaskStatus::Completed => "Completed",
        }
    }
}

/// Whether a pending task is past its due date.
pub fn is_overdue(status: TaskStatus, due_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    status == TaskStatus::Pending && due_on.is_some_and(|due| due < today)
}

/// The task form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct TaskForm {
    pub title: String,
    pub description: String,
    pub assignee_kind: String,
    pub assignee_user_id: String,
    pub due_on: String,
}

/// Checked task fields.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskFields {
    pub title: String,
    pub description: Option<String>,
    pub assignee_kind: AssigneeKind,
    pub assignee_user_id: Option<Uuid>,
    pub due_on: Option<NaiveDate>,
}

impl TaskForm {
    /// Checks every field.
    pub fn parse(&self) -> Result<TaskFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let assignee_kind = e.take(
            "assignee_kind",
            AssigneeKind::parse_or(&self.assignee_kind, AssigneeKind::default()),
        );
        let assignee_user_id = match (assignee_kind, self.assignee_user_id.trim()) {
            (AssigneeKind::Agent, "") => {
                e.add("assignee_user_id", "Choose the agent the task is for");
                None
            }
            (AssigneeKind::Agent, id) => e.check(
                "assignee_user_id",
                Uuid::parse_str(id).map_err(|_| "Choose an agent from the list".to_string()),
            ),
            (AssigneeKind::Landlord, _) => None,
        };
        let due_on = match self.due_on.trim() {
            "" => None,
            value => e.check(
                "due_on",
                NaiveDate::parse_from_str(value, "%Y-%m-%d")
                    .map_err(|_| "Enter the due date as a real date, like 2026-03-27".to_string()),
            ),
        };
        let fields = TaskFields {
            title: e.take("title", required_text("a title", &self.title, 200)),
            description: e.take(
                "description",
                optional_multiline_text("description", &self.description, 5000),
            ),
            assignee_kind,
            assignee_user_id,
            due_on,
        };
        if e.is_empty() { Ok(fields) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_means_pending_and_past_due() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        let yesterday = today.pred_opt();
        assert!(is_overdue(TaskStatus::Pending, yesterday, today));
        assert!(!is_overdue(TaskStatus::Pending, Some(today), today));
        assert!(!is_overdue(TaskStatus::Completed, yesterday, today));
        assert!(!is_overdue(TaskStatus::Pending, None, today));
    }

    #[test]
    fn an_agent_task_needs_its_agent() {
        let form = TaskForm {
            title: "Check boiler".into(),
            assignee_kind: "agent".into(),
            ..Default::default()
        };
        assert_eq!(
            form.parse().unwrap_err().get("assignee_user_id"),
            Some("Choose the agent the task is for")
        );
        let landlord = TaskForm {
            title: "Sign the renewal".into(),
            ..Default::default()
        };
        assert_eq!(landlord.parse().unwrap().assignee_kind, AssigneeKind::Landlord);
    }
}

crate::stored_as_text!(AssigneeKind, |value| {
    <AssigneeKind as crate::domain::choice::Choice>::parse(value).ok()
});
crate::stored_as_text!(TaskStatus, |value| {
    <TaskStatus as crate::domain::choice::Choice>::parse(value).ok()
});
