//! The two ways a code reaches a person.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A mobile phone, by SMS.
    Sms,
    /// An email address outside the institution.
    Email,
}

impl Channel {
    /// The name stored in the database and shown in `--json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Channel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sms" | "phone" => Ok(Channel::Sms),
            "email" => Ok(Channel::Email),
            other => Err(format!("`{other}` is not a channel (sms or email)")),
        }
    }
}
