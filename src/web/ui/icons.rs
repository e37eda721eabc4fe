//! The back-office icons: one inline SVG sprite of simple line drawings (no
//! icon font, nothing from elsewhere), sent once in each full page, and
//! [`icon`] to show one of them beside a label.

use maud::{Markup, PreEscaped, html};

/// A drawing in the sprite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    /// The home page.
    Home,
    /// Landlords (one person).
    Landlord,
    /// Properties (a house).
    Property,
    /// Tenancies (a key).
    Tenancy,
    /// Tenants (two people).
    Tenants,
    /// Tasks (a ticked box).
    Task,
    /// Offers (a price tag).
    Offer,
    /// Compliance (a shield).
    Compliance,
    /// Work orders (a clipboard).
    WorkOrder,
    /// Contractors (a spanner).
    Contractor,
    /// Messages (a speech bubble).
    Message,
    /// Portal access (a link).
    Link,
    /// Users of the back-office (an id card).
    Users,
    /// The audit trail (a clock).
    Audit,
    /// Settings (sliders).
    Settings,
    /// Email (an envelope).
    Email,
    /// The signed-in person's account.
    Account,
    /// Signing out.
    SignOut,
    /// The phone menu button.
    Menu,
}

impl Icon {
    /// The symbol's id in the sprite.
    fn id(self) -> &'static str {
        match self {
            Icon::Home => "i-home",
            Icon::Landlord => "i-landlord",
            Icon::Property => "i-property",
            Icon::Tenancy => "i-tenancy",
            Icon::Tenants => "i-tenants",
            Icon::Task => "i-task",
            Icon::Offer => "i-offer",
            Icon::Compliance => "i-compliance",
            Icon::WorkOrder => "i-work-order",
            Icon::Contractor => "i-contractor",
            Icon::Message => "i-message",
            Icon::Link => "i-link",
            Icon::Users => "i-users",
            Icon::Audit => "i-audit",
            Icon::Settings => "i-settings",
            Icon::Email => "i-email",
            Icon::Account => "i-account",
            Icon::SignOut => "i-sign-out",
            Icon::Menu => "i-menu",
        }
    }

    /// The drawing: SVG shapes on a 24 × 24 grid, stroked in the text colour.
    fn drawing(self) -> &'static str {
        match self {
            Icon::Home => r#"<path d="M3 11l9-8 9 8M5 9.5V21h5v-6h4v6h5V9.5"/>"#,
            Icon::Landlord => r#"<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4 3.6-6 8-6s8 2 8 6"/>"#,
            Icon::Property => r#"<path d="M4 21V9l8-6 8 6v12zM10 21v-6h4v6"/>"#,
            Icon::Tenancy => r#"<circle cx="8" cy="16" r="4"/><path d="M11 13l9-9M16 8l3 3M14 10l2 2"/>"#,
            Icon::Tenants => {
                r#"<circle cx="9" cy="8" r="3.5"/><path d="M2 21c0-3.5 3-5.5 7-5.5s7 2 7 5.5M16 4.5a3.5 3.5 0 0 1 0 7M18 15.7c2.4.6 4 2.4 4 5.3"/>"#
            }
            Icon::Task => r#"<rect x="3" y="3" width="18" height="18" rx="3"/><path d="M8 12l3 3 5-6"/>"#,
            Icon::Offer => r#"<path d="M3 12V4a1 1 0 0 1 1-1h8l9 9-9 9z"/><circle cx="7.5" cy="7.5" r="1.5"/>"#,
            Icon::Compliance => r#"<path d="M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6zM9 12l2 2 4-4"/>"#,
            Icon::WorkOrder => {
                r#"<rect x="5" y="4" width="14" height="17" rx="2"/><path d="M9 4V3h6v1M9 10h6M9 14h6M9 18h3"/>"#
            }
            Icon::Contractor => {
                r#"<path d="M14.5 4.5a4.5 4.5 0 0 0 5 6l-9.3 9.3a2.1 2.1 0 0 1-3-3l9.3-9.3a4.5 4.5 0 0 1-2-3z"/>"#
            }
            Icon::Message => r#"<path d="M4 5h16v11H9l-5 4z"/>"#,
            Icon::Link => {
                r#"<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>"#
            }
            Icon::Users => {
                r#"<rect x="3" y="5" width="18" height="14" rx="2"/><circle cx="9" cy="11" r="2"/><path d="M6 16c.5-1.3 1.6-2 3-2s2.5.7 3 2M14 10h4M14 14h4"/>"#
            }
            Icon::Audit => r#"<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>"#,
            Icon::Settings => {
                r#"<path d="M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1"/><circle cx="15" cy="6" r="2"/><circle cx="9" cy="12" r="2"/><circle cx="17" cy="18" r="2"/>"#
            }
            Icon::Email => r#"<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3 7l9 6 9-6"/>"#,
            Icon::Account => {
                r#"<circle cx="12" cy="12" r="9"/><circle cx="12" cy="10" r="3"/><path d="M6.5 18.5c1.4-2 3.3-3 5.5-3s4.1 1 5.5 3"/>"#
            }
            Icon::SignOut => r#"<path d="M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10"/>"#,
            Icon::Menu => r#"<path d="M4 6h16M4 12h16M4 18h16"/>"#,
        }
    }

    const ALL: [Icon; 19] = [
        Icon::Home,
        Icon::Landlord,
        Icon::Property,
        Icon::Tenancy,
        Icon::Tenants,
        Icon::Task,
        Icon::Offer,
        Icon::Compliance,
        Icon::WorkOrder,
        Icon::Contractor,
        Icon::Message,
        Icon::Link,
        Icon::Users,
        Icon::Audit,
        Icon::Settings,
        Icon::Email,
        Icon::Account,
        Icon::SignOut,
        Icon::Menu,
    ];
}

/// The sprite: every drawing as a `<symbol>`, in a hidden `<svg>`.
pub fn sprite() -> Markup {
    let mut symbols = String::new();
    for icon in Icon::ALL {
        symbols.push_str(&format!(
            r#"<symbol id="{}" viewBox="0 0 24 24">{}</symbol>"#,
            icon.id(),
            icon.drawing()
        ));
    }
    html! {
        svg class="sprite" xmlns="http://www.w3.org/2000/svg" aria-hidden="true" focusable="false" { (PreEscaped(symbols)) }
    }
}

/// One icon (decorative: the label beside it says what it means).
pub fn icon(icon: Icon) -> Markup {
    html! {
        svg class="icon" aria-hidden="true" focusable="false" { use href={ "#" (icon.id()) } {} }
    }
}
