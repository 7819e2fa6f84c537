//! The pages' addresses that emails and public answers link to. `PUBLIC_BASE_URL` is where people
//! open the pages (behind CloudFront, or the local runner's `/`); the pages use hash routes, so
//! every link is `<base>/#/<page>` — never an API path, which the pages' origin does not serve.
//! The routes are `web/src/router.ts`'s.

/// The public list and its objection form: `<base>/#/publicity/<cycle>` (Art. 11(8)).
pub fn publicity(base: &str, cycle_id: &str) -> String {
    format!("{base}/#/publicity/{cycle_id}")
}

/// The page that confirms a new contact email with the emailed token:
/// `<base>/#/email-confirmations/<token>` (it posts the token to `POST /email-confirmations`).
pub fn email_confirmation(base: &str, token: &str) -> String {
    format!("{base}/#/email-confirmations/{token}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_hash_routes_of_the_pages() {
        assert_eq!(
            publicity("https://award.example.cn", "2026"),
            "https://award.example.cn/#/publicity/2026"
        );
        assert_eq!(
            email_confirmation("http://127.0.0.1:8787", "ab12"),
            "http://127.0.0.1:8787/#/email-confirmations/ab12"
        );
    }
}
