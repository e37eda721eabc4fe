//! The fields of a quotation, as the agent who records one and the
//! contractor who sends one both fill them in.

use maud::{Markup, html};

use crate::domain::quotes::{LINE_FIELDS, LineKind, QuoteForm, VatRate};
use crate::domain::validation::FieldErrors;
use crate::web::ui::form::{Input, choice_options, select, textarea};

/// How many quote lines the form shows.
pub const LINES_SHOWN: usize = 3;

/// The names of the fields [`fields`] shows, in page order (for the error summary).
pub const FIELD_NAMES: [&str; 3 * LINES_SHOWN + 5] = {
    let mut names = [""; 3 * LINES_SHOWN + 5];
    let mut n = 0;
    while n < LINES_SHOWN {
        names[3 * n] = LINE_FIELDS[n].0;
        names[3 * n + 1] = LINE_FIELDS[n].1;
        names[3 * n + 2] = LINE_FIELDS[n].2;
        n += 1;
    }
    names[3 * LINES_SHOWN] = "vat_rate";
    names[3 * LINES_SHOWN + 1] = "lead_time_days";
    names[3 * LINES_SHOWN + 2] = "duration";
    names[3 * LINES_SHOWN + 3] = "valid_until";
    names[3 * LINES_SHOWN + 4] = "notes";
    names
};

/// The lines, VAT, lead time, duration, validity and notes of a quote.
pub fn fields(form: &QuoteForm, errors: &FieldErrors) -> Markup {
    html! {
        @for (n, (kind, description, amount)) in LINE_FIELDS.iter().take(LINES_SHOWN).enumerate() {
            fieldset {
                legend { "Line " (n + 1) @if n > 0 { " (optional)" } }
                (select(kind, "Kind", &choice_options::<LineKind>(None), &form.lines[n].0, errors))
                (Input::text(description, "What it is for", &form.lines[n].1).render(errors))
                (Input::text(amount, "Amount before VAT, £", &form.lines[n].2).inputmode("decimal").render(errors))
            }
        }
        (select("vat_rate", "VAT", &choice_options::<VatRate>(None), &form.vat_rate, errors))
        (Input::text("lead_time_days", "Can start within (days, optional)", &form.lead_time_days).inputmode("numeric").render(errors))
        (Input::text("duration", "Expected duration (optional)", &form.duration).hint("For example: half a day").render(errors))
        (Input::text("valid_until", "Valid until (optional)", &form.valid_until).kind("date").render(errors))
        (textarea("notes", "Notes (optional)", &form.notes, None, errors))
    }
}
