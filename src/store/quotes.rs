//! Quotations on work orders: recorded with their lines, accepted (the others
//! declined, the work order moved on) or, above the landlord's repair
//! approval limit, held for the landlord's decision. Every step is audited on
//! the work order, so it is on its timeline.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, ActorType, Changes};
use crate::domain::choice::Choice;
use crate::domain::money::money;
use crate::domain::quotes::{LineKind, QuoteFields, QuoteForm, QuoteStatus, VatRate};
use crate::domain::tenancies::pounds_input;
use crate::domain::work_orders::WorkOrderStatus;
use crate::store::audit;
use crate::store::work_orders::{self, ENTITY, MoveError, WorkOrder};
use crate::{on_pool, on_tx};

/// A quote as stored, with its contractor's company name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Quote {
    pub id: Uuid,
    pub org_id: Uuid,
    pub work_order_id: Uuid,
    pub contractor_id: Uuid,
    pub contractor_name: String,
    pub contractor_insurance_expires_on: Option<NaiveDate>,
    #[sqlx(try_from = "String")]
    pub status: QuoteStatus,
    #[sqlx(try_from = "String")]
    pub vat_rate: VatRate,
    pub net_pence: i64,
    pub vat_pence: i64,
    pub total_pence: i64,
    pub lead_time_days: Option<i32>,
    pub duration: Option<String>,
    pub valid_until: Option<NaiveDate>,
    pub notes: Option<String>,
    pub recorded_by_name: String,
    /// The PDF the contractor attached (a work order file), if any.
    pub file_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl Quote {
    /// The quote as its form shows it (for amending), with its `lines`.
    pub fn to_form(&self, lines: &[Line]) -> QuoteForm {
        let mut form = QuoteForm {
            contractor_id: self.contractor_id.to_string(),
            vat_rate: self.vat_rate.as_str().into(),
            lead_time_days: self.lead_time_days.map(|d| d.to_string()).unwrap_or_default(),
            duration: self.duration.clone().unwrap_or_default(),
            valid_until: self.valid_until.map(|d| d.to_string()).unwrap_or_default(),
            notes: self.notes.clone().unwrap_or_default(),
            ..QuoteForm::default()
        };
        for (slot, line) in form
            .lines
            .iter_mut()
            .zip(lines.iter().filter(|l| l.quote_id == self.id))
        {
            *slot = (
                line.kind.as_str().into(),
                line.description.clone(),
                pounds_input(line.amount_pence),
            );
        }
        form
    }
}

/// A line of a stored quote.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Line {
    pub quote_id: Uuid,
    #[sqlx(try_from = "String")]
    pub kind: LineKind,
    pub description: String,
    pub amount_pence: i64,
}

/// `SELECT <every Quote column> FROM quotes q JOIN contractors c <tail>`;
/// with `with_property`, also the work order's property (`w` is joined).
macro_rules! select_quote {
    ($tail:literal) => {
        select_quote!(@columns "", "", $tail)
    };
    (with_property $tail:literal) => {
        select_quote!(
            @columns ", w.property_id",
            "JOIN work_orders w ON w.id = q.work_order_id AND w.org_id = q.org_id ",
            $tail
        )
    };
    (@columns $extra:literal, $join:literal, $tail:literal) => {
        concat!(
            "SELECT q.id, q.org_id, q.work_order_id, q.contractor_id, c.company_name AS contractor_name, \
             c.insurance_expires_on AS contractor_insurance_expires_on, q.status, q.vat_rate, q.net_pence, \
             q.vat_pence, q.total_pence, q.lead_time_days, q.duration, q.valid_until, q.notes, q.recorded_by_name, q.file_id, \
             q.created_at",
            $extra,
            " FROM quotes q JOIN contractors c ON c.id = q.contractor_id AND c.org_id = q.org_id ",
            $join,
            $tail
        )
    };
}

/// A quote with the property its work order is on.
#[derive(Debug, sqlx::FromRow)]
struct OnProperty {
    #[sqlx(flatten)]
    quote: Quote,
    property_id: Uuid,
}

