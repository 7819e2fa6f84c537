//! The Unified Social Credit Code (统一社会信用代码), GB 32100-2015.
//!
//! Eighteen characters from a 31-character set (digits and capital letters without I, O, S, V, Z):
//! position 1 the registration authority, 2 the organisation type, 3–8 the registering authority's
//! administrative division code, 9–17 the organisation code (GB 11714), 18 the check character.
//! The check character is `31 − (Σ value(cᵢ) × 3^(i−1) mod 31) mod 31` over positions 1–17.
//!
//! Art. 2 and Art. 10(1) need the division code (registered in Wuwei); Art. 10 screening treats a
//! failing check character as "needs review" rather than a reject (see [`screen`]), while
//! [`Uscc::parse`] — used where a valid code is required — rejects it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The GB 32100 character set, in value order (value = index).
pub const CHARACTER_SET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Length of a USCC.
pub const LENGTH: usize = 18;

/// Why a text is not a valid USCC.
#[derive(
    Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UsccError {
    #[error("a USCC has 18 characters, found {found}")]
    Length { found: usize },
    /// `position` is 1-based, as GB 32100 numbers them.
    #[error("character {character:?} at position {position} is not in the GB 32100 character set")]
    Character { position: usize, character: char },
    /// Positions 3–8 hold an administrative division code, which is six digits.
    #[error("positions 3–8 must be a six-digit administrative division code, found {found:?}")]
    DivisionCode { found: String },
    #[error("check character should be {expected:?}, found {found:?}")]
    CheckCharacter { expected: char, found: char },
}

/// A well-formed USCC whose check character is correct.
///
/// Serialised as its 18-character string; deserialising validates it the same way as [`Uscc::parse`].
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

impl Uscc {
    /// Parses a USCC, rejecting a wrong length, a character outside the set, a non-numeric division
    /// code or a wrong check character. Surrounding whitespace is ignored and lower-case letters are
    /// accepted (people type them), the stored form is upper case.
    pub fn parse(text: &str) -> Result<Self, UsccError> {
        let normalised = check_format(text)?;
        let expected = check_character_of(&normalised[..LENGTH - 1]);
        let found = normalised.as_bytes()[LENGTH - 1] as char;
        if expected != found {
            return Err(UsccError::CheckCharacter { expected, found });
        }
        Ok(Self(normalised))
    }

