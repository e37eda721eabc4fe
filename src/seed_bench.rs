//! `portico seed-bench`: an agency-scale dataset for benchmarks, built in seconds.
//!
//! One large agency (by default 20,000 landlords, 40,000 properties, 60,000
//! tenancies, 100,000 certificates, 200,000 portal messages and 10,000 portal
//! tokens) plus smaller agencies around it, so every query runs against a table
//! that also holds other agencies' rows. Rows go in with multi-row INSERTs in one
//! transaction per table batch; the derived columns (`sort_key`, `search_text`)
//! come from the same functions the app uses, so lists and searches behave as on
//! data typed in by hand. The output is deterministic apart from ids and nonces.

use chrono::{DateTime, Duration, NaiveDate, TimeDelta, Utc};
use uuid::{NoContext, Timestamp, Uuid};

use crate::db::{Db, Tx};
use crate::domain::choice::Choice;
use crate::domain::landlords::{ContactMethod, LandlordFields, LandlordStatus, LandlordType};
use crate::domain::portal::{link_token, new_nonce};
use crate::domain::properties::{EpcRating, PropertyFields, PropertyStatus, PropertyType};
use crate::domain::validation::Email;
use crate::store::orgs::Organisation;
use crate::{on_tx, provision, store};

/// Email of the large agency's admin; its password is the one given to `seed-bench`.
pub const ADMIN_EMAIL: &str = "admin@bench-agency.example";
/// The large agency's name.
pub const AGENCY_NAME: &str = "Benchmark Lettings";

/// How big the dataset is. Everything scales from the landlord count.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Landlords of the large agency.
    pub landlords: usize,
    /// How many smaller agencies sit beside it (each 1/100 of its size, at least 10 landlords).
    pub small_agencies: usize,
}

impl Scale {
    fn properties(self) -> usize {
        self.landlords * 2
    }
    fn portal_tokens(self) -> usize {
        self.landlords / 2
    }
    fn messages_per_thread() -> usize {
        20
    }
}