/// Why a quote could not be recorded or decided.
#[derive(Debug, thiserror::Error)]
pub enum QuoteError {
    /// The work order is past taking quotes, or the quote past this decision.
    #[error("{0}")]
    Refused(String),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<MoveError> for QuoteError {
    fn from(err: MoveError) -> QuoteError {
        match err {
            MoveError::NotAllowed { from, .. } => {
                QuoteError::Refused(format!("The work order is {} now.", from.to_lowercase()))
            }
            MoveError::Database(err) => QuoteError::Database(err),
        }
    }
}

/// Whether a work order in this status takes quotes.
pub fn takes_quotes(status: WorkOrderStatus) -> bool {
    matches!(status, WorkOrderStatus::New | WorkOrderStatus::QuotesRequested)
}

/// Records a contractor's quote (a new work order moves to "quotes
/// requested"); returns its id. A contractor has one open quote per work
/// order: a second submission amends the first while it is not yet with the
/// landlord, and two racing submissions of one form make one quote.
pub async fn record(
    tx: &mut Tx,
    order: &WorkOrder,
    contractor_id: Uuid,
    contractor_name: &str,
    f: &QuoteFields,
    actor: &Actor,
) -> Result<Uuid, QuoteError> {
    if !takes_quotes(order.status) {
        return Err(QuoteError::Refused(format!(
            "{} is {} and takes no more quotes.",
            order.reference(),
            order.status.label().to_lowercase()
        )));
    }
    let open: Option<(Uuid, String)> = on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, status FROM quotes WHERE work_order_id = $1 AND contractor_id = $2 \
         AND status IN ('submitted', 'awaiting_landlord')"
    )
    .bind(order.id)
    .bind(contractor_id)
    .fetch_optional(conn)
    .await)?;
    if let Some((_, status)) = &open
        && status.as_str() != QuoteStatus::Submitted.as_str()
    {
        return Err(QuoteError::Refused(format!(
            "The quote from {contractor_name} is with the landlord for approval and can no longer be changed."
        )));
    }
    if order.status == WorkOrderStatus::New {
        work_orders::move_to(tx, order, WorkOrderStatus::QuotesRequested, None, actor).await?;
    }
    let now = super::now();
    let (id, verb) = match open {
        Some((id, _)) => {
            on_tx!(tx, |conn| sqlx::query(
                "UPDATE quotes SET vat_rate = $1, net_pence = $2, vat_pence = $3, total_pence = $4, \
                 lead_time_days = $5, duration = $6, valid_until = $7, notes = $8, recorded_by_name = $9, \
                 updated_at = $10 WHERE id = $11 AND status = 'submitted'"
            )
            .bind(f.vat_rate.as_str())
            .bind(f.net_pence())
            .bind(f.vat_pence())
            .bind(f.total_pence())
            .bind(f.lead_time_days)
            .bind(&f.duration)
            .bind(f.valid_until)
            .bind(&f.notes)
            .bind(&actor.name)
            .bind(now)
            .bind(id)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
            on_tx!(tx, |conn| sqlx::query("DELETE FROM quote_lines WHERE quote_id = $1")
                .bind(id)
                .execute(conn)
                .await
                .map(|r| r.rows_affected()))?;
            (id, "amended")
        }
        None => {
            let id = super::new_id();
            let inserted = on_tx!(tx, |conn| {
                sqlx::query(
                "INSERT INTO quotes (id, org_id, work_order_id, contractor_id, status, vat_rate, net_pence, vat_pence, \
                 total_pence, lead_time_days, duration, valid_until, notes, recorded_by_name, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, 'submitted', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) \
                 ON CONFLICT (work_order_id, contractor_id) WHERE status IN ('submitted', 'awaiting_landlord') \
                 DO NOTHING"
            )
            .bind(id)
            .bind(order.org_id)
            .bind(order.id)
            .bind(contractor_id)
            .bind(f.vat_rate.as_str())
            .bind(f.net_pence())
            .bind(f.vat_pence())
            .bind(f.total_pence())
            .bind(f.lead_time_days)
            .bind(&f.duration)
            .bind(f.valid_until)
            .bind(&f.notes)
            .bind(&actor.name)
            .bind(now)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
            })?;
            if inserted == 0 {
                // The same form, submitted twice at once: the other one made it.
                let made: Uuid = on_tx!(tx, |conn| sqlx::query_scalar(
                    "SELECT id FROM quotes WHERE work_order_id = $1 AND contractor_id = $2 \
                     AND status IN ('submitted', 'awaiting_landlord')"
                )
                .bind(order.id)
                .bind(contractor_id)
                .fetch_one(conn)
                .await)?;
                return Ok(made);
            }
            (id, "")
        }
    };
    for (position, line) in f.lines.iter().enumerate() {
        let position = i32::try_from(position).unwrap_or(i32::MAX);
        on_tx!(tx, |conn| sqlx::query(
            "INSERT INTO quote_lines (quote_id, position, kind, description, amount_pence) VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(id)
        .bind(position)
        .bind(line.kind.as_str())
        .bind(&line.description)
        .bind(line.amount_pence)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    }
    let total = money(f.total_pence());
    let description = match (actor.kind, verb) {
        (ActorType::Contractor, "amended") => {
            format!(
                "amended their quotation for {} to {total}{}",
                order.reference(),
                actor.via()
            )
        }
        (ActorType::Contractor, _) => {
            format!(
                "submitted a quotation of {total} for {}{}",
                order.reference(),
                actor.via()
            )
        }
        (_, "amended") => format!(
            "recorded an amended quotation of {total} from {contractor_name} for {}",
            order.reference()
        ),
        _ => format!(
            "recorded a quotation of {total} from {contractor_name} for {}",
            order.reference()
        ),
    };
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor,
            action: "work_order.quote",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description,
            changes: Changes::new(),
        },
    )
    .await?;
    Ok(id)
}

