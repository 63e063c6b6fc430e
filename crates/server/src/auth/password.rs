//! Rules for new passwords: a length range, and a strength estimate (zxcvbn) that refuses
//! common passwords, repeats, sequences and the account's own email, with zxcvbn's advice as the
//! message.

use crate::error::{ApiError, ApiResult};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted (argon2 works on any length; this bounds the work).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Checks password length rules (cheap; done before anything is queued for hashing).
pub fn check_length(password: &str) -> ApiResult<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(ApiError::Validation(format!("password: at least {MIN_PASSWORD_CHARS} characters")));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(ApiError::Validation(format!("password: at most {MAX_PASSWORD_CHARS} characters")));
    }
    Ok(())
}

/// Refuses a password whose zxcvbn score is under `min_score` (0–4), given the account's
/// email; the message says why and how to do better. zxcvbn reads at most the first 100
/// characters, so this costs at most a few milliseconds.
pub fn check_strength(password: &str, email: &str, min_score: u8) -> Result<(), String> {
    let local = email.split('@').next().unwrap_or_default();
    let estimate = zxcvbn::zxcvbn(password, &[email, local, "promptdeck"]);
    if u8::from(estimate.score()) >= min_score {
        return Ok(());
    }
    let mut message = String::from("password: too easy to guess");
    if let Some(feedback) = estimate.feedback() {
        if let Some(warning) = feedback.warning() {
            message.push_str(&format!(" ({})", warning.to_string().trim_end_matches('.')));
        }
        let advice = feedback.suggestions().iter().map(ToString::to_string).collect::<Vec<_>>();
        if !advice.is_empty() {
            message.push_str(". ");
            message.push_str(&advice.join(" "));
        }
    }
    if !message.ends_with('.') {
        message.push('.');
    }
    Err(message)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic)]
    use super::*;

    #[test]
    fn common_passwords_repeats_and_the_email_itself_are_refused_with_advice() {
        let email = "someone@example.com";
        for weak in ["12345678", "password", "        ", "someone@example.com", "someone1", "Password123!"] {
            let message = check_strength(weak, email, 3).err().unwrap_or_else(|| panic!("{weak:?} passed"));
            assert!(message.starts_with("password: too easy to guess"), "{message}");
        }
        let message = check_strength("password", email, 3).err().unwrap_or_default();
        assert!(message.contains("common password"), "zxcvbn's warning is passed on: {message}");
    }

    #[test]
    fn passphrases_pass() {
        for strong in ["correct horse battery staple", "correct horse battery", "a strong passphrase here"] {
            assert_eq!(check_strength(strong, "someone@example.com", 3), Ok(()), "{strong:?}");
        }
    }

    #[test]
    fn score_zero_accepts_anything_of_the_right_length() {
        assert_eq!(check_strength("password", "someone@example.com", 0), Ok(()));
    }
}