/// What was built, for the bench script to find its targets.
#[derive(Debug)]
pub struct Seeded {
    /// The large agency.
    pub org: Organisation,
    /// Row counts of the large agency, by table.
    pub counts: Vec<(&'static str, usize)>,
    /// The secret part of a portal link of a landlord with two properties and a message thread.
    pub typical_portal_link: String,
    /// A property id visible in that portal (for the drill-down).
    pub typical_property_id: Uuid,
    /// Id of the newest message of that thread (a refresh after it finds nothing new).
    pub typical_newest_message_id: Uuid,
    /// The secret part of a portal link of a portfolio landlord (about 40 properties).
    pub portfolio_portal_link: String,
    /// The email of a landlord in the middle of the list: a search that matches one landlord.
    pub landlord_email: String,
    /// Links of up to [`REFRESH_TARGETS`] landlords spread over the agency, each with
    /// its thread's newest message id: refreshes from many portals at once.
    pub refresh_targets: Vec<(String, Uuid)>,
}

/// How many landlords' portals the many-portals refresh benchmark spreads over.
pub const REFRESH_TARGETS: usize = 1_000;

/// Builds the dataset into an empty (migrated) database. `key` is the server secret
/// the portal links are signed with; `admin_password` signs the large agency's admin in.
pub async fn seed(db: &Db, key: &[u8], scale: Scale, admin_password: &str) -> anyhow::Result<Seeded> {
    anyhow::ensure!(scale.landlords >= 10, "--landlords must be at least 10");
    anyhow::ensure!(
        store::orgs::count(db).await? == 0,
        "the database already holds agencies; seed-bench needs an empty database"
    );
    let big = provision::create_agency_with_password(
        db,
        AGENCY_NAME,
        ADMIN_EMAIL,
        Some("Bench Admin"),
        admin_password,
        false,
        false,
    )
    .await?;
    let built = seed_agency(db, key, &big.org, big.admin.id, scale.landlords, 0).await?;
    let small_size = (scale.landlords / 100).max(10);
    for n in 1..=scale.small_agencies {
        let agency = provision::create_agency_with_password(
            db,
            &format!("Small Agency {n}"),
            &format!("admin@small-{n}.example"),
            None,
            admin_password,
            false,
            false,
        )
        .await?;
        seed_agency(db, key, &agency.org, agency.admin.id, small_size, n).await?;
    }
    Ok(Seeded {
        org: big.org,
        counts: built.counts,
        typical_portal_link: built.typical_link,
        typical_property_id: built.typical_property,
        typical_newest_message_id: built.typical_newest_message,
        portfolio_portal_link: built.portfolio_link,
        landlord_email: built.landlord_email,
        refresh_targets: built.refresh_targets,
    })
}

struct AgencyBuilt {
    counts: Vec<(&'static str, usize)>,
    typical_link: String,
    typical_property: Uuid,
    typical_newest_message: Uuid,
    portfolio_link: String,
    landlord_email: String,
    refresh_targets: Vec<(String, Uuid)>,
}

const FIRST_NAMES: &[&str] = &[
    "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Noah", "Mia", "Jack", "Ivy", "Leo", "Lily", "Arthur",
    "Sophia", "Muhammad", "Grace", "Oscar", "Freya", "Charlie", "Florence", "Henry", "Emily", "Thomas", "Priya",
    "Aisha", "Daniel", "Chloe", "Samuel", "Hannah", "Joseph", "Ruth", "William", "Zara", "Edward", "Megan",
];
const LAST_NAMES: &[&str] = &[
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Thomas",
    "Clarke",
    "Jackson",
    "Wood",
    "Harris",
    "Edwards",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Hughes",
    "Moore",
    "Clark",
    "King",
    "Harrison",
    "Lewis",
    "Baker",
    "Lee",
    "Allen",
    "Morris",
    "Khan",
    "Scott",
    "Watson",
    "Davis",
    "Parker",
    "James",
    "Bennett",
    "Young",
    "Phillips",
    "Richardson",
    "Mitchell",
    "Bailey",
    "Carter",
    "Cook",
    "Singh",
    "Shaw",
    "Bell",
    "Collins",
    "Morgan",
    "Kelly",
    "Begum",
    "Miller",
    "Cox",
    "Hussain",
    "Marshall",
    "Simpson",
    "Price",
    "Anderson",
    "Adams",
];
const STREETS: &[&str] = &[
    "High Street",
    "Station Road",
    "Church Lane",
    "Victoria Road",
    "Green Lane",
    "Manor Road",
    "Park Avenue",
    "Queens Road",
    "Mill Lane",
    "Kings Road",
    "The Crescent",
    "New Road",
    "Grange Road",
    "Springfield Road",
    "Harbour Walk",
    "Chapel Street",
    "Orchard Close",
    "Albert Road",
    "Windsor Road",
    "Castle Street",
];
const TOWNS: &[(&str, &str, &str)] = &[
    ("Bristol", "Avon", "BS"),
    ("Bath", "Somerset", "BA"),
    ("Exeter", "Devon", "EX"),
    ("Plymouth", "Devon", "PL"),
    ("Cardiff", "South Glamorgan", "CF"),
    ("Gloucester", "Gloucestershire", "GL"),
    ("Swindon", "Wiltshire", "SN"),
    ("Taunton", "Somerset", "TA"),
];
const MESSAGES: &[&str] = &[
    "Hello, could you let me know when the gas safety check is booked?",
    "The tenants have reported a dripping tap in the bathroom; shall we send a plumber?",
    "Thanks, please go ahead and arrange it.",
    "Rent for this month has been received and will be paid out on Friday.",
    "Could you send me a copy of the latest inventory?",
    "The EICR is due in six weeks. We will book the electrician unless you prefer your own.",
    "Happy with the renewal at the proposed rent.",
    "Please call me about the boiler quote when you have a moment.",
];

fn pick<T: Copy>(list: &[T], n: usize) -> T {
    list[n % list.len()]
}

/// The rating on the `j`th seeded property's EPC certificate, if it has one
/// (two in three do). Its property record carries the same rating, as
/// `certificates::sync_property_epc` makes it when certificates are added one
/// by one: the bench's data shows one EPC rating, like real data.
fn certified_epc(j: usize) -> Option<EpcRating> {
    (!j.is_multiple_of(3)).then(|| pick(&[EpcRating::B, EpcRating::C, EpcRating::D], j))
}

fn postcode(n: usize, area: &str) -> String {
    let letters = b"ABDEFGHJLNPQRSTUWXYZ";
    format!(
        "{area}{} {}{}{}",
        1 + n % 39,
        n % 10,
        letters[(n / 10) % letters.len()] as char,
        letters[(n / 7) % letters.len()] as char
    )
}

/// A UUIDv7 carrying `at`, so id order follows the synthetic creation times.
fn id_at(at: DateTime<Utc>) -> Uuid {
    let secs = u64::try_from(at.timestamp()).unwrap_or(0);
    Uuid::new_v7(Timestamp::from_unix(NoContext, secs, at.timestamp_subsec_nanos()))
}

/// Which landlord owns property `j`: every fifth property belongs to one of the first
/// 1 % of landlords (portfolio landlords, about 40 properties each), the rest are
/// spread evenly.
fn owner_of(j: usize, landlords: usize) -> usize {
    let portfolio = (landlords / 100).max(1);
    if j.is_multiple_of(5) {
        (j / 5) % portfolio
    } else {
        j % landlords
    }
}

async fn seed_agency(
    db: &Db,
    key: &[u8],
    org: &Organisation,
    admin_id: Uuid,
    landlords: usize,
    salt: usize,
) -> anyhow::Result<AgencyBuilt> {
    let scale = Scale {
        landlords,
        small_agencies: 0,
    };
    let now = store::now();
    let today = now.date_naive();
    let epoch = now - Duration::days(3 * 365);
    let mut tx = db.begin().await?;

    let mut rows = Bulk::new(
        "landlords",
        &[
            "id",
            "org_id",
            "branch_id",
            "title",
            "first_name",
            "last_name",
            "email",
            "phone",
            "alt_phone",
            "landlord_type",
            "company_name",
            "company_registration_number",
            "address_line1",
            "address_line2",
            "city",
            "county",
            "postcode",
            "country",
            "preferred_contact_method",
            "email_notifications_enabled",
            "sms_notifications_enabled",
            "portal_access_enabled",
            "portal_token_id",
            "bank_account_name",
            "bank_sort_code",
            "bank_account_number",
            "tax_reference",
            "is_overseas",
            "status",
            "notes",
            "managed_by_user_id",
            "created_by_user_id",
            "sort_key",
            "search_text",
            "created_at",
            "updated_at",
        ],
    );
    let mut landlord_ids = Vec::with_capacity(landlords);
    let mut landlord_names = Vec::with_capacity(landlords);
    let mut landlord_emails = Vec::with_capacity(landlords);
    let tokens = scale.portal_tokens();
    let token_ids: Vec<Uuid> = (0..tokens).map(|_| Uuid::now_v7()).collect();
    for i in 0..landlords {
        let created = epoch + TimeDelta::minutes(i as i64 * 3);
        let id = id_at(created);
        let (town, county, area) = pick(TOWNS, i / 3 + salt);
        let first = pick(FIRST_NAMES, i * 7 + salt);
        let last = pick(LAST_NAMES, i / FIRST_NAMES.len() + i);
        let is_company = i % 9 == 0;
        let email = format!("{}.{}.{i}@landlords.example", first.to_lowercase(), last.to_lowercase());
        let postcode = postcode(i, area);
        let fields = LandlordFields {
            title: Some(pick(&["Mr", "Mrs", "Ms", "Dr", "Mx"], i).to_string()),
            first_name: first.to_string(),
            last_name: last.to_string(),
            email: Email::parse(&email).map_err(anyhow::Error::msg)?,
            phone: Some(format!("07700 9{:05}", i % 100_000)),
            alt_phone: None,
            landlord_type: if is_company {
                LandlordType::Company
            } else {
                LandlordType::Individual
            },
            company_name: is_company.then(|| format!("{last} Property Holdings Ltd")),
            company_registration_number: is_company.then(|| format!("{:08}", 10_000_000 + i)),
            address_line1: Some(format!("{} {}", 1 + i % 180, pick(STREETS, i / 2))),
            address_line2: None,
            city: Some(town.to_string()),
            county: Some(county.to_string()),
            postcode: Some(postcode),
            country: "GB".into(),
            preferred_contact_method: pick(&[ContactMethod::Email, ContactMethod::Email, ContactMethod::Phone], i),
            email_notifications_enabled: i % 4 != 0,
            sms_notifications_enabled: false,
            portal_access_enabled: i % 2 == 0 && i / 2 < tokens,
            is_overseas: i % 50 == 0,
            repair_approval_limit_pence: crate::domain::landlords::DEFAULT_REPAIR_APPROVAL_LIMIT_PENCE,
            bank_account_name: Some(format!("{first} {last}")),
            bank_sort_code: Some(format!("{:02}-{:02}-{:02}", i % 100, (i / 100) % 100, 40)),
            bank_account_number: Some(format!("{:08}", 30_000_000 + i)),
            tax_reference: None,
            // One in 25 inactive and one in 25 archived, all among the landlords
            // without a portal (odd indexes): a portal opens only for an active landlord.
            status: match i % 50 {
                1 | 27 => LandlordStatus::Inactive,
                3 | 29 => LandlordStatus::Archived,
                _ => LandlordStatus::Active,
            },
            notes: (i % 10 == 0).then(|| "Prefers contact after 6pm.".to_string()),
            managed_by_user_id: Some(admin_id),
            branch_id: None,
        };
        let token_id = (i % 2 == 0).then(|| token_ids.get(i / 2).copied()).flatten();
        rows.push(vec![
            V::Id(id),
            V::Id(org.id),
            V::OptId(None),
            V::OptText(fields.title.clone()),
            V::Text(fields.first_name.clone()),
            V::Text(fields.last_name.clone()),
            V::Text(email.clone()),
            V::OptText(fields.phone.clone()),
            V::OptText(None),
            V::Text(fields.landlord_type.as_str().into()),
            V::OptText(fields.company_name.clone()),
            V::OptText(fields.company_registration_number.clone()),
            V::OptText(fields.address_line1.clone()),
            V::OptText(None),
            V::OptText(fields.city.clone()),
            V::OptText(fields.county.clone()),
            V::OptText(fields.postcode.clone()),
            V::Text(fields.country.clone()),
            V::Text(fields.preferred_contact_method.as_str().into()),
            V::Bool(fields.email_notifications_enabled),
            V::Bool(false),
            V::Bool(token_id.is_some()),
            V::OptId(token_id),
            V::OptText(fields.bank_account_name.clone()),
            V::OptText(fields.bank_sort_code.clone()),
            V::OptText(fields.bank_account_number.clone()),
            V::OptText(None),
            V::Bool(fields.is_overseas),
            V::Text(fields.status.as_str().into()),
            V::OptText(fields.notes.clone()),
            V::OptId(Some(admin_id)),
            V::OptId(Some(admin_id)),
            V::Text(store::landlords::sort_key(&fields.first_name, &fields.last_name)),
            V::Text(store::landlords::search_text(&fields)),
            V::Time(created),
            V::Time(created),
        ]);
        rows.flush_if_full(&mut tx).await?;
        landlord_ids.push(id);
        landlord_names.push(format!("{first} {last}"));
        landlord_emails.push(email);
    }
    rows.finish(&mut tx).await?;

    let properties = scale.properties();
    let mut rows = Bulk::new(
        "properties",
        &[
            "id",
            "org_id",
            "landlord_id",
            "branch_id",
            "address_line1",
            "address_line2",
            "city",
            "county",
            "postcode",
            "property_type",
            "bedrooms",
            "bathrooms",
            "epc_rating",
            "has_gas",
            "status",
            "sort_key",
            "search_text",
            "created_at",
            "updated_at",
        ],
    );
    let mut property_ids = Vec::with_capacity(properties);
    let mut property_has_gas = Vec::with_capacity(properties);
    let mut properties_of: Vec<Vec<usize>> = vec![Vec::new(); landlords];
    let types = [
        PropertyType::Flat,
        PropertyType::House,
        PropertyType::Maisonette,
        PropertyType::Studio,
    ];
    let ratings = [EpcRating::B, EpcRating::C, EpcRating::C, EpcRating::D, EpcRating::E];
    for j in 0..properties {
        let owner = owner_of(j, landlords);
        let created = epoch + TimeDelta::minutes(j as i64 * 2 + 1);
        let id = id_at(created);
        let (town, county, area) = pick(TOWNS, j / 5 + salt);
        let property_type = pick(&types, j);
        let fields = PropertyFields {
            landlord_id: landlord_ids[owner],
            branch_id: None,
            address_line1: format!("{} {}", 1 + j % 240, pick(STREETS, j / 3)),
            address_line2: (property_type == PropertyType::Flat).then(|| format!("Flat {}", 1 + j % 12)),
            city: town.into(),
            county: Some(county.into()),
            postcode: postcode(j + 7, area),
            property_type,
            bedrooms: 1 + (j % 4) as i32,
            bathrooms: 1 + (j % 2) as i32,
            epc_rating: Some(certified_epc(j).unwrap_or_else(|| pick(&ratings, j))),
            has_gas: j % 6 != 0,
            status: pick(
                &[
                    PropertyStatus::Let,
                    PropertyStatus::Let,
                    PropertyStatus::Let,
                    PropertyStatus::Available,
                ],
                j,
            ),
            asking_rent_pence: None,
        };
        rows.push(vec![
            V::Id(id),
            V::Id(org.id),
            V::Id(fields.landlord_id),
            V::OptId(None),
            V::Text(fields.address_line1.clone()),
            V::OptText(fields.address_line2.clone()),
            V::Text(fields.city.clone()),
            V::OptText(fields.county.clone()),
            V::Text(fields.postcode.clone()),
            V::Text(fields.property_type.as_str().into()),
            V::Int(i64::from(fields.bedrooms)),
            V::Int(i64::from(fields.bathrooms)),
            V::OptText(fields.epc_rating.map(|r| r.as_str().to_string())),
            V::Bool(fields.has_gas),
            V::Text(fields.status.as_str().into()),
            V::Text(store::properties::sort_key(&fields)),
            V::Text(store::properties::search_text(&fields)),
            V::Time(created),
            V::Time(created),
        ]);
        rows.flush_if_full(&mut tx).await?;
        property_ids.push(id);
        property_has_gas.push(fields.has_gas);
        properties_of[owner].push(j);
    }
    rows.finish(&mut tx).await?;

    // Tenancies: one current tenancy per property, and an ended one before it on
    // every other property (60,000 for 40,000 properties); one tenant each.
    let mut tenancies = Bulk::new(
        "tenancies",
        &[
            "id",
            "org_id",
            "property_id",
            "rent_pence",
            "rent_frequency",
            "start_date",
            "end_date",
            "status",
            "deposit_pence",
            "deposit_scheme",
            "deposit_reference",
            "deposit_protected_on",
            "created_at",
            "updated_at",
        ],
    );
    let mut tenants = Bulk::new(
        "tenants",
        &[
            "id",
            "org_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "created_at",
            "updated_at",
        ],
    );
    let mut links = Bulk::new(
        "tenancy_tenants",
        &["tenancy_id", "tenant_id", "is_primary", "position"],
    );
    let mut tenancy_count = 0;
    for (j, property_id) in property_ids.iter().enumerate() {
        let current_start = today - Duration::days(30 + (j % 700) as i64);
        let mut spans = vec![(current_start, None, "active")];
        if j % 2 == 0 {
            let ended_on = current_start - Duration::days(14);
            spans.push((ended_on - Duration::days(365), Some(ended_on), "ended"));
        }
        for (start, end, status) in spans {
            let created = DateTime::<Utc>::from_naive_utc_and_offset(start.and_time(chrono::NaiveTime::MIN), Utc);
            let tenancy_id = id_at(created);
            let rent = 65_000 + (j % 40) as i64 * 2_500;
            tenancies.push(vec![
                V::Id(tenancy_id),
                V::Id(org.id),
                V::Id(*property_id),
                V::Int(rent),
                V::Text("monthly".into()),
                V::Date(start),
                V::OptDate(end),
                V::Text(status.into()),
                V::Int(rent * 5 / 4),
                V::Text(pick(&["tds", "dps", "mydeposits"], j).into()),
                V::OptText(Some(format!("DEP-{salt}-{tenancy_count:07}"))),
                V::OptDate(Some(start + Duration::days(10))),
                V::Time(created),
                V::Time(created),
            ]);
            tenancies.flush_if_full(&mut tx).await?;
            let tenant_id = Uuid::now_v7();
            let first = pick(FIRST_NAMES, tenancy_count * 3 + 1);
            let last = pick(LAST_NAMES, tenancy_count * 5 + 2);
            tenants.push(vec![
                V::Id(tenant_id),
                V::Id(org.id),
                V::Text(first.into()),
                V::Text(last.into()),
                V::Text(format!("tenant{tenancy_count}@tenants.example")),
                V::OptText(Some(format!("07800 1{:05}", tenancy_count % 100_000))),
                V::Time(created),
                V::Time(created),
            ]);
            tenants.flush_if_full(&mut tx).await?;
            links.push(vec![V::Id(tenancy_id), V::Id(tenant_id), V::Bool(true), V::Int(0)]);
            links.flush_if_full(&mut tx).await?;
            tenancy_count += 1;
        }
    }
    tenancies.finish(&mut tx).await?;
    tenants.finish(&mut tx).await?;
    links.finish(&mut tx).await?;

    // Certificates: gas safety where there is gas, an EICR and an EPC: about 2.5 per
    // property, some expired and some expiring soon, as in a real book.
    let mut certificates = Bulk::new(
        "certificates",
        &[
            "id",
            "org_id",
            "property_id",
            "kind",
            "issued_on",
            "expires_on",
            "reference",
            "epc_rating",
            "created_at",
            "updated_at",
        ],
    );
    let mut certificate_count = 0;
    for (j, property_id) in property_ids.iter().enumerate() {
        let mut kinds: Vec<(&str, i64)> = vec![("eicr", 5 * 365)];
        if property_has_gas[j] {
            kinds.push(("gas_safety", 365));
        }
        if certified_epc(j).is_some() {
            kinds.push(("epc", 10 * 365));
        }
        for (kind, valid_days) in kinds {
            // Expiry spread from 30 days ago to two years ahead.
            let expires_on: NaiveDate = today + Duration::days((j * 37 % 760) as i64 - 30);
            let issued_on = expires_on - Duration::days(valid_days);
            let created = now - Duration::days(((j * 37 % 760) as i64).min(700));
            certificates.push(vec![
                V::Id(id_at(created)),
                V::Id(org.id),
                V::Id(*property_id),
                V::Text(kind.into()),
                V::Date(issued_on),
                V::Date(expires_on),
                V::OptText(Some(format!("CERT-{salt}-{certificate_count:07}"))),
                V::OptText(
                    certified_epc(j)
                        .filter(|_| kind == "epc")
                        .map(|r| r.as_str().to_string()),
                ),
                V::Time(created),
                V::Time(created),
            ]);
            certificates.flush_if_full(&mut tx).await?;
            certificate_count += 1;
        }
    }
    certificates.finish(&mut tx).await?;

    // Portal tokens for every other landlord, showing all their properties, each with a
    // 20-message thread alternating landlord and agent.
    let mut token_rows = Bulk::new(
        "landlord_portal_tokens",
        &[
            "id",
            "org_id",
            "landlord_id",
            "landlord_email",
            "landlord_name",
            "link_nonce",
            "brand_name",
            "brand_logo_url",
            "brand_primary_color",
            "brand_support_email",
            "brand_support_phone",
            "is_active",
            "created_by_user_id",
            "created_at",
            "updated_at",
        ],
    );
    let mut shown = Bulk::new(
        "landlord_portal_properties",
        &["token_id", "property_id", "org_id", "created_at"],
    );
    let mut messages = Bulk::new(
        "landlord_messages",
        &[
            "id",
            "org_id",
            "token_id",
            "sender_type",
            "sender_user_id",
            "sender_name",
            "body",
            "is_read",
            "created_at",
        ],
    );
    let mut nonces = Vec::with_capacity(tokens);
    let mut newest_message = Vec::with_capacity(tokens);
    let mut message_count = 0;
    for (t, token_id) in token_ids.iter().enumerate() {
        let landlord = t * 2;
        let nonce = new_nonce();
        token_rows.push(vec![
            V::Id(*token_id),
            V::Id(org.id),
            V::Id(landlord_ids[landlord]),
            V::Text(landlord_emails[landlord].clone()),
            V::Text(landlord_names[landlord].clone()),
            V::Text(nonce.clone()),
            V::Text(org.name.clone()),
            V::OptText(org.logo_url.clone()),
            V::Text(org.primary_color.clone()),
            V::OptText(org.support_email.clone()),
            V::OptText(org.support_phone.clone()),
            V::Bool(true),
            V::OptId(Some(admin_id)),
            V::Time(now),
            V::Time(now),
        ]);
        token_rows.flush_if_full(&mut tx).await?;
        nonces.push(nonce);
    }
    token_rows.finish(&mut tx).await?;
    for (t, token_id) in token_ids.iter().enumerate() {
        let landlord = t * 2;
        for &j in &properties_of[landlord] {
            shown.push(vec![
                V::Id(*token_id),
                V::Id(property_ids[j]),
                V::Id(org.id),
                V::Time(now),
            ]);
            shown.flush_if_full(&mut tx).await?;
        }
        let mut newest = Uuid::nil();
        for m in 0..Scale::messages_per_thread() {
            let sent = now - Duration::hours(((Scale::messages_per_thread() - m) * 30) as i64)
                + Duration::milliseconds(t as i64);
            let from_landlord = m % 2 == 0;
            let id = id_at(sent);
            messages.push(vec![
                V::Id(id),
                V::Id(org.id),
                V::Id(*token_id),
                V::Text(if from_landlord { "landlord" } else { "agent" }.into()),
                V::OptId((!from_landlord).then_some(admin_id)),
                V::Text(if from_landlord {
                    landlord_names[landlord].clone()
                } else {
                    "Bench Admin".into()
                }),
                V::Text(pick(MESSAGES, m + t).into()),
                V::Bool(m + 2 < Scale::messages_per_thread()),
                V::Time(sent),
            ]);
            messages.flush_if_full(&mut tx).await?;
            newest = id;
            message_count += 1;
        }
        newest_message.push(newest);
    }
    shown.finish(&mut tx).await?;
    messages.finish(&mut tx).await?;
    store::portal_messages::refresh_last_message_at(&mut tx, org.id).await?;
    tx.commit().await?;
    // The rows went in without the store, so derive the compliance list once.
    store::compliance::rebuild_org(db, org.id).await?;

    // A typical landlord is an evenly spread one with a token (even index past the
    // portfolio landlords); the portfolio landlord is landlord 0.
    let typical_token = (landlords / 100).max(1).div_ceil(2) + 1;
    let typical_landlord = typical_token * 2;
    let typical_property = properties_of[typical_landlord]
        .first()
        .map(|&j| property_ids[j])
        .ok_or_else(|| anyhow::anyhow!("the typical landlord has no property"))?;
    Ok(AgencyBuilt {
        counts: vec![
            ("landlords", landlords),
            ("properties", properties),
            ("tenancies", tenancy_count),
            ("certificates", certificate_count),
            ("portal tokens", tokens),
            ("messages", message_count),
        ],
        typical_link: link_token(key, token_ids[typical_token], &nonces[typical_token]),
        typical_property,
        typical_newest_message: newest_message[typical_token],
        portfolio_link: link_token(key, token_ids[0], &nonces[0]),
        landlord_email: landlord_emails[landlords / 2].clone(),
        refresh_targets: (0..tokens)
            .step_by(tokens.div_ceil(REFRESH_TARGETS).max(1))
            .map(|t| (link_token(key, token_ids[t], &nonces[t]), newest_message[t]))
            .collect(),
    })
}

/// One value of a bulk-inserted row, in the types both databases' drivers bind.
enum V {
    Id(Uuid),
    OptId(Option<Uuid>),
    Text(String),
    OptText(Option<String>),
    Int(i64),
    Bool(bool),
    Time(DateTime<Utc>),
    Date(NaiveDate),
    OptDate(Option<NaiveDate>),
}

/// Rows for one table, written as multi-row INSERTs of [`Bulk::ROWS_PER_STATEMENT`]
/// rows: the same statement text each time, so both drivers prepare it once. Tables
/// whose rows reference each other push in step and flush parent first.
struct Bulk {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<V>>,
}

impl Bulk {
    const ROWS_PER_STATEMENT: usize = 100;