/// A work order's quotes (cheapest first) and all their lines.
pub async fn for_work_order(
    db: &Db,
    org_id: Uuid,
    work_order_id: Uuid,
) -> Result<(Vec<Quote>, Vec<Line>), sqlx::Error> {
    let quotes: Vec<Quote> = on_pool!(db, |pool| sqlx::query_as(select_quote!(
        "WHERE q.org_id = $1 AND q.work_order_id = $2 ORDER BY q.total_pence, q.id"
    ))
    .bind(org_id)
    .bind(work_order_id)
    .fetch_all(pool)
    .await)?;
    let lines: Vec<Line> = on_pool!(db, |pool| {
        sqlx::query_as(
        "SELECT l.quote_id, l.kind, l.description, l.amount_pence FROM quote_lines l JOIN quotes q ON q.id = l.quote_id \
         WHERE q.org_id = $1 AND q.work_order_id = $2 ORDER BY l.quote_id, l.position"
    )
    .bind(org_id)
    .bind(work_order_id)
    .fetch_all(pool)
    .await
    })?;
    Ok((quotes, lines))
}

/// One quote of one work order of this agency.
pub async fn get(db: &Db, org_id: Uuid, work_order_id: Uuid, id: Uuid) -> Result<Option<Quote>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_quote!(
        "WHERE q.org_id = $1 AND q.work_order_id = $2 AND q.id = $3"
    ))
    .bind(org_id)
    .bind(work_order_id)
    .bind(id)
    .fetch_optional(pool)
    .await)
}

/// Moves a quote from `from` to `to`; false when it was no longer `from`.
async fn set_status(tx: &mut Tx, quote: &Quote, from: QuoteStatus, to: QuoteStatus) -> Result<bool, sqlx::Error> {
    let moved = on_tx!(tx, |conn| sqlx::query(
        "UPDATE quotes SET status = $1, updated_at = $2 WHERE id = $3 AND org_id = $4 AND status = $5"
    )
    .bind(to.as_str())
    .bind(super::now())
    .bind(quote.id)
    .bind(quote.org_id)
    .bind(from.as_str())
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(moved == 1)
}

/// Makes `quote` the accepted one: the others still open are declined and
/// the work order moves to "quote accepted".
async fn conclude(tx: &mut Tx, order: &WorkOrder, quote: &Quote, actor: &Actor) -> Result<(), QuoteError> {
    work_orders::decline_open_quotes(tx, order, Some(quote.id)).await?;
    work_orders::move_to(tx, order, WorkOrderStatus::QuoteAccepted, None, actor).await?;
    Ok(())
}

/// What accepting a quote came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acceptance {
    /// Accepted; the work order moved on.
    Accepted,
    /// Above the landlord's limit: waiting for their approval.
    AwaitingLandlord,
}

/// The agent accepts a received quote: within the landlord's repair approval
/// limit it is accepted at once; above it, it waits for the landlord.
pub async fn accept(
    tx: &mut Tx,
    order: &WorkOrder,
    quote: &Quote,
    landlord_limit_pence: i64,
    actor: &Actor,
) -> Result<Acceptance, QuoteError> {
    let refused = || QuoteError::Refused("This quote has already been decided.".into());
    if order.status != WorkOrderStatus::QuotesRequested {
        return Err(QuoteError::Refused(format!(
            "{} is {} and takes no quote now.",
            order.reference(),
            order.status.label().to_lowercase()
        )));
    }
    let above = quote.total_pence > landlord_limit_pence;
    let to = if above {
        QuoteStatus::AwaitingLandlord
    } else {
        QuoteStatus::Accepted
    };
    if !set_status(tx, quote, QuoteStatus::Submitted, to).await? {
        return Err(refused());
    }
    let description = if above {
        format!(
            "accepted the quotation of {} from {}; above the landlord's {} limit, it waits for their approval",
            money(quote.total_pence),
            quote.contractor_name,
            money(landlord_limit_pence)
        )
    } else {
        conclude(tx, order, quote, actor).await?;
        format!(
            "accepted the quotation of {} from {}",
            money(quote.total_pence),
            quote.contractor_name
        )
    };
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor,
            action: "work_order.quote_accept",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description,
            changes: Changes::new(),
        },
    )
    .await?;
    Ok(if above {
        Acceptance::AwaitingLandlord
    } else {
        Acceptance::Accepted
    })
}

