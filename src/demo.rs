//! `portico serve --demo`: a realistic demo agency to click through. Later issues
//! add properties, tenancies and the rest to it.

use crate::db::Db;
use crate::domain::audit::Actor;
use crate::domain::compliance::CertificateForm;
use crate::domain::landlords::LandlordForm;
use crate::domain::offers::{OfferForm, OfferStatus};
use crate::domain::properties::PropertyForm;
use crate::domain::properties::PropertyStatus;
use crate::domain::tasks::TaskForm;
use crate::domain::tenancies::{TenancyForm, TenantRow};
use crate::domain::users::Role;
use crate::domain::validation::Email;
use crate::passwords;
use crate::provision;
use crate::store::orgs;
use crate::store::users::{self, NewUser};
use crate::store::{certificates, landlords, offers, portal, portal_messages, properties, tasks, tenancies};

/// The demo admin's sign-in email.
pub const ADMIN_EMAIL: &str = "admin@harbourandhearth.example";
/// The demo agency's name.
pub const AGENCY_NAME: &str = "Harbour & Hearth Lettings";

/// The demo admin's login, printed as one line at start.
#[derive(Debug)]
pub struct DemoLogin {
    /// Sign-in email.
    pub email: String,
    /// A fresh random password.
    pub password: String,
}

/// Creates the demo agency on first use; afterwards resets its admin's password.
pub async fn ensure(db: &Db, files: &dyn object_store::ObjectStore) -> anyhow::Result<DemoLogin> {
    let password = passwords::one_time_password();
    if let Some(org) = orgs::find_demo(db).await? {
        provision::set_password(db, ADMIN_EMAIL, &password, false).await?;
        ensure_portal(db, files, &org).await?;
        if crate::store::deposits::count(db, org.id).await? == 0 {
            ensure_deposit_releases(db, &org).await?;
        }
        ensure_contractors(db, &org).await?;
        ensure_work_orders(db, files, &org).await?;
        return Ok(DemoLogin {
            email: ADMIN_EMAIL.into(),
            password,
        });
    }
    let agency = provision::create_agency_with_password(
        db,
        AGENCY_NAME,
        ADMIN_EMAIL,
        Some("Alex Morgan"),
        &password,
        false,
        true,
    )
    .await?;
    let org_id = agency.org.id;
    let system = Actor::system();
    let mut tx = db.begin().await?;
    orgs::set_support(&mut tx, org_id, "hello@harbourandhearth.example", "0117 496 0123").await?;
    let bristol = orgs::create_branch(&mut tx, org_id, "Bristol Harbourside").await?;
    let bath = orgs::create_branch(&mut tx, org_id, "Bath City").await?;
    let mut agents = Vec::new();
    for (name, email) in [
        ("Priya Shah", "priya.shah@harbourandhearth.example"),
        ("Tom Edwards", "tom.edwards@harbourandhearth.example"),
    ] {
        let hash = passwords::hash(&passwords::one_time_password()).await?;
        let new = NewUser {
            name: name.into(),
            email: Email::parse(email).map_err(anyhow::Error::msg)?,
            role: Role::Agent,
        };
        let user = users::create(&mut tx, org_id, &new, &hash, true, &system).await?;
        agents.push(user.id);
    }
    let mut tenancy_count = 0usize;
    let mut property_seed = 0usize;
    for (i, mut form) in demo_landlords().into_iter().enumerate() {
        form.branch_id = if i % 3 == 0 { bath.id } else { bristol.id }.to_string();
        if i % 5 != 4 {
            form.managed_by_user_id = agents[i % agents.len()].to_string();
        }
        let fields = form
            .parse()
            .map_err(|errors| anyhow::anyhow!("invalid demo landlord {}: {errors:?}", form.email))?;
        let landlord_id = landlords::create(&mut tx, org_id, &fields, None, &system).await?;
        if fields.status != crate::domain::landlords::LandlordStatus::Archived {
            let branch = if i % 3 == 0 { bath.id } else { bristol.id };
            for property in demo_properties(i, landlord_id, branch) {
                let fields = property.parse().map_err(|errors| {
                    anyhow::anyhow!("invalid demo property {}: {errors:?}", property.address_line1)
                })?;
                let property_id = properties::create(&mut tx, org_id, &fields, &system).await?;
                property_seed += 1;
                for certificate in demo_certificates(property_seed, &fields) {
                    let certificate = certificate
                        .parse()
                        .map_err(|errors| anyhow::anyhow!("invalid demo certificate: {errors:?}"))?;
                    certificates::create(
                        &mut tx,
                        org_id,
                        property_id,
                        &fields.address_line1,
                        &certificate,
                        &system,
                    )
                    .await?;
                }
                for (task, complete) in demo_tasks(property_seed, agents[property_seed % agents.len()]) {
                    let task_fields = task
                        .parse()
                        .map_err(|errors| anyhow::anyhow!("invalid demo task: {errors:?}"))?;
                    let task_id = tasks::create(
                        &mut tx,
                        org_id,
                        property_id,
                        &fields.address_line1,
                        &task_fields,
                        &system,
                    )
                    .await?;
                    if complete {
                        let task = tasks::get_in_tx(&mut tx, org_id, task_id).await?;
                        tasks::complete(&mut tx, &task, &system).await?;
                    }
                }
                if let Some((offer, path)) = demo_offer(property_seed, fields.status) {
                    let offer_fields = offer
                        .parse()
                        .map_err(|errors| anyhow::anyhow!("invalid demo offer: {errors:?}"))?;
                    let offer_id = offers::create(
                        &mut tx,
                        org_id,
                        property_id,
                        &fields.address_line1,
                        &offer_fields,
                        &system,
                    )
                    .await?;
                    for step in path {
                        let offer = offers::get_in_tx(&mut tx, org_id, offer_id).await?;
                        offers::move_to(&mut tx, &offer, *step, &system)
                            .await
                            .map_err(|err| anyhow::anyhow!("demo offer: {err}"))?;
                    }
                }
                if property_seed % 3 != 1 {
                    for document in demo_documents(property_seed, &fields.address_line1) {
                        upload_document(&mut tx, files, org_id, property_id, &fields.address_line1, document).await?;
                    }
                }
                for tenancy in demo_tenancies(&mut tenancy_count, fields.status) {
                    let tenancy_fields = tenancy
                        .parse()
                        .map_err(|errors| anyhow::anyhow!("invalid demo tenancy: {errors:?}"))?;
                    tenancies::create(
                        &mut tx,
                        org_id,
                        property_id,
                        &fields.address_line1,
                        &tenancy_fields,
                        &system,
                    )
                    .await?
                    .map_err(|refused| anyhow::anyhow!("demo tenancy refused: {refused:?}"))?;
                }
            }
        }
    }
    tx.commit().await?;
    ensure_portal(db, files, &agency.org).await?;
    ensure_deposit_releases(db, &agency.org).await?;
    ensure_contractors(db, &agency.org).await?;
    ensure_work_orders(db, files, &agency.org).await?;
    Ok(DemoLogin {
        email: ADMIN_EMAIL.into(),
        password,
    })
}