    fn new(table: &'static str, columns: &'static [&'static str]) -> Bulk {
        Bulk {
            table,
            columns,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<V>) {
        debug_assert_eq!(row.len(), self.columns.len(), "row width of {}", self.table);
        self.rows.push(row);
    }

    async fn flush_if_full(&mut self, tx: &mut Tx) -> Result<(), sqlx::Error> {
        if self.rows.len() >= Self::ROWS_PER_STATEMENT {
            self.flush(tx).await?;
        }
        Ok(())
    }

    async fn finish(mut self, tx: &mut Tx) -> Result<(), sqlx::Error> {
        self.flush(tx).await
    }

    async fn flush(&mut self, tx: &mut Tx) -> Result<(), sqlx::Error> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let width = self.columns.len();
        let mut sql = format!("INSERT INTO {} ({}) VALUES ", self.table, self.columns.join(", "));
        for r in 0..self.rows.len() {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..width {
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${}", r * width + c + 1));
            }
            sql.push(')');
        }
        let rows = std::mem::take(&mut self.rows);
        on_tx!(tx, |conn| {
            // Only the static table and column names above are in the text; every value is bound.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for value in rows.into_iter().flatten() {
                query = match value {
                    V::Id(v) => query.bind(v),
                    V::OptId(v) => query.bind(v),
                    V::Text(v) => query.bind(v),
                    V::OptText(v) => query.bind(v),
                    V::Int(v) => query.bind(v),
                    V::Bool(v) => query.bind(v),
                    V::Time(v) => query.bind(v),
                    V::Date(v) => query.bind(v),
                    V::OptDate(v) => query.bind(v),
                };
            }
            query.execute(conn).await.map(|_| ())
        })
    }
}
