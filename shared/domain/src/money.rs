//! Money, in integer fen (1 yuan = 100 fen).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of RMB in fen.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    pub const fn from_yuan(yuan: i64) -> Self {
        Self(yuan * 100)
    }

    /// The amount in yuan as a notice writes it after 人民币 and before 元: thousands grouped,
    /// two decimals (`150,000.00`).
    pub fn yuan_text(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let digits = (abs / 100).to_string();
        let mut grouped = String::new();
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        format!("{sign}{grouped}.{:02}", abs % 100)
    }
}

impl fmt::Display for Fen {
    /// `¥150,000.00`-style, without grouping: `¥150000.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}¥{}.{:02}", abs / 100, abs % 100)
    }
}

/// Art. 12: each winner receives a one-off reward of RMB 150,000 (一次性给予15万元的奖励), paid
/// directly by the city finance bureau (Art. 13).
pub const AWARD_REWARD: Fen = Fen::from_yuan(150_000);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reward_is_150000_yuan_in_fen() {
        assert_eq!(AWARD_REWARD, Fen(15_000_000));
        assert_eq!(AWARD_REWARD.to_string(), "¥150000.00");
        assert_eq!(AWARD_REWARD.yuan_text(), "150,000.00");
        assert_eq!(Fen(99).yuan_text(), "0.99");
        assert_eq!(Fen(-123_456_789).yuan_text(), "-1,234,567.89");
        assert_eq!(Fen::from_yuan(1_000).yuan_text(), "1,000.00");
        assert_eq!(serde_json::to_string(&AWARD_REWARD).unwrap(), "15000000");
        assert_eq!(Fen(-5).to_string(), "-¥0.05");
    }
}