/// The demo's contractors, once: several trades, one whose insurance has
/// lapsed, one with no insurance on record, one archived.
async fn ensure_contractors(db: &Db, org: &orgs::Organisation) -> anyhow::Result<()> {
    use crate::domain::contractors::{ContractorForm, ContractorStatus};
    use crate::store::contractors;
    if contractors::count(db, org.id).await? > 0 {
        return Ok(());
    }
    let today = crate::clock::Clock::default().today();
    let in_days = |days: i64| (today + chrono::TimeDelta::days(days)).to_string();
    let demo = [
        (
            "Sparks & Sons Electrical",
            "Dev Sparks",
            "jobs@sparksandsons.example",
            "0117 496 0456",
            &["electrical"][..],
            "",
            "NICEIC 601234",
            in_days(200),
        ),
        (
            "Avon Gas & Heating",
            "Maria Lopez",
            "office@avongas.example",
            "0117 496 0789",
            &["gas", "heating", "plumbing"][..],
            "548213",
            "",
            in_days(20),
        ),
        (
            "Clifton Roofing",
            "Sam O'Neill",
            "sam@cliftonroofing.example",
            "07700 900123",
            &["roofing", "general"][..],
            "",
            "",
            in_days(-12),
        ),
        (
            "Harbour Handyman Services",
            "Lee Carter",
            "lee@harbourhandyman.example",
            "07700 900456",
            &["general", "carpentry", "decorating", "locksmith"][..],
            "",
            "",
            String::new(),
        ),
        (
            "Spotless Bristol Cleaning",
            "Ann Wright",
            "bookings@spotless.example",
            "0117 496 0999",
            &["cleaning"][..],
            "",
            "",
            in_days(320),
        ),
        (
            "Bath Drain Care",
            "Kofi Mensah",
            "kofi@bathdrains.example",
            "01225 496 012",
            &["drainage", "plumbing"][..],
            "",
            "",
            in_days(90),
        ),
    ];
    let system = Actor::system();
    let mut tx = db.begin().await?;
    let mut last = None;
    for (company, contact, email, phone, trades, gas, electrical, insurance) in demo {
        let form = ContractorForm {
            company_name: company.into(),
            contact_name: contact.into(),
            email: email.into(),
            phone: phone.into(),
            trades: trades.iter().map(|t| t.to_string()).collect(),
            gas_safe_number: gas.into(),
            electrical_registration: electrical.into(),
            insurance_expires_on: insurance,
            notes: String::new(),
        };
        let fields = form
            .parse()
            .map_err(|errors| anyhow::anyhow!("invalid demo contractor: {errors:?}"))?;
        last = Some(contractors::create(&mut tx, org.id, &fields, &system).await?);
    }
    tx.commit().await?;
    if let Some(id) = last
        && let Some(contractor) = contractors::get(db, org.id, id).await?
    {
        let mut tx = db.begin().await?;
        contractors::set_status(&mut tx, &contractor, ContractorStatus::Archived, &system).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The demo's work orders, once: each priority, reported by different
/// people, and one cancelled with its reason.
async fn ensure_work_orders(
    db: &Db,
    files: &dyn object_store::ObjectStore,
    org: &orgs::Organisation,
) -> anyhow::Result<()> {
    use crate::domain::work_orders::{WorkOrderForm, WorkOrderStatus};
    use crate::store::work_orders;
    if work_orders::open_count(db, org.id).await? > 0 {
        return Ok(());
    }
    let properties = crate::store::properties::list(
        db,
        org.id,
        &crate::store::properties::ListFilter::default(),
        &crate::store::PageAt::First,
        10,
    )
    .await?
    .rows;
    let demo = [
        (
            "Boiler not firing, no hot water",
            "Pressure gauge at zero since Sunday night.",
            "emergency",
            "tenant",
            "Grace Okafor",
            "Key safe by the front door; code given on instruction",
            "450",
        ),
        (
            "Damp patch on the bedroom ceiling",
            "Growing after the rain last week; the flat above is empty.",
            "urgent",
            "landlord",
            "the landlord",
            "",
            "",
        ),
        (
            "Garden gate latch broken",
            "",
            "routine",
            "agent",
            "",
            "Side passage, no key needed",
            "120",
        ),
        (
            "Smoke alarm chirping in the hall",
            "Battery warning every minute.",
            "urgent",
            "tenant",
            "Oliver Grant",
            "",
            "80",
        ),
        (
            "Repaint the communal stairwell",
            "",
            "routine",
            "agent",
            "",
            "",
            "1,800",
        ),
        (
            "Kitchen tap dripping",
            "Drips constantly even when turned off hard.",
            "routine",
            "tenant",
            "Priya Shah",
            "Tenant home after 4 pm",
            "150",
        ),
        (
            "Bathroom extractor fan not working",
            "",
            "routine",
            "tenant",
            "Tom Baker",
            "Call the tenant first",
            "200",
        ),
        (
            "Clear the gutters before winter",
            "",
            "routine",
            "agent",
            "",
            "Ladder access from the back garden",
            "180",
        ),
        (
            "Replace a broken fence panel",
            "Blown down in the storm.",
            "routine",
            "landlord",
            "the landlord",
            "Side gate, no key needed",
            "250",
        ),
        ("Front door lock stiff", "", "routine", "tenant", "Grace Okafor", "", ""),
    ];
    let system = Actor::system();
    let mut tx = db.begin().await?;
    let mut raised = Vec::new();
    for (property, (title, description, priority, raised_by, reporter, access, budget)) in properties.iter().zip(demo) {
        let form = WorkOrderForm {
            title: title.into(),
            description: description.into(),
            priority: priority.into(),
            raised_by: raised_by.into(),
            reporter_name: reporter.into(),
            access_instructions: access.into(),
            occupier_contact: String::new(),
            budget: budget.into(),
        };
        let fields = form
            .parse()
            .map_err(|errors| anyhow::anyhow!("invalid demo work order: {errors:?}"))?;
        let (id, _) =
            work_orders::create(&mut tx, org.id, property.id, &property.address_line1, &fields, &system).await?;
        raised.push(id);
    }
    tx.commit().await?;
    if let Some(first) = raised.first()
        && let Some(order) = work_orders::get(db, org.id, *first).await?
    {
        quote_demo(db, org, &order).await?;
    }
    progress_demo_work_orders(db, files, org, &raised).await?;
    if let Some(id) = raised.get(4)
        && let Some(order) = work_orders::get(db, org.id, *id).await?
    {
        let mut tx = db.begin().await?;
        work_orders::move_to(
            &mut tx,
            &order,
            WorkOrderStatus::Cancelled,
            Some("The freeholder's own decorators will do it"),
            &system,
        )
        .await
        .map_err(|err| anyhow::anyhow!("demo work order: {err}"))?;
        tx.commit().await?;
    }
    Ok(())
}

/// Moves the demo's work orders on, so that every status is shown: a quote
/// request waiting for Harbour Handyman (the printed contractor link), a
/// scheduled job, completed and invoiced jobs with a certificate awaiting
/// the agent's check, a closed one and an accepted quote.
async fn progress_demo_work_orders(
    db: &Db,
    files: &dyn object_store::ObjectStore,
    org: &orgs::Organisation,
    raised: &[uuid::Uuid],
) -> anyhow::Result<()> {
    use crate::domain::contractor_port::{AppointmentWindow, InvitedTo};
    use crate::domain::work_orders::WorkOrderStatus;
    use crate::store::{contractor_links, work_orders};
    let filter = crate::store::contractors::ListFilter {
        status: Some(crate::domain::contractors::ContractorStatus::Active),
        ..Default::default()
    };
    let contractors = crate::store::contractors::list(db, org.id, &filter, &crate::store::PageAt::First, 20)
        .await?
        .rows;
    let find = |name: &str| contractors.iter().find(|c| c.company_name == name).map(|c| c.id);
    let (Some(sparks), Some(avon), Some(roofing), Some(harbour)) = (
        find("Sparks & Sons Electrical"),
        find("Avon Gas & Heating"),
        find("Clifton Roofing"),
        find("Harbour Handyman Services"),
    ) else {
        return Ok(());
    };
    let system = Actor::system();
    let today = crate::clock::Clock::default().today();
    let link_days = chrono::TimeDelta::days(30);
    let order = async |n: usize| -> anyhow::Result<Option<work_orders::WorkOrder>> {
        Ok(match raised.get(n) {
            Some(id) => work_orders::get(db, org.id, *id).await?,
            None => None,
        })
    };
    let err = |e: work_orders::MoveError| anyhow::anyhow!("demo work order: {e}");
    // The boiler: the two quoting contractors have their links.
    if let Some(w) = order(0).await? {
        let mut tx = db.begin().await?;
        for contractor in [avon, harbour] {
            contractor_links::issue(&mut tx, &w, contractor, InvitedTo::Quote, link_days, &system).await?;
        }
        tx.commit().await?;
    }
    // The damp patch: the roofer instructed, with an appointment.
    if let Some(w) = order(1).await? {
        let mut tx = db.begin().await?;
        work_orders::instruct(&mut tx, &w, roofing, "Clifton Roofing", &system)
            .await
            .map_err(err)?;
        let link = contractor_links::issue(&mut tx, &w, roofing, InvitedTo::Instruct, link_days, &system).await?;
        let w = work_orders::WorkOrder {
            status: WorkOrderStatus::Instructed,
            contractor_id: Some(roofing),
            ..w
        };
        work_orders::set_appointment(
            &mut tx,
            &w,
            today + chrono::TimeDelta::days(2),
            AppointmentWindow::Morning,
            &link.actor(),
        )
        .await
        .map_err(err)?;
        tx.commit().await?;
    }
    // The garden gate: Harbour Handyman asked to quote (the printed link).
    if let Some(w) = order(2).await? {
        let mut tx = db.begin().await?;
        work_orders::move_to(&mut tx, &w, WorkOrderStatus::QuotesRequested, None, &system)
            .await
            .map_err(err)?;
        contractor_links::issue(&mut tx, &w, harbour, InvitedTo::Quote, link_days, &system).await?;
        tx.commit().await?;
    }
    // The smoke alarm: done and invoiced, its certificate awaiting a check.
    if let Some(w) = order(3).await? {
        complete_demo(
            db,
            files,
            &w,
            sparks,
            "Sparks & Sons Electrical",
            Some(("SS-1042", 9_600)),
            true,
        )
        .await?;
    }
    // The dripping tap: instructed, no appointment yet.
    if let Some(w) = order(5).await? {
        let mut tx = db.begin().await?;
        work_orders::instruct(&mut tx, &w, avon, "Avon Gas & Heating", &system)
            .await
            .map_err(err)?;
        contractor_links::issue(&mut tx, &w, avon, InvitedTo::Instruct, link_days, &system).await?;
        tx.commit().await?;
    }
    // The extractor fan: completed under warranty, no invoice.
    if let Some(w) = order(6).await? {
        complete_demo(db, files, &w, harbour, "Harbour Handyman Services", None, false).await?;
    }
    // The gutters: completed and closed.
    if let Some(w) = order(7).await? {
        complete_demo(db, files, &w, roofing, "Clifton Roofing", None, false).await?;
        if let Some(done) = work_orders::get(db, org.id, w.id).await? {
            let mut tx = db.begin().await?;
            work_orders::move_to(&mut tx, &done, WorkOrderStatus::Closed, None, &system)
                .await
                .map_err(err)?;
            tx.commit().await?;
        }
    }
    // The fence: a quote under the landlord's limit, accepted.
    if let Some(w) = order(8).await? {
        let fields = crate::domain::quotes::QuoteForm::from_pairs(&[
            ("line1_kind".to_string(), "labour".to_string()),
            ("line1_description".to_string(), "Fit a new fence panel".to_string()),
            ("line1_amount".to_string(), "95".to_string()),
            ("vat_rate".to_string(), "none".to_string()),
        ])
        .parse(today)
        .map_err(|errors| anyhow::anyhow!("invalid demo quote: {errors:?}"))?;
        let mut tx = db.begin().await?;
        contractor_links::issue(&mut tx, &w, harbour, InvitedTo::Quote, link_days, &system).await?;
        let id = crate::store::quotes::record(&mut tx, &w, harbour, "Harbour Handyman Services", &fields, &system)
            .await
            .map_err(|e| anyhow::anyhow!("demo quote: {e}"))?;
        tx.commit().await?;
        let current = work_orders::get(db, org.id, w.id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("gone"))?;
        if let Some(quote) = crate::store::quotes::get(db, org.id, w.id, id).await? {
            let mut tx = db.begin().await?;
            crate::store::quotes::accept(&mut tx, &current, &quote, 25_000, &system)
                .await
                .map_err(|e| anyhow::anyhow!("demo quote: {e}"))?;
            tx.commit().await?;
        }
    }
    Ok(())
}

/// Instructs a demo contractor and reports the job complete as they would
/// (with an invoice and a certificate when asked), files stored.
async fn complete_demo(
    db: &Db,
    files: &dyn object_store::ObjectStore,
    w: &crate::store::work_orders::WorkOrder,
    contractor: uuid::Uuid,
    company: &str,
    invoice: Option<(&str, i64)>,
    certificate: bool,
) -> anyhow::Result<()> {
    use crate::domain::contractor_port::{CompletionFields, InvitedTo, InvoiceFields};
    use crate::domain::work_orders::WorkOrderStatus;
    use crate::store::{contractor_certificates, contractor_links, work_orders};
    use object_store::ObjectStoreExt;
    let system = Actor::system();
    let err = |e: work_orders::MoveError| anyhow::anyhow!("demo work order: {e}");
    let today = crate::clock::Clock::default().today();
    let mut tx = db.begin().await?;
    work_orders::instruct(&mut tx, w, contractor, company, &system)
        .await
        .map_err(err)?;
    let link = contractor_links::issue(
        &mut tx,
        w,
        contractor,
        InvitedTo::Instruct,
        chrono::TimeDelta::days(30),
        &system,
    )
    .await?;
    let actor = link.actor();
    let w = work_orders::WorkOrder {
        status: WorkOrderStatus::Instructed,
        contractor_id: Some(contractor),
        ..w.clone()
    };
    let mut invoice_file = None;
    if let Some((number, _)) = invoice {
        let id = crate::store::new_id();
        files
            .put(
                &work_orders::file_path(w.org_id, id),
                small_pdf(&format!("Invoice {number}")).into(),
            )
            .await?;
        work_orders::add_file(&mut tx, &w, id, "invoice", &format!("{number}.pdf"), 600, &actor).await?;
        invoice_file = Some(id);
    }
    if certificate {
        let id = crate::store::new_id();
        files
            .put(
                &work_orders::file_path(w.org_id, id),
                small_pdf("Smoke and CO alarm check").into(),
            )
            .await?;
        work_orders::add_file(&mut tx, &w, id, "certificate", "alarm-check.pdf", 600, &actor).await?;
        let fields = crate::domain::compliance::CertificateForm {
            kind: "smoke_co_alarms".into(),
            issued_on: today.to_string(),
            expires_on: (today + chrono::TimeDelta::days(365)).to_string(),
            reference: "SA-2291".into(),
            ..Default::default()
        }
        .parse()
        .map_err(|errors| anyhow::anyhow!("invalid demo certificate: {errors:?}"))?;
        contractor_certificates::submit(&mut tx, &w, contractor, &fields, id, &actor).await?;
    }
    let fields = CompletionFields {
        completed_on: today,
        time_on_site: Some("2 hours".into()),
        notes: Some("Done and tested; the tenant was shown how it works.".into()),
        invoice: match invoice {
            Some((number, pence)) => InvoiceFields::Received {
                number: number.into(),
                pence,
            },
            None => InvoiceFields::NotRequired,
        },
    };
    work_orders::complete(&mut tx, &w, &fields, invoice_file, &actor)
        .await
        .map_err(err)?;
    tx.commit().await?;
    Ok(())
}

/// A fresh, unspent ContractorPort link (new on every start) to a demo work
/// order awaiting that contractor's quote.
pub async fn contractor_link(db: &Db, settings: &crate::web::Settings) -> anyhow::Result<Option<String>> {
    use crate::store::contractor_links;
    let Some(org) = orgs::find_demo(db).await? else {
        return Ok(None);
    };
    let Some(waiting) = contractor_links::awaiting_quote(db, org.id).await?.into_iter().next() else {
        return Ok(None);
    };
    let mut tx = db.begin().await?;
    let renewed = contractor_links::renew(
        &mut tx,
        &waiting,
        chrono::TimeDelta::days(settings.contractor_link_days),
    )
    .await?;
    tx.commit().await?;
    Ok(renewed.map(|link| {
        format!(
            "{}{}",
            settings.base_url,
            crate::web::paths::contractor_link(&link.link_token(&settings.secret_key))
        )
    }))
}

/// Two quotes for the demo's first work order, from its gas and heating
/// contractors, to compare side by side.
async fn quote_demo(
    db: &Db,
    org: &orgs::Organisation,
    order: &crate::store::work_orders::WorkOrder,
) -> anyhow::Result<()> {
    use crate::domain::quotes::QuoteForm;
    let filter = crate::store::contractors::ListFilter {
        status: Some(crate::domain::contractors::ContractorStatus::Active),
        ..Default::default()
    };
    let contractors = crate::store::contractors::list(db, org.id, &filter, &crate::store::PageAt::First, 10)
        .await?
        .rows;
    let today = crate::clock::Clock::default().today();
    let quotes = [
        (
            "Avon Gas & Heating",
            [
                ("labour", "Diagnose and replace the pressure valve", "140"),
                ("materials", "Pressure relief valve", "65.50"),
            ],
        ),
        (
            "Harbour Handyman Services",
            [
                ("labour", "Repressurise and bleed radiators", "90"),
                ("other", "Call-out", "45"),
            ],
        ),
    ];
    let system = Actor::system();
    for (company, lines) in quotes {
        let Some(contractor) = contractors.iter().find(|c| c.company_name == company) else {
            continue;
        };
        let mut pairs = vec![
            ("vat_rate".to_string(), "standard".to_string()),
            ("lead_time_days".to_string(), "1".to_string()),
        ];
        for (n, (kind, description, amount)) in lines.iter().enumerate() {
            let (k, d, a) = crate::domain::quotes::LINE_FIELDS[n];
            pairs.push((k.to_string(), kind.to_string()));
            pairs.push((d.to_string(), description.to_string()));
            pairs.push((a.to_string(), amount.to_string()));
        }
        let fields = QuoteForm::from_pairs(&pairs)
            .parse(today)
            .map_err(|errors| anyhow::anyhow!("invalid demo quote: {errors:?}"))?;
        let current = crate::store::work_orders::get(db, org.id, order.id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the demo work order went"))?;
        let mut tx = db.begin().await?;
        crate::store::quotes::record(
            &mut tx,
            &current,
            contractor.id,
            &contractor.company_name,
            &fields,
            &system,
        )
        .await
        .map_err(|err| anyhow::anyhow!("demo quote: {err}"))?;
        tx.commit().await?;
    }
    Ok(())
}

/// A document for [`upload_document`]: (title, category, visibility, file name, bytes).
type DemoDocument = (
    String,
    crate::domain::documents::Category,
    crate::domain::documents::Visibility,
    String,
    Vec<u8>,
);

/// Stores a demo document's bytes and records it.
async fn upload_document(
    tx: &mut crate::db::Tx,
    files: &dyn object_store::ObjectStore,
    org_id: uuid::Uuid,
    property_id: uuid::Uuid,
    address: &str,
    (title, category, visibility, name, bytes): DemoDocument,
) -> anyhow::Result<()> {
    let id = crate::store::new_id();
    let path = crate::store::documents::storage_path(org_id, id);
    object_store::ObjectStoreExt::put(files, &path, bytes.clone().into()).await?;
    let kind = crate::domain::documents::sniff(&bytes, &name).map_err(anyhow::Error::msg)?;
    let upload = crate::store::documents::Upload {
        id,
        file_name: name,
        content_type: kind.content_type(),
        size_bytes: bytes.len() as i64,
    };
    let details = crate::domain::documents::DocumentFields {
        title,
        category,
        visibility,
        tenancy_id: None,
        certificate_id: None,
    };
    crate::store::documents::create(
        tx,
        org_id,
        property_id,
        address,
        &details,
        &upload,
        None,
        &Actor::system(),
    )
    .await?;
    Ok(())
}

/// Gives the demo landlord with the most properties a portal, once: every property
/// linked, landlord tasks pending and done, an offer awaiting review, documents of
/// every visibility, and a message thread.
async fn ensure_portal(db: &Db, files: &dyn object_store::ObjectStore, org: &orgs::Organisation) -> anyhow::Result<()> {
    use crate::domain::documents::Visibility;
    if !portal::list(db, org.id).await?.is_empty() {
        return Ok(());
    }
    // Read the agency again: its support details were set after it was created.
    let Some(org) = &orgs::get(db, org.id).await? else {
        return Ok(());
    };
    let landlord_id: Option<uuid::Uuid> = crate::on_pool!(db, |pool| {
        sqlx::query_scalar(
        "SELECT p.landlord_id FROM properties p JOIN landlords l ON l.id = p.landlord_id \
         WHERE p.org_id = $1 AND l.status = 'active' GROUP BY p.landlord_id ORDER BY COUNT(*) DESC, p.landlord_id LIMIT 1"
    )
    .bind(org.id)
    .fetch_optional(pool)
    .await
    })?;
    let Some(landlord_id) = landlord_id else { return Ok(()) };
    let Some(landlord) = landlords::get(db, org.id, landlord_id).await? else {
        return Ok(());
    };
    let owned = properties::for_landlord(db, org.id, landlord_id).await?;
    let Some(first) = owned.first() else { return Ok(()) };
    let agent = users::list_in_org(db, org.id)
        .await?
        .into_iter()
        .find(|u| u.role() == Role::Agent);
    let system = Actor::system();
    let mut tx = db.begin().await?;
    let mut token = None;
    for property in &owned {
        let (provisioned, _) = portal::provision(&mut tx, org, &landlord, property, &system)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo: the landlord does not own the property"))?;
        token = Some(provisioned);
    }
    let Some(token) = token else { return Ok(()) };
    let today = crate::clock::local_date(crate::store::now());
    for (title, done) in [
        ("Confirm the gas safety check date", false),
        ("Return the signed management agreement", true),
    ] {
        let form = TaskForm {
            title: title.into(),
            description: "Requested by your property manager.".into(),
            assignee_kind: "landlord".into(),
            assignee_user_id: String::new(),
            due_on: (today + chrono::TimeDelta::days(if done { -3 } else { 9 })).to_string(),
        };
        let fields = form
            .parse()
            .map_err(|errors| anyhow::anyhow!("invalid demo task: {errors:?}"))?;
        let id = tasks::create(&mut tx, org.id, first.id, &first.address_line1, &fields, &system).await?;
        if done {
            let task = tasks::get_in_tx(&mut tx, org.id, id).await?;
            tasks::complete(&mut tx, &task, &token.actor()).await?;
        }
    }
    let offer = OfferForm {
        applicant_name: "Hannah Okafor".into(),
        applicant_email: "hannah.okafor@example.org".into(),
        applicant_phone: "07700 900512".into(),
        rent: "1175".into(),
        move_in_on: (today + chrono::TimeDelta::days(28)).to_string(),
        term_months: "12".into(),
        notes: "References and right-to-rent checks complete.".into(),
    };
    let fields = offer
        .parse()
        .map_err(|errors| anyhow::anyhow!("invalid demo offer: {errors:?}"))?;
    let offer_id = offers::create(&mut tx, org.id, first.id, &first.address_line1, &fields, &system).await?;
    for step in [
        OfferStatus::InProgress,
        OfferStatus::WithAgent,
        OfferStatus::SentToLandlord,
    ] {
        let offer = offers::get_in_tx(&mut tx, org.id, offer_id).await?;
        offers::move_to(&mut tx, &offer, step, &system)
            .await
            .map_err(|err| anyhow::anyhow!("demo offer: {err}"))?;
    }
    let mut documents = demo_documents(0, &first.address_line1);
    if let Some(tenant_only) = demo_documents(1, &first.address_line1).into_iter().next() {
        documents.push((
            "Tenant's copy of the agreement".into(),
            tenant_only.1,
            Visibility::Tenant,
            tenant_only.3.replace("agreement", "tenant-agreement"),
            tenant_only.4,
        ));
    }
    for document in documents {
        upload_document(&mut tx, files, org.id, first.id, &first.address_line1, document).await?;
    }
    portal_messages::send_from_landlord(
        &mut tx,
        &token,
        "Hello, could you let me know when the next inspection is booked?",
    )
    .await?;
    let agent_actor = agent.map_or_else(Actor::system, |a| a.actor());
    portal_messages::send_from_agent(
        &mut tx,
        &token,
        &agent_actor,
        "Hi! The inspection is booked for next Tuesday morning. I'll send the report afterwards.",
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The demo agency's landlord portal token, for printing its link at start.
pub async fn portal_token(db: &Db) -> anyhow::Result<Option<portal::PortalToken>> {
    let Some(org) = orgs::find_demo(db).await? else {
        return Ok(None);
    };
    let tokens = portal::list(db, org.id).await?;
    match tokens.into_iter().find(|t| t.is_active) {
        Some(summary) => Ok(portal::get(db, org.id, summary.id).await?),
        None => Ok(None),
    }
}

/// About forty landlords: individuals and companies, a few inactive or archived,
/// some overseas, with real-looking UK addresses (reserved example emails and
/// Ofcom drama phone numbers).
fn demo_landlords() -> Vec<LandlordForm> {
    let mut list = Vec::new();
    const PEOPLE: &[(&str, &str, &str, &str, &str, &str)] = &[
        (
            "Mr",
            "James",
            "Whitfield",
            "14 Royal York Crescent",
            "Bristol",
            "BS8 4JX",
        ),
        ("Mrs", "Sarah", "Okonkwo", "3 Pembroke Road", "Bristol", "BS8 3AU"),
        ("Dr", "Helen", "Marsh", "27 Great Pulteney Street", "Bath", "BA2 4BU"),
        ("Mr", "David", "Patel", "88 Gloucester Road", "Bristol", "BS7 8BN"),
        ("Ms", "Olivia", "Hughes", "5 Lansdown Place East", "Bath", "BA1 5ET"),
        (
            "Mr",
            "Robert",
            "McAllister",
            "112 Whiteladies Road",
            "Bristol",
            "BS8 2RP",
        ),
        ("Mrs", "Fatima", "Begum", "41 St Marks Road", "Bristol", "BS5 6HX"),
        ("Mr", "Thomas", "Greene", "9 Widcombe Hill", "Bath", "BA2 6AA"),
        ("Miss", "Chloe", "Davies", "60 North Street", "Bristol", "BS3 1HJ"),
        ("Mr", "Gareth", "Llewellyn", "17 Cotham Brow", "Bristol", "BS6 6AS"),
        ("Mrs", "Margaret", "O'Neill", "2 The Circus", "Bath", "BA1 2EW"),
        ("Mr", "Hamza", "Khan", "230 Stapleton Road", "Bristol", "BS5 0NT"),
        ("Dr", "Eleanor", "Fitzgerald", "15 Sion Hill", "Bath", "BA1 2UH"),
        ("Mr", "Liam", "Byrne", "71 Coronation Road", "Bristol", "BS3 1AT"),
        ("Mrs", "Grace", "Adeyemi", "19 Ashley Down Road", "Bristol", "BS7 9JN"),
        ("Mr", "Peter", "Harrington", "4 Bathwick Street", "Bath", "BA2 6NX"),
        ("Ms", "Rebecca", "Stone", "33 Redland Grove", "Bristol", "BS6 6PR"),
        ("Mr", "Samuel", "Wright", "128 Wells Road", "Bristol", "BS4 2AF"),
        ("Mrs", "Aisha", "Rahman", "52 Newbridge Road", "Bath", "BA1 3JZ"),
        ("Mr", "Michael", "Chen", "10 Clifton Down", "Bristol", "BS8 3HT"),
        ("Mrs", "Joanna", "Kowalska", "7 Bedminster Parade", "Bristol", "BS3 4HL"),
        ("Mr", "Andrew", "Fraser", "46 Combe Park", "Bath", "BA1 3NR"),
        ("Ms", "Nadia", "Hussain", "21 Ashley Road", "Bristol", "BS6 5NJ"),
        ("Mr", "Christopher", "Bell", "95 Bath Road", "Keynsham", "BS31 1SR"),
        ("Mrs", "Emily", "Turner", "13 Camden Crescent", "Bath", "BA1 5HY"),
        ("Mr", "Oluwaseun", "Bakare", "68 Filton Avenue", "Bristol", "BS7 0AH"),
        ("Mr", "Daniel", "Reid", "24 Chandos Road", "Bristol", "BS6 6PF"),
        ("Mrs", "Caroline", "Ashworth", "1 Vineyards", "Bath", "BA1 5NA"),
        ("Mr", "Marco", "Rossi", "Via Roma 12", "Milan", "20121"),
        ("Ms", "Ingrid", "Larsen", "Storgata 8", "Oslo", "0155"),
    ];
    /// Company name, number, contact first and last name, address line, city, postcode, status.
    type Company = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    );
    const COMPANIES: &[Company] = &[
        (
            "Avon Residential Ltd",
            "08412345",
            "Karen",
            "Lewis",
            "Unit 4, Temple Quay",
            "Bristol",
            "BS1 6DZ",
            "active",
        ),
        (
            "Severn Property Holdings Ltd",
            "10987654",
            "Mark",
            "Jenkins",
            "2 Queen Square",
            "Bristol",
            "BS1 4JQ",
            "active",
        ),
        (
            "Bath Stone Estates LLP",
            "OC412233",
            "Lucy",
            "Harper",
            "18 Milsom Street",
            "Bath",
            "BA1 1DE",
            "active",
        ),
        (
            "Clifton Lettings Investments Ltd",
            "11223344",
            "Paul",
            "Simmons",
            "40 Princess Victoria Street",
            "Bristol",
            "BS8 4BZ",
            "active",
        ),
        (
            "Harbourside Homes Ltd",
            "09876543",
            "Rachel",
            "Moore",
            "1 Canons Way",
            "Bristol",
            "BS1 5LL",
            "inactive",
        ),
        (
            "Mendip Rentals Ltd",
            "07654321",
            "Stephen",
            "Cole",
            "12 High Street",
            "Wells",
            "BA5 2SG",
            "active",
        ),
        (
            "Westcountry Student Lets Ltd",
            "12345678",
            "Amy",
            "Barker",
            "77 Park Street",
            "Bristol",
            "BS1 5PF",
            "archived",
        ),
        (
            "Kingsdown Family Trust Properties Ltd",
            "06543210",
            "Richard",
            "Kingsley",
            "5 Kingsdown Parade",
            "Bristol",
            "BS6 5UD",
            "active",
        ),
        (
            "Lansdown Capital Lets Ltd",
            "13579246",
            "Hannah",
            "Price",
            "9 George Street",
            "Bath",
            "BA1 2EH",
            "active",
        ),
        (
            "Redcliffe Quay Developments Ltd",
            "11335577",
            "Simon",
            "Ward",
            "3 Redcliff Backs",
            "Bristol",
            "BS1 6LY",
            "inactive",
        ),
    ];
    // A long double-barrelled name and a long note, to show how pages cope.
    list.push(LandlordForm {
        title: "Lady".into(),
        first_name: "Arabella Georgiana Victoria".into(),
        last_name: "Montgomery-Worthington-Fairfax".into(),
        email: "arabella.montgomery-worthington@example.com".into(),
        phone: "07700 900999".into(),
        address_line1: "The Old Rectory, Church Lane".into(),
        address_line2: "Compton Martin".into(),
        city: "Bristol".into(),
        county: "Somerset".into(),
        postcode: "bs406jp".into(),
        preferred_contact_method: "post".into(),
        notes: LONG_NOTE.into(),
        ..LandlordForm::with_defaults()
    });
    let inactive = ["Liam", "Aisha", "Daniel"];
    let archived = ["Peter", "Caroline"];
    for (i, (title, first, last, line1, city, postcode)) in PEOPLE.iter().enumerate() {
        let overseas = matches!(*city, "Milan" | "Oslo");
        let status = if inactive.contains(first) {
            "inactive"
        } else if archived.contains(first) {
            "archived"
        } else {
            "active"
        };
        let sparse = i % 7 == 6;
        let unless_sparse = |value: String| if sparse { String::new() } else { value };
        list.push(LandlordForm {
            title: unless_sparse((*title).into()),
            first_name: (*first).into(),
            last_name: (*last).into(),
            email: format!(
                "{}.{}@example.com",
                first.to_lowercase(),
                last.to_lowercase().replace('\'', "")
            ),
            phone: unless_sparse(format!("07700 900{:03}", 100 + i)),
            alt_phone: if i % 4 == 1 {
                format!("0117 496 0{:03}", 500 + i)
            } else {
                String::new()
            },
            address_line1: unless_sparse((*line1).into()),
            city: (*city).into(),
            postcode: unless_sparse((*postcode).into()),
            country: match *city {
                "Milan" => "IT".into(),
                "Oslo" => "NO".into(),
                _ => "GB".into(),
            },
            preferred_contact_method: ["email", "email", "phone", "post"][i % 4].into(),
            sms_notifications_enabled: (i % 3 == 0).then(|| "on".into()),
            is_overseas: overseas.then(|| "on".into()),
            bank_account_name: unless_sparse(format!("{first} {last}")),
            bank_sort_code: unless_sparse(format!("20-{:02}-{:02}", 10 + i, 30 + i)),
            bank_account_number: unless_sparse(format!("{:08}", 41_000_000 + i * 7919)),
            tax_reference: if overseas {
                format!("NRL{:06}", 120_000 + i)
            } else {
                String::new()
            },
            status: status.into(),
            notes: if overseas {
                "Non-resident landlord: NRL1 approval on file.".into()
            } else {
                String::new()
            },
            ..LandlordForm::with_defaults()
        });
    }
    for (i, (company, number, first, last, line1, city, postcode, status)) in COMPANIES.iter().enumerate() {
        list.push(LandlordForm {
            first_name: (*first).into(),
            last_name: (*last).into(),
            email: format!(
                "lettings@{}.example",
                company.to_lowercase().split_whitespace().next().unwrap_or("company")
            ),
            phone: format!("0117 496 0{:03}", 200 + i),
            landlord_type: "company".into(),
            company_name: (*company).into(),
            company_registration_number: (*number).into(),
            address_line1: (*line1).into(),
            city: (*city).into(),
            postcode: (*postcode).into(),
            bank_account_name: (*company).into(),
            bank_sort_code: format!("40-{:02}-{:02}", 11 + i, 22 + i),
            bank_account_number: format!("{:08}", 73_000_000 + i * 104_729),
            tax_reference: format!("{:010}", 5_210_000_000u64 + i as u64 * 37),
            status: (*status).into(),
            ..LandlordForm::with_defaults()
        });
    }
    list
}

/// A realistic long agent note.
const LONG_NOTE: &str = "Owns several HMOs across BS6 and BS7; prefers all correspondence by post and \
    asks for paper copies of every gas safety record. Rent statements monthly by the 5th. Has asked us to \
    quote for a full refurbishment of the top-floor flat before the next tenancy, and to check whether the \
    licence conditions for the HMO need the fire doors upgraded. Do not call before 10am on weekdays.";

/// One to three properties for the `i`th demo landlord, about sixty in all, with
/// every type, status and EPC band represented.
fn demo_properties(i: usize, landlord_id: uuid::Uuid, branch_id: uuid::Uuid) -> Vec<PropertyForm> {
    const STREETS: &[(&str, &str, &str)] = &[
        ("Cotham Hill", "Bristol", "BS6 6LA"),
        ("Gloucester Road", "Bristol", "BS7 8AE"),
        ("North Street", "Bristol", "BS3 1EN"),
        ("St Michael's Hill", "Bristol", "BS2 8DZ"),
        ("Whiteladies Road", "Bristol", "BS8 2PY"),
        ("Coronation Road", "Bristol", "BS3 1AR"),
        ("Chandos Road", "Bristol", "BS6 6PE"),
        ("Wells Road", "Bristol", "BS4 2AE"),
        ("Walcot Street", "Bath", "BA1 5BG"),
        ("Widcombe Parade", "Bath", "BA2 4JT"),
        ("Lansdown Road", "Bath", "BA1 5EE"),
        ("Moorland Road", "Bath", "BA2 3PL"),
    ];
    const TYPES: &[&str] = &[
        "flat",
        "house",
        "maisonette",
        "bungalow",
        "studio",
        "room",
        "flat",
        "house",
        "other",
    ];
    const STATUSES: &[&str] = &[
        "let",
        "let",
        "let",
        "available",
        "under_offer",
        "let_agreed",
        "let",
        "withdrawn",
    ];
    const EPC: &[&str] = &["C", "D", "B", "E", "", "F", "C", "D", "A", "G"];
    let count = [2, 1, 2, 1, 3, 2, 1, 2][i % 8];
    (0..count)
        .map(|n| {
            let k = i * 3 + n;
            let (street, city, postcode) = STREETS[k % STREETS.len()];
            let kind = TYPES[k % TYPES.len()];
            let bedrooms = match kind {
                "studio" | "room" => 0,
                "house" => 3 + (k % 2),
                _ => 1 + (k % 3),
            };
            PropertyForm {
                landlord_id: landlord_id.to_string(),
                branch_id: branch_id.to_string(),
                address_line1: if matches!(kind, "flat" | "studio" | "room") {
                    format!("Flat {}, {} {street}", 1 + k % 4, 10 + k * 7 % 180)
                } else {
                    format!("{} {street}", 10 + k * 7 % 180)
                },
                city: city.into(),
                postcode: postcode.into(),
                property_type: kind.into(),
                bedrooms: bedrooms.to_string(),
                bathrooms: (1 + usize::from(bedrooms >= 3)).to_string(),
                epc_rating: EPC[k % EPC.len()].into(),
                has_gas: (k % 5 != 3).then(|| "on".into()),
                status: STATUSES[k % STATUSES.len()].into(),
                ..PropertyForm::with_defaults()
            }
        })
        .collect()
}

/// Tenancies for a demo property: an active one (sometimes periodic, sometimes
/// with two tenants, sometimes with a late-protected deposit) for a let property,
/// often an ended one before it; a draft for a let-agreed one.
fn demo_tenancies(counter: &mut usize, status: PropertyStatus) -> Vec<TenancyForm> {
    const FIRST: &[&str] = &[
        "Amy", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Harvey", "Isla", "Jack", "Kiran", "Lola", "Mo", "Nia",
    ];
    const LAST: &[&str] = &[
        "Lee", "Okafor", "Brown", "Sharma", "Jones", "Murphy", "Taylor", "Evans", "Wilson", "Ahmed", "Clarke", "Novak",
    ];
    let today = crate::clock::local_date(crate::store::now());
    let k = *counter;
    let mut person = |n: usize| {
        *counter += 1;
        let k = *counter * 7 + n;
        let (first, last) = (FIRST[k % FIRST.len()], LAST[(k / 3) % LAST.len()]);
        TenantRow {
            first_name: first.into(),
            last_name: last.into(),
            email: format!(
                "{}.{}{}@example.net",
                first.to_lowercase(),
                last.to_lowercase(),
                *counter
            ),
            phone: format!("07700 90{:04}", 1000 + *counter),
        }
    };
    let tenancy = |status: &str,
                   months_ago: i64,
                   length_months: Option<i64>,
                   rent: i64,
                   tenants: Vec<TenantRow>,
                   protect_late: bool| {
        let start = today - chrono::TimeDelta::days(months_ago * 30);
        let deposit = rent * 12 * 5 / 52;
        let mut rows = tenants;
        rows.resize(crate::domain::tenancies::MAX_TENANTS, TenantRow::default());
        TenancyForm {
            rent: crate::domain::tenancies::pounds_input(rent),
            rent_frequency: "monthly".into(),
            start_date: start.to_string(),
            end_date: length_months
                .map(|m| (start + chrono::TimeDelta::days(m * 30)).to_string())
                .unwrap_or_default(),
            status: status.into(),
            deposit: crate::domain::tenancies::pounds_input(deposit),
            deposit_scheme: ["tds", "dps", "mydeposits"][(rent as usize / 100) % 3].into(),
            deposit_reference: format!("DEP-{:06}", rent + months_ago),
            deposit_protected_on: (start + chrono::TimeDelta::days(if protect_late { 45 } else { 12 })).to_string(),
            tenants: rows,
            primary_tenant: "1".into(),
        }
    };
    let rent = 85_000 + (k as i64 % 9) * 12_500;
    match status {
        PropertyStatus::Let => {
            let pair = if k.is_multiple_of(3) {
                vec![person(0), person(1)]
            } else {
                vec![person(0)]
            };
            let periodic = k.is_multiple_of(2);
            let mut list = vec![tenancy(
                "active",
                4 + (k as i64 % 20),
                (!periodic).then_some(12),
                rent,
                pair,
                k % 11 == 5,
            )];
            if k % 4 == 1 {
                list.push(tenancy("ended", 40, Some(12), rent - 5_000, vec![person(2)], false));
            }
            list
        }
        PropertyStatus::LetAgreed => vec![tenancy("draft", -1, Some(12), rent, vec![person(0)], false)],
        _ => Vec::new(),
    }
}

/// Certificates for a demo property, chosen so that every indicator appears:
/// most let properties are in order, some have something expired, expiring soon,
/// below minimum or missing.
fn demo_certificates(seed: usize, property: &crate::domain::properties::PropertyFields) -> Vec<CertificateForm> {
    if !matches!(
        property.status,
        PropertyStatus::Let | PropertyStatus::LetAgreed | PropertyStatus::Available
    ) {
        return Vec::new();
    }
    let today = crate::clock::local_date(crate::store::now());
    let issued = |days_ago: i64| (today - chrono::TimeDelta::days(days_ago)).to_string();
    let situation = seed % 7;
    let mut list = Vec::new();
    if property.has_gas && situation != 3 {
        // 6: expired gas record; 1: expiring within the 60-day window.
        let days_ago = match situation {
            6 => 380,
            1 => 330,
            _ => 40 + (seed as i64 % 200),
        };
        list.push(CertificateForm {
            kind: "gas_safety".into(),
            issued_on: issued(days_ago),
            reference: format!("CP12-{:05}", 10_000 + seed),
            ..Default::default()
        });
    }
    if situation != 4 {
        // 2: EICR expiring in about three weeks.
        let days_ago = if situation == 2 {
            1_806
        } else {
            200 + (seed as i64 * 37 % 1_400)
        };
        list.push(CertificateForm {
            kind: "eicr".into(),
            issued_on: issued(days_ago),
            reference: format!("EICR-{:05}", 20_000 + seed),
            ..Default::default()
        });
    }
    // A property whose EPC is not known has no EPC certificate (its rating
    // would be the certificate's): a let one shows the EPC as missing.
    if let Some(rating) = property.epc_rating {
        list.push(CertificateForm {
            kind: "epc".into(),
            issued_on: issued(300 + seed as i64 * 53 % 3_000),
            epc_rating: crate::domain::choice::Choice::as_str(rating).to_string(),
            ..Default::default()
        });
    }
    if property.property_type == crate::domain::properties::PropertyType::Room {
        list.push(CertificateForm {
            kind: "hmo_licence".into(),
            issued_on: issued(400),
            expires_on: (today + chrono::TimeDelta::days(1_400)).to_string(),
            reference: format!("HMO-{:04}", seed),
            ..Default::default()
        });
    }
    list
}

/// Tasks for a demo property: some for the landlord, some for an agent, some
/// overdue, some completed. Each comes with whether to complete it.
fn demo_tasks(seed: usize, agent: uuid::Uuid) -> Vec<(TaskForm, bool)> {
    const TITLES: &[(&str, &str)] = &[
        (
            "Approve the boiler service quote",
            "The engineer quoted £95 for the annual service.",
        ),
        (
            "Sign the tenancy renewal",
            "The renewal offers a 3% increase from next month.",
        ),
        (
            "Send proof of buildings insurance",
            "Needed for the file before the next inspection.",
        ),
        ("Book the mid-term inspection", "Tenants prefer weekday mornings."),
        ("Chase the EICR remedial works", "Two C2 items to fix within 28 days."),
    ];
    if seed % 3 == 2 {
        return Vec::new();
    }
    let today = crate::clock::local_date(crate::store::now());
    (0..=(seed % 2))
        .map(|n| {
            let (title, description) = TITLES[(seed + n * 2) % TITLES.len()];
            let for_agent = (seed + n) % 4 == 3;
            let due = today + chrono::TimeDelta::days(((seed * 5 + n * 11) % 40) as i64 - 12);
            (
                TaskForm {
                    title: title.into(),
                    description: description.into(),
                    assignee_kind: if for_agent { "agent" } else { "landlord" }.into(),
                    assignee_user_id: if for_agent { agent.to_string() } else { String::new() },
                    due_on: due.to_string(),
                },
                (seed + n).is_multiple_of(5),
            )
        })
        .collect()
}

/// An offer for an available or under-offer demo property, walked through to a
/// status so that every status appears across the demo.
fn demo_offer(seed: usize, status: PropertyStatus) -> Option<(OfferForm, &'static [OfferStatus])> {
    use OfferStatus::*;
    const PATHS: &[&[OfferStatus]] = &[
        &[],
        &[InProgress],
        &[InProgress, WithAgent],
        &[InProgress, WithAgent, SentToLandlord],
        &[InProgress, WithAgent, SentToLandlord, LandlordReviewed],
        &[InProgress, WithAgent, SentToLandlord, Accepted],
        &[InProgress, WithAgent, Rejected],
        &[Cancelled],
    ];
    const APPLICANTS: &[&str] = &[
        "Priya Nair",
        "Tom Baker",
        "Zara Ali",
        "Owen Price",
        "Lucy Hart",
        "Sam Cole",
        "Mei Chen",
        "Noah Reid",
    ];
    if !matches!(
        status,
        PropertyStatus::Available | PropertyStatus::UnderOffer | PropertyStatus::LetAgreed
    ) {
        return None;
    }
    let name = APPLICANTS[seed % APPLICANTS.len()];
    let today = crate::clock::local_date(crate::store::now());
    Some((
        OfferForm {
            applicant_name: name.into(),
            applicant_email: format!("{}@example.org", name.to_lowercase().replace(' ', ".")),
            applicant_phone: format!("07700 91{:04}", seed),
            rent: (950 + (seed % 6) * 75).to_string(),
            move_in_on: (today + chrono::TimeDelta::days(21 + (seed % 30) as i64)).to_string(),
            term_months: "12".into(),
            notes: "Referencing started; works locally.".into(),
        },
        PATHS[seed % PATHS.len()],
    ))
}

/// Documents for a demo property, one of each visibility: small real PDFs and a
/// PNG photo. Returns (title, category, visibility, file name, bytes).
fn demo_documents(
    seed: usize,
    address: &str,
) -> Vec<(
    String,
    crate::domain::documents::Category,
    crate::domain::documents::Visibility,
    String,
    Vec<u8>,
)> {
    use crate::domain::documents::{Category, Visibility};
    let slug: String = address
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(16)
        .collect::<String>()
        .to_lowercase();
    vec![
        (
            "Tenancy agreement".into(),
            Category::Agreement,
            [Visibility::All, Visibility::Tenant][seed % 2],
            format!("agreement-{slug}.pdf"),
            small_pdf(&format!("Assured periodic tenancy agreement - {address}")),
        ),
        (
            "Gas Safety record".into(),
            Category::Certificate,
            Visibility::Landlord,
            format!("gas-safety-{slug}.pdf"),
            small_pdf(&format!("Landlord Gas Safety Record CP12 - {address}")),
        ),
        (
            "Front elevation".into(),
            Category::Photo,
            Visibility::All,
            format!("front-{slug}.png"),
            small_png(),
        ),
        (
            "Internal inspection notes".into(),
            Category::Correspondence,
            Visibility::Internal,
            format!("inspection-{slug}.pdf"),
            small_pdf("Mid-term inspection: minor damp in the bathroom; follow up with the landlord."),
        ),
    ]
}

/// A one-page PDF showing `text` (ASCII only).
fn small_pdf(text: &str) -> Vec<u8> {
    let text: String = text
        .chars()
        .filter(|c| c.is_ascii() && !matches!(c, '(' | ')' | '\\'))
        .collect();
    let stream = format!("BT /F1 14 Tf 50 780 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// A valid 1×1 PNG (a single brand-blue pixel).
fn small_png() -> Vec<u8> {
    vec![
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xDE, 0x00, 0x00, 0x00,
        0x0C, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x90, 0x8F, 0xEF, 0x06, 0x00, 0x01, 0xAA, 0x01, 0x0A, 0x77,
        0x85, 0x4A, 0xC2, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
}

/// Three demo tenancies with an open deposit release proposal: the primary tenant
/// of the first has accepted a portal invite, the second's invite expired, the
/// third was never invited.
async fn ensure_deposit_releases(db: &Db, org: &orgs::Organisation) -> anyhow::Result<()> {
    use crate::domain::deposits::ProposalForm;
    use crate::store::{deposits, tenant_invites};
    let ids: Vec<uuid::Uuid> = crate::on_pool!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM tenancies WHERE org_id = $1 AND status = 'active' AND deposit_pence >= 50000 \
         ORDER BY start_date, id LIMIT 3"
    )
    .bind(org.id)
    .fetch_all(pool)
    .await)?;
    let agent = users::list_in_org(db, org.id)
        .await?
        .into_iter()
        .find(|u| u.role() == Role::Agent)
        .map_or_else(Actor::system, |u| u.actor());
    for (n, id) in ids.iter().enumerate() {
        let Some(row) = tenancies::get(db, org.id, *id).await? else {
            continue;
        };
        let Some(primary) = row.tenants.iter().find(|t| t.is_primary).or(row.tenants.first()) else {
            continue;
        };
        let deposit = row.tenancy.deposit_pence;
        let mut form = ProposalForm {
            to_tenant: format!("{}", (deposit - 18_500) as f64 / 100.0),
            to_landlord: "185".into(),
            note: "Thank you for your tenancy. Photos from the check-out are on file.".into(),
            ..ProposalForm::default()
        };
        form.lines
            .insert("deduction_1_reason".into(), "Professional clean of the oven".into());
        form.lines.insert("deduction_1_amount".into(), "120".into());
        form.lines.insert("deduction_2_reason".into(), "Replacement fob".into());
        form.lines.insert("deduction_2_amount".into(), "65".into());
        let fields = form
            .parse(deposit)
            .map_err(|errors| anyhow::anyhow!("invalid demo proposal: {errors:?}"))?;
        let mut tx = db.begin().await?;
        match n {
            0 => {
                let invite = tenant_invites::create(
                    &mut tx,
                    org.id,
                    *id,
                    primary.tenant_id,
                    &primary.name(),
                    chrono::TimeDelta::days(14),
                    &agent,
                )
                .await?;
                let tenant = Actor {
                    kind: crate::domain::audit::ActorType::Tenant,
                    id: Some(primary.tenant_id),
                    name: primary.name(),
                };
                tenant_invites::accept(&mut tx, &invite, &tenant).await?;
            }
            1 => {
                tenant_invites::create(
                    &mut tx,
                    org.id,
                    *id,
                    primary.tenant_id,
                    &primary.name(),
                    chrono::TimeDelta::days(-1),
                    &agent,
                )
                .await?;
            }
            _ => {}
        }
        deposits::propose(&mut tx, org.id, *id, deposit, &fields, &agent).await?;
        tx.commit().await?;
    }
    tenant_invites::sweep_expired(db).await?;
    Ok(())
}

/// A fresh, unaccepted tenant invite link (new on every start) for the demo
/// tenant with an open proposal who was never invited; earlier unused demo
/// links for them are revoked.
pub async fn tenant_invite_link(db: &Db, settings: &crate::web::Settings) -> anyhow::Result<Option<String>> {
    use crate::store::tenant_invites;
    let Some(org) = orgs::find_demo(db).await? else {
        return Ok(None);
    };
    let rows: Vec<(uuid::Uuid, uuid::Uuid)> = crate::on_pool!(db, |pool| sqlx::query_as(
        "SELECT p.tenancy_id, tt.tenant_id FROM deposit_release_proposals p \
         JOIN tenancy_tenants tt ON tt.tenancy_id = p.tenancy_id AND tt.is_primary = $2 \
         WHERE p.org_id = $1 AND p.status = 'open' AND NOT EXISTS (SELECT 1 FROM tenant_portal_invites i \
         WHERE i.tenant_id = tt.tenant_id AND i.status = 'accepted') ORDER BY p.created_at DESC LIMIT 1"
    )
    .bind(org.id)
    .bind(true)
    .fetch_all(pool)
    .await)?;
    let Some((tenancy_id, tenant_id)) = rows.into_iter().next() else {
        return Ok(None);
    };
    let system = Actor::system();
    let mut tx = db.begin().await?;
    let invite = tenant_invites::reissue(
        &mut tx,
        org.id,
        tenancy_id,
        tenant_id,
        "the demo tenant",
        chrono::TimeDelta::days(settings.tenant_invite_days),
        &system,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(format!(
        "{}{}",
        settings.base_url,
        crate::web::paths::tenant_invite(&invite.link_token(&settings.secret_key))
    )))
}
