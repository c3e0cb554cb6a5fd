//! Enrollment state, derived from contacts and skips, never stored (SPEC §1).

use serde::Serialize;

use crate::store::Contact;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// At least one confirmed contact.
    Enrolled,
    /// Not enrolled, skips used < max_skips.
    MaySkip,
    /// Not enrolled, skips used ≥ max_skips.
    MustRegister,
}

impl State {
    pub fn of(contacts: &[Contact], skips: u32, max_skips: u32) -> State {
        if contacts.iter().any(Contact::confirmed) {
            State::Enrolled
        } else if skips < max_skips {
            State::MaySkip
        } else {
            State::MustRegister
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            State::Enrolled => "enrolled",
            State::MaySkip => "may-skip",
            State::MustRegister => "must-register",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::Channel;

    fn contact(confirmed: bool) -> Contact {
        Contact {
            channel: Channel::Sms,
            address: "+16174322000".into(),
            carrier: None,
            preferred: false,
            confirmed_at: confirmed.then_some(1),
            created_at: 0,
        }
    }

    #[test]
    fn states() {
        assert_eq!(State::of(&[], 0, 5), State::MaySkip);
        assert_eq!(State::of(&[], 4, 5), State::MaySkip);
        assert_eq!(State::of(&[], 5, 5), State::MustRegister);
        assert_eq!(State::of(&[contact(false)], 5, 5), State::MustRegister);
        assert_eq!(State::of(&[contact(true)], 9, 5), State::Enrolled);
        assert_eq!(State::of(&[], 0, 0), State::MustRegister);
    }
}
