//! Accessible form fields: a label, an optional hint, the error tied to the input
//! with `aria-describedby`, and the value the user typed kept.

use maud::{Markup, html};

use crate::domain::choice::Choice;
use crate::domain::validation::FieldErrors;

/// The hidden CSRF input every form carries.
pub fn csrf_input(token: &str) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(token); }
}

/// What one text-like input needs.
pub struct Input<'a> {
    /// `name` and `id`.
    pub name: &'static str,
    /// Visible label.
    pub label: &'a str,
    /// `type` attribute.
    pub kind: &'static str,
    /// Current value.
    pub value: &'a str,
    /// Hint under the label.
    pub hint: Option<&'a str>,
    /// `autocomplete` attribute.
    pub autocomplete: Option<&'static str>,
    /// `inputmode` attribute (`numeric` brings up a phone's number pad).
    pub inputmode: Option<&'static str>,
    /// Whether the field is required.
    pub required: bool,
}

impl<'a> Input<'a> {
    /// A text input.
    pub fn text(name: &'static str, label: &'a str, value: &'a str) -> Self {
        Input {
            name,
            label,
            kind: "text",
            value,
            hint: None,
            autocomplete: None,
            inputmode: None,
            required: false,
        }
    }

    /// Sets `inputmode` (`numeric` for codes and numbers typed on a phone).
    pub fn inputmode(mut self, mode: &'static str) -> Self {
        self.inputmode = Some(mode);
        self
    }

    /// Sets the input type.
    pub fn kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }

    /// Sets `autocomplete`.
    pub fn autocomplete(mut self, value: &'static str) -> Self {
        self.autocomplete = Some(value);
        self
    }

    /// Marks the field required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Renders the field with its error, if any.
    pub fn render(&self, errors: &FieldErrors) -> Markup {
        let error = errors.get(self.name);
        let error_id = format!("{}-error", self.name);
        let hint_id = format!("{}-hint", self.name);
        let described = [self.hint.map(|_| hint_id.as_str()), error.map(|_| error_id.as_str())]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        html! {
            div class={ "field" @if error.is_some() { " has-error" } } {
                label for=(self.name) { (self.label) }
                @if let Some(hint) = self.hint { span class="hint" id=(hint_id) { (hint) } }
                @if let Some(error) = error { span class="field-error" id=(error_id) { "Error: " (error) } }
                input type=(self.kind) id=(self.name) name=(self.name) value=(self.value)
                    autocomplete=[self.autocomplete] inputmode=[self.inputmode] required[self.required]
                    aria-invalid=[error.map(|_| "true")]
                    aria-describedby=[(!described.is_empty()).then_some(described.as_str())];
            }
        }
    }
}

/// A `<select>` with its label and error; `options` are (value, label).
pub fn select(
    name: &'static str,
    label: &str,
    options: &[(String, String)],
    selected: &str,
    errors: &FieldErrors,
) -> Markup {
    let error = errors.get(name);
    let error_id = format!("{name}-error");
    html! {
        div class={ "field" @if error.is_some() { " has-error" } } {
            label for=(name) { (label) }
            @if let Some(error) = error { span class="field-error" id=(error_id) { "Error: " (error) } }
            select id=(name) name=(name) aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| error_id.as_str())] {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
        }
    }
}

/// A summary box at the top of a form listing its errors, linked to the fields.
pub fn error_summary(errors: &FieldErrors, fields: &[&'static str]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div class="flash error" role="alert" {
                p { strong { "There is a problem" } }
                ul {
                    @for field in fields {
                        @if let Some(message) = errors.get(field) {
                            li { a href={ "#" (field) } { (message) } }
                        }
                    }
                }
            }
        }
    }
}

/// A checkbox with its label (and hint); ticked sends `on`.
pub fn checkbox(name: &'static str, label: &str, checked: bool, hint: Option<&str>) -> Markup {
    let hint_id = format!("{name}-hint");
    html! {
        div class="field checkbox" {
            input type="checkbox" id=(name) name=(name) value="on" checked[checked]
                aria-describedby=[hint.map(|_| hint_id.as_str())];
            label for=(name) { (label) }
            @if let Some(hint) = hint { span class="hint" id=(hint_id) { (hint) } }
        }
    }
}

/// A multi-line text field with its label, hint, error and typed value.
pub fn textarea(name: &'static str, label: &str, value: &str, hint: Option<&str>, errors: &FieldErrors) -> Markup {
    let error = errors.get(name);
    let error_id = format!("{name}-error");
    let hint_id = format!("{name}-hint");
    let described = [hint.map(|_| hint_id.as_str()), error.map(|_| error_id.as_str())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    html! {
        div class={ "field" @if error.is_some() { " has-error" } } {
            label for=(name) { (label) }
            @if let Some(hint) = hint { span class="hint" id=(hint_id) { (hint) } }
            @if let Some(error) = error { span class="field-error" id=(error_id) { "Error: " (error) } }
            textarea id=(name) name=(name) rows="6" aria-invalid=[error.map(|_| "true")]
                aria-describedby=[(!described.is_empty()).then_some(described.as_str())] { (value) }
        }
    }
}

/// The values of a [`Choice`] as select options, optionally after a first (empty) one.
pub fn choice_options<C: Choice>(first: Option<(&str, &str)>) -> Vec<(String, String)> {
    first
        .into_iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .chain(C::ALL.iter().map(|c| (c.as_str().to_string(), c.label().to_string())))
        .collect()
}
