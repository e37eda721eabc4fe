//! Money: integer pence, shown as `£1,250.00`.

/// An amount of pence as `£1,250.00` (negative as `-£5.00`).
pub fn money(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let pence = pence.unsigned_abs();
    let pounds = (pence / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in pounds.chars().enumerate() {
        if i > 0 && (pounds.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}£{grouped}.{:02}", pence % 100)
}

/// A monthly amount in the one style every page uses: `£1,175.00 per month`.
pub fn per_month(pence: i64) -> String {
    format!("{} per month", money(pence))
}