    /// Builds a USCC from its first 17 characters by appending the check character.
    pub fn with_check_character(first_17: &str) -> Result<Self, UsccError> {
        let mut text = first_17.trim().to_ascii_uppercase();
        if text.chars().count() != LENGTH - 1 {
            return Err(UsccError::Length {
                found: text.chars().count(),
            });
        }
        // A placeholder check character lets the format check run over the 17 characters.
        text.push('0');
        let mut normalised = check_format(&text)?;
        normalised.pop();
        normalised.push(check_character_of(&normalised));
        Ok(Self(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The registering authority's administrative division code, positions 3–8.
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Uscc {
    type Error = UsccError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Uscc> for String {
    fn from(value: Uscc) -> Self {
        value.0
    }
}

impl std::str::FromStr for Uscc {
    type Err = UsccError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The check character for the first 17 characters of a USCC.
///
/// Errors when `first_17` is not 17 characters of the GB 32100 set.
pub fn check_character(first_17: &str) -> Result<char, UsccError> {
    Uscc::with_check_character(first_17).map(|uscc| uscc.0.as_bytes()[LENGTH - 1] as char)
}

/// The value of a character in the GB 32100 set.
fn value_of(byte: u8) -> Option<u32> {
    CHARACTER_SET
        .iter()
        .position(|&c| c == byte)
        .map(|index| index as u32)
}

/// Weights 3^(i−1) mod 31 for positions i = 1..=17.
const WEIGHTS: [u32; LENGTH - 1] = {
    let mut weights = [0u32; LENGTH - 1];
    let mut weight = 1u32;
    let mut i = 0;
    while i < LENGTH - 1 {
        weights[i] = weight;
        weight = weight * 3 % 31;
        i += 1;
    }
    weights
};

/// `first_17` must already be format-checked (17 set characters).
fn check_character_of(first_17: &str) -> char {
    let sum: u32 = first_17
        .bytes()
        .zip(WEIGHTS)
        .map(|(byte, weight)| value_of(byte).unwrap_or(0) * weight)
        .sum();
    let value = (31 - sum % 31) % 31;
    CHARACTER_SET[value as usize] as char
}

/// Checks length, character set and division code; returns the normalised (upper-case) text.
fn check_format(text: &str) -> Result<String, UsccError> {
    let normalised = text.trim().to_ascii_uppercase();
    let count = normalised.chars().count();
    if count != LENGTH {
        return Err(UsccError::Length { found: count });
    }
    for (index, character) in normalised.chars().enumerate() {
        let in_set = character.is_ascii() && value_of(character as u8).is_some();
        if !in_set {
            return Err(UsccError::Character {
                position: index + 1,
                character,
            });
        }
    }
    let division = &normalised[2..8];
    if !division.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UsccError::DivisionCode {
            found: division.to_owned(),
        });
    }
    Ok(normalised)
}

/// The lenient reading used by eligibility screening (Art. 10, 11.4): a code whose only fault is
/// its check character is kept, with its division code, for the Office to review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum UsccScreening {
    Valid {
        uscc: Uscc,
    },
    /// Well-formed, but the check character does not match: possibly a typing error, possibly a
    /// made-up code. Needs review, not a silent reject.
    CheckCharacterMismatch {
        text: String,
        division_code: String,
        expected: char,
        found: char,
    },
    Malformed {
        error: UsccError,
    },
}

impl UsccScreening {
    /// The division code, when the text is well-formed (whatever its check character).
    pub fn division_code(&self) -> Option<&str> {
        match self {
            Self::Valid { uscc } => Some(uscc.division_code()),
            Self::CheckCharacterMismatch { division_code, .. } => Some(division_code),
            Self::Malformed { .. } => None,
        }
    }
}

/// Reads a declared USCC leniently; see [`UsccScreening`].
pub fn screen(text: &str) -> UsccScreening {
    match Uscc::parse(text) {
        Ok(uscc) => UsccScreening::Valid { uscc },
        Err(UsccError::CheckCharacter { expected, found }) => {
            let normalised = text.trim().to_ascii_uppercase();
            UsccScreening::CheckCharacterMismatch {
                division_code: normalised[2..8].to_owned(),
                text: normalised,
                expected,
                found,
            }
        }
        Err(error) => UsccScreening::Malformed { error },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // A published, real code (Alibaba (China) Co., Ltd., from its business licence), so the
    // algorithm is checked against an external fact rather than against itself.
    const REAL: &str = "91330100799655058B";

    #[test]
    fn accepts_a_real_code_and_exposes_its_parts() {
        let uscc = Uscc::parse(REAL).unwrap();
        assert_eq!(uscc.as_str(), REAL);
        assert_eq!(uscc.division_code(), "330100");
        assert_eq!(check_character(&REAL[..17]).unwrap(), 'B');
    }

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        assert_eq!(
            WEIGHTS,
            [
                1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
            ]
        );
    }

    #[test]
    fn normalises_case_and_whitespace() {
        let uscc = Uscc::parse(&format!("  {}  ", REAL.to_lowercase())).unwrap();
        assert_eq!(uscc.as_str(), REAL);
    }

    #[test]
    fn rejects_wrong_length() {
        assert_eq!(
            Uscc::parse("91330100799655058"),
            Err(UsccError::Length { found: 17 })
        );
        assert_eq!(
            Uscc::parse("91330100799655058BB"),
            Err(UsccError::Length { found: 19 })
        );
    }

    #[test]
    fn rejects_excluded_letters_with_their_position() {
        for excluded in ['I', 'O', 'S', 'V', 'Z'] {
            let text = format!("9133010079965505{excluded}B");
            assert_eq!(
                Uscc::parse(&text),
                Err(UsccError::Character {
                    position: 17,
                    character: excluded
                })
            );
        }
        assert!(matches!(
            Uscc::parse("91330100799655058中"),
            Err(UsccError::Character { position: 18, .. })
        ));
    }

    #[test]
    fn rejects_a_non_numeric_division_code() {
        assert_eq!(
            Uscc::parse("913A0100799655058B"),
            Err(UsccError::DivisionCode {
                found: "3A0100".into()
            })
        );
    }

    #[test]
    fn rejects_a_wrong_check_character() {
        assert_eq!(
            Uscc::parse("91330100799655058C"),
            Err(UsccError::CheckCharacter {
                expected: 'B',
                found: 'C'
            })
        );
    }

    #[test]
    fn screening_keeps_a_check_mismatch_for_review() {
        let screened = screen("91620602799655058C");
        let UsccScreening::CheckCharacterMismatch {
            division_code,
            found,
            ..
        } = &screened
        else {
            panic!("expected a check mismatch, got {screened:?}");
        };
        assert_eq!(division_code, "620602");
        assert_eq!(*found, 'C');
        assert_eq!(screened.division_code(), Some("620602"));
        assert!(matches!(
            screen("123"),
            UsccScreening::Malformed {
                error: UsccError::Length { found: 3 }
            }
        ));
    }

    #[test]
    fn serde_is_the_plain_string_and_validates() {
        let uscc = Uscc::parse(REAL).unwrap();
        let json = serde_json::to_string(&uscc).unwrap();
        assert_eq!(json, format!("\"{REAL}\""));
        assert_eq!(serde_json::from_str::<Uscc>(&json).unwrap(), uscc);
        assert!(serde_json::from_str::<Uscc>("\"91330100799655058C\"").is_err());
    }

    fn first_17() -> impl Strategy<Value = String> {
        let character = proptest::sample::select(CHARACTER_SET.to_vec());
        (
            proptest::collection::vec(character.clone(), 2),
            "[0-9]{6}",
            proptest::collection::vec(character, 9),
        )
            .prop_map(|(head, division, tail)| {
                let mut text: String = head.into_iter().map(char::from).collect();
                text.push_str(&division);
                text.extend(tail.into_iter().map(char::from));
                text
            })
    }

    proptest! {
        /// Generation and validation round-trip: a generated code parses back to itself.
        #[test]
        fn generated_codes_validate(prefix in first_17()) {
            let uscc = Uscc::with_check_character(&prefix).unwrap();
            prop_assert_eq!(&uscc.as_str()[..17], prefix.as_str());
            prop_assert_eq!(Uscc::parse(uscc.as_str()), Ok(uscc.clone()));
        }

        /// Any other check character is refused: the check detects every single-character change
        /// at position 18.
        #[test]
        fn every_other_check_character_fails(prefix in first_17(), other in 0usize..31) {
            let valid = Uscc::with_check_character(&prefix).unwrap();
            let wrong = CHARACTER_SET[other] as char;
            prop_assume!(!valid.as_str().ends_with(wrong));
            let text = format!("{prefix}{wrong}");
            let is_check_error = matches!(Uscc::parse(&text), Err(UsccError::CheckCharacter { .. }));
            prop_assert!(is_check_error);
        }

        /// A single substituted character anywhere in positions 1–17 is detected (31 is prime and
        /// every weight is non-zero mod 31).
        #[test]
        fn single_substitutions_are_detected(prefix in first_17(), position in 0usize..17, replacement in 0usize..31) {
            let valid = Uscc::with_check_character(&prefix).unwrap();
            let mut bytes = valid.as_str().as_bytes().to_vec();
            prop_assume!(bytes[position] != CHARACTER_SET[replacement]);
            prop_assume!(!(2..8).contains(&position) || CHARACTER_SET[replacement].is_ascii_digit());
            bytes[position] = CHARACTER_SET[replacement];
            let text = String::from_utf8(bytes).unwrap();
            let is_check_error = matches!(Uscc::parse(&text), Err(UsccError::CheckCharacter { .. }));
            prop_assert!(is_check_error);
        }
    }
}