/// The landlord approves or declines a quote waiting for them.
pub async fn landlord_decides(
    tx: &mut Tx,
    order: &WorkOrder,
    quote: &Quote,
    approve: bool,
    actor: &Actor,
) -> Result<(), QuoteError> {
    let to = if approve {
        QuoteStatus::Accepted
    } else {
        QuoteStatus::Declined
    };
    if !set_status(tx, quote, QuoteStatus::AwaitingLandlord, to).await? {
        return Err(QuoteError::Refused("This quote has already been decided.".into()));
    }
    if approve {
        conclude(tx, order, quote, actor).await?;
    }
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor,
            action: "work_order.quote_landlord",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description: format!(
                "{} the quotation of {} from {}",
                if approve { "approved" } else { "declined" },
                money(quote.total_pence),
                quote.contractor_name
            ),
            changes: Changes::new(),
        },
    )
    .await?;
    Ok(())
}

/// The quotes waiting for a landlord's approval on these properties (the
/// caller's scope), each with its property's id, in one query.
pub async fn awaiting_landlord_on(
    db: &Db,
    org_id: Uuid,
    property_ids: &[Uuid],
) -> Result<Vec<(Uuid, Quote)>, sqlx::Error> {
    if property_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<OnProperty> = on_pool!(db, |pool| {
        let mut query = sqlx::QueryBuilder::new(select_quote!(with_property "WHERE q.org_id = "));
        query.push_bind(org_id).push(" AND q.status = ");
        query.push_bind(QuoteStatus::AwaitingLandlord.as_str());
        query.push(" AND w.property_id IN (");
        let mut ids = query.separated(", ");
        for id in property_ids {
            ids.push_bind(*id);
        }
        query.push(") ORDER BY q.created_at, q.id");
        query.build_query_as::<OnProperty>().fetch_all(pool).await
    })?;
    Ok(rows.into_iter().map(|row| (row.property_id, row.quote)).collect())
}

/// One quote of a work order on this property (the caller's scope).
pub async fn get_on_property(db: &Db, org_id: Uuid, property_id: Uuid, id: Uuid) -> Result<Option<Quote>, sqlx::Error> {
    let row: Option<OnProperty> = on_pool!(db, |pool| {
        let mut query = sqlx::QueryBuilder::new(select_quote!(with_property "WHERE q.org_id = "));
        query.push_bind(org_id).push(" AND w.property_id = ");
        query.push_bind(property_id).push(" AND q.id = ");
        query.push_bind(id);
        query.build_query_as::<OnProperty>().fetch_optional(pool).await
    })?;
    Ok(row.map(|row| row.quote))
}

/// Attaches a stored PDF (a work order file) to an open quote, audited as the
/// contractor's; false when the quote is no longer open.
pub async fn attach_file(
    tx: &mut Tx,
    order: &WorkOrder,
    quote: &Quote,
    file_id: Uuid,
    actor: &Actor,
) -> Result<bool, sqlx::Error> {
    let attached = on_tx!(tx, |conn| sqlx::query(
        "UPDATE quotes SET file_id = $1, updated_at = $2 WHERE id = $3 AND work_order_id = $4 AND org_id = $5 \
         AND status = 'submitted'"
    )
    .bind(file_id)
    .bind(super::now())
    .bind(quote.id)
    .bind(order.id)
    .bind(order.org_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if attached == 0 {
        return Ok(false);
    }
    if let Some(replaced) = quote.file_id {
        // The PDF it replaces goes (its bytes are removed once this commits).
        on_tx!(tx, |conn| sqlx::query(
            "DELETE FROM work_order_files WHERE id = $1 AND work_order_id = $2"
        )
        .bind(replaced)
        .bind(order.id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    }
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor,
            action: "work_order.quote_file",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description: format!(
                "attached a PDF to their quotation for {}{}",
                order.reference(),
                actor.via()
            ),
            changes: Changes::new(),
        },
    )
    .await?;
    Ok(true)
}
