//! Masking: most of a value hidden, a useful part kept (an email's domain, a phone's last
//! two digits).

/// `jeanne.martin@example.fr` → `*@example.fr`; `None` when the text is not an email.
pub(crate) fn email_domain(text: &str, out: &mut String) -> bool {
    match text.trim().rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') => {
            out.push_str("*@");
            out.push_str(&domain.to_ascii_lowercase());
            true
        }
        _ => false,
    }
}

/// `06 12 34 56 78` → `********78`: one `*` per hidden digit, separators removed.
/// Refused for fewer than 6 digits (there would be too little to hide).
pub(crate) fn phone_last2(text: &str, out: &mut String) -> bool {
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    if digits < 6 {
        return false;
    }
    let mut seen = 0;
    for d in text.chars().filter(char::is_ascii_digit) {
        seen += 1;
        out.push(if seen > digits - 2 { d } else { '*' });
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: fn(&str, &mut String) -> bool, text: &str) -> Option<String> {
        let mut out = String::new();
        f(text, &mut out).then_some(out)
    }

    #[test]
    fn emails() {
        assert_eq!(
            run(email_domain, "Jeanne.Martin@Example.FR").as_deref(),
            Some("*@example.fr")
        );
        assert_eq!(run(email_domain, "not an email"), None);
        assert_eq!(run(email_domain, "@example.fr"), None);
    }

    #[test]
    fn phones() {
        assert_eq!(
            run(phone_last2, "06 12 34 56 78").as_deref(),
            Some("********78")
        );
        assert_eq!(
            run(phone_last2, "+33 6 12 34 56 78").as_deref(),
            Some("*********78")
        );
        assert_eq!(run(phone_last2, "12-34"), None);
    }
}
