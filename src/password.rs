//! Password policy and argon2id hashing (SPEC §5). Pure apart from the OS random number
//! generator; nothing here knows about the database or the terminal.
//!
//! Policy follows NIST SP 800-63B: a minimum and a maximum length counted in
//! characters after NFKC normalisation, no composition rules, refusal of guessable
//! passwords (zxcvbn, with the person's own names as context) and of the current one.
//! Nothing is ever truncated: a too-long password is refused, not shortened.

use std::fmt;

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use rand::RngExt;
use rand::seq::IndexedRandom;
use subtle::ConstantTimeEq;
use unicode_normalization::UnicodeNormalization;
use zxcvbn::Score;

use crate::config::{Argon2Config, PasswordConfig};
use crate::error;

/// Most characters a password may have (SPEC §5).
pub const MAX_LENGTH: usize = 128;
/// Fewest characters by default (`password.min_length`).
pub const DEFAULT_MIN_LENGTH: usize = 12;
/// zxcvbn score a password must reach (SPEC §5): 3 means zxcvbn estimates at least
/// 10^8 guesses.
const MIN_SCORE: Score = Score::Three;
/// Words in a generated passphrase: 5 × log2(7772) ≈ 64.6 bits.
const PASSPHRASE_WORDS: usize = 5;

/// Length limits, in characters (Unicode code points after NFKC normalisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub min_length: usize,
    pub max_length: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            min_length: DEFAULT_MIN_LENGTH,
            max_length: MAX_LENGTH,
        }
    }
}

impl From<&PasswordConfig> for Policy {
    fn from(config: &PasswordConfig) -> Self {
        Policy {
            min_length: config.min_length,
            max_length: MAX_LENGTH,
        }
    }
}

/// Why a password was refused. `Display` is one sentence a service-desk agent can read
/// to the caller; it never contains the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Weakness {
    TooShort {
        min: usize,
        got: usize,
    },
    TooLong {
        max: usize,
    },
    /// A control character (tab, line break, escape…) cannot be typed reliably at a
    /// login prompt; most often it is a stray newline from a script.
    ContainsControl,
    /// zxcvbn rates it below 3; `feedback` is its advice, on one line.
    Guessable {
        feedback: String,
    },
    SameAsCurrent,
}

impl fmt::Display for Weakness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Weakness::TooShort { min, got } => write!(
                f,
                "the password is too short: it has {got} characters and needs at least {min}"
            ),
            Weakness::TooLong { max } => {
                write!(
                    f,
                    "the password is too long: at most {max} characters are allowed"
                )
            }
            Weakness::ContainsControl => f.write_str(
                "the password contains a control character (such as a tab or a line break)",
            ),
            Weakness::Guessable { feedback } => {
                write!(f, "the password is too easy to guess: {feedback}")
            }
            Weakness::SameAsCurrent => {
                f.write_str("the new password is the same as the current one")
            }
        }
    }
}

impl std::error::Error for Weakness {}

/// A weak password is a policy refusal (exit 4), with a hint on what works instead.
impl From<Weakness> for error::Error {
    fn from(w: Weakness) -> Self {
        let hint = match w {
            Weakness::TooShort { .. } | Weakness::Guessable { .. } => {
                Some("a few unrelated words make a strong password that is easy to type")
            }
            _ => None,
        };
        let e = error::policy(w.to_string());
        match hint {
            Some(h) => e.hint(h),
            None => e,
        }
    }
}

/// Checks a proposed password and returns it NFKC-normalised, the form to hash.
///
/// `context` holds what an attacker would try first: the username, display name and
/// email address. Each is also split at spaces and punctuation so that `Margaret` alone
/// counts, not just `Margaret Hamilton`. `current_phc`, when given, is the stored hash
/// of the current password; reusing it is refused.
///
/// Lengths are checked first and on a bounded prefix, so that a huge input is refused
/// at once instead of being normalised and scored in full.
pub fn check(
    password: &str,
    policy: &Policy,
    context: &[&str],
    current_phc: Option<&str>,
) -> Result<String, Weakness> {
    // NFKC so that the fullwidth `ｐａｓｓ` someone's input method produced and the
    // `pass` typed elsewhere are the same password. Normalising lazily and stopping
    // one past the maximum is enough to know it is too long.
    let normalized: String = password
        .nfkc()
        .take(policy.max_length.saturating_add(1))
        .collect();
    let got = normalized.chars().count();
    if got > policy.max_length {
        return Err(Weakness::TooLong {
            max: policy.max_length,
        });
    }
    if got < policy.min_length {
        return Err(Weakness::TooShort {
            min: policy.min_length,
            got,
        });
    }
    if normalized.chars().any(char::is_control) {
        return Err(Weakness::ContainsControl);
    }

    let inputs = context_words(context);
    let input_refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let entropy = zxcvbn::zxcvbn(&normalized, &input_refs);
    if entropy.score() < MIN_SCORE {
        return Err(Weakness::Guessable {
            feedback: feedback(&entropy, &normalized, &inputs),
        });
    }

    if let Some(phc) = current_phc
        && verify(&normalized, phc)
    {
        return Err(Weakness::SameAsCurrent);
    }
    Ok(normalized)
}

/// The context strings and the pieces an attacker would also try, lower-cased and
/// without duplicates: for an email address its local part and its domain labels but
/// the top-level one (`margaret.hamilton`, `gmail`), and every item split at anything
/// that is not a letter or digit (`margaret`, `hamilton`). Pieces shorter than 3
/// characters are dropped: they would match ordinary passwords by accident.
fn context_words(context: &[&str]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut add = |w: &str| {
        let w = w.nfkc().collect::<String>().to_lowercase();
        if w.chars().count() >= 3 && !words.contains(&w) {
            words.push(w);
        }
    };
    for item in context {
        add(item);
        let (local, domain) = item.rsplit_once('@').unwrap_or((item, ""));
        add(local);
        let labels: Vec<&str> = domain.split('.').collect();
        for label in labels.iter().take(labels.len().saturating_sub(1)) {
            add(label);
        }
        for part in local.split(|c: char| !c.is_alphanumeric()) {
            add(part);
        }
    }
    words
}

/// zxcvbn's warning and suggestions as one line, led by a plain statement when the
/// password contains the person's own name, which zxcvbn does not say in words.
fn feedback(entropy: &zxcvbn::Entropy, normalized: &str, context: &[String]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let lower = normalized.to_lowercase();
    if context.iter().any(|w| lower.contains(w.as_str())) {
        parts.push("It contains the user's name or address.".to_string());
    }
    if let Some(fb) = entropy.feedback() {
        if let Some(w) = fb.warning() {
            parts.push(w.to_string());
        }
        parts.extend(fb.suggestions().iter().map(ToString::to_string));
    }
    if parts.is_empty() {
        parts.push("Add another word or two. Uncommon words are better.".to_string());
    }
    parts.join(" ")
}

/// The argon2id hasher for the configured cost.
fn argon2id(params: &Argon2Config) -> Result<Argon2<'static>, String> {
    let p = Params::new(
        params.memory_kib,
        params.iterations,
        params.parallelism,
        None,
    )
    .map_err(|e| format!("invalid argon2 parameters: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, p))
}

/// Hashes a password (normally `check`'s result) to an argon2id PHC string such as
/// `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, with 16 bytes of salt from the OS
/// CSPRNG. It normalises again (NFKC is idempotent) so that a caller who skipped
/// `check` still stores what `verify` will compare against.
pub fn hash(normalized: &str, params: &Argon2Config) -> Result<String, String> {
    let hasher = argon2id(params)?;
    let salt: [u8; argon2::RECOMMENDED_SALT_LEN] =
        crate::code::with_os_rng(|rng| rng.random()).map_err(|e| e.to_string())?;
    let password: String = normalized.nfkc().collect();
    hasher
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("could not hash the password: {e}"))
}

/// Whether `candidate` (NFKC-normalised first) is the password behind `phc`. The cost
/// parameters come from the PHC string, so hashes made under an older configuration
/// still verify. Anything unparsable is simply `false`.
pub fn verify(candidate: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let normalized: String = candidate.nfkc().collect();
    Argon2::default()
        .verify_password(normalized.as_bytes(), &parsed)
        .is_ok()
}

/// Does the work of a `verify` with the configured cost and returns `false`, for a user
/// who does not exist or has no password: without it, an instant answer would tell an
/// attacker which usernames are real.
pub fn verify_dummy(candidate: &str, params: &Argon2Config) -> bool {
    const EXPECTED: [u8; Params::DEFAULT_OUTPUT_LEN] = [0; Params::DEFAULT_OUTPUT_LEN];
    let out = dummy_work(candidate, params);
    std::hint::black_box(out.ct_eq(&EXPECTED));
    false
}

/// The argon2id output `verify_dummy` computes: the real work at the given cost, with
/// a fixed salt (nothing is protected by it; it only makes the work the same as a
/// real verification's).
fn dummy_work(candidate: &str, params: &Argon2Config) -> [u8; Params::DEFAULT_OUTPUT_LEN] {
    const SALT: [u8; 16] = *b"safecode-dummy!!";
    let normalized: String = candidate.nfkc().collect();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    if let Ok(hasher) = argon2id(params) {
        // The result is ignored: only the work matters.
        let _ = hasher.hash_password_into(normalized.as_bytes(), &SALT, &mut out);
    }
    out
}

/// The (m, t, p) cost of an argon2id PHC string; `None` if it is not argon2id or does
/// not parse. Lets callers see whether a stored hash is weaker than the configuration.
pub fn params_of(phc: &str) -> Option<(u32, u32, u32)> {
    let parsed = PasswordHash::new(phc).ok()?;
    if parsed.algorithm.as_str() != Algorithm::Argon2id.as_str() {
        return None;
    }
    let p = Params::try_from(&parsed).ok()?;
    Some((p.m_cost(), p.t_cost(), p.p_cost()))
}

/// Whether a stored hash should be replaced at the next successful login: it is not
/// argon2id, or any cost is below the configured one.
pub fn needs_rehash(phc: &str, params: &Argon2Config) -> bool {
    match params_of(phc) {
        Some((m, t, p)) => m < params.memory_kib || t < params.iterations || p < params.parallelism,
        None => true,
    }
}

/// The EFF long word list (7776 words chosen to be easy to spell and tell apart), less
/// the four hyphenated words, which would blur the `-` between words.
fn passphrase_words() -> Vec<&'static str> {
    diceware_wordlists::EFF_LONG_WORDLIST
        .iter()
        .copied()
        .filter(|w| w.bytes().all(|b| b.is_ascii_lowercase()))
        .collect()
}

/// A random passphrase for `set-password --generate`: five words from the EFF long
/// list joined by `-`, e.g. `crumpet-unwound-lagoon-spiffy-rejoin` (about 64.6 bits).
///
/// It is checked with the default policy before it is returned and redrawn in the
/// (rare) case zxcvbn finds a pattern in it, so it always passes `check`.
pub fn generate_passphrase() -> Result<String, String> {
    let words = passphrase_words();
    let policy = Policy::default();
    for _ in 0..32 {
        let chosen = crate::code::with_os_rng(|rng| {
            (0..PASSPHRASE_WORDS)
                .map(|_| words.choose(rng).copied())
                .collect::<Option<Vec<&str>>>()
        })
        .map_err(|e| e.to_string())?
        .ok_or("the word list is empty")?;
        let phrase = chosen.join("-");
        if check(&phrase, &policy, &[], None).is_ok() {
            return Ok(phrase);
        }
    }
    Err("could not generate a passphrase that passes the password policy".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ARGON2_MIN;

    fn weak(pw: &str, context: &[&str]) -> Weakness {
        check(pw, &Policy::default(), context, None).unwrap_err()
    }

    fn ok(pw: &str) -> String {
        check(pw, &Policy::default(), &[], None).unwrap_or_else(|w| panic!("{pw:?}: {w}"))
    }

    #[test]
    fn eleven_characters_are_too_short() {
        assert_eq!(
            weak("qZ8#vLp2!mW", &[]),
            Weakness::TooShort { min: 12, got: 11 }
        );
        assert_eq!(weak("", &[]), Weakness::TooShort { min: 12, got: 0 });
    }

    #[test]
    fn twelve_strong_characters_pass() {
        assert_eq!(ok("qZ8#vLp2!mWx"), "qZ8#vLp2!mWx");
    }

    #[test]
    fn up_to_128_characters_pass_and_129_are_refused() {
        let base = "tundra-mosaic-vellum-quorum-";
        let long128: String = base.chars().cycle().take(128).collect();
        assert_eq!(ok(&long128).chars().count(), 128);
        let long129: String = base.chars().cycle().take(129).collect();
        assert_eq!(weak(&long129, &[]), Weakness::TooLong { max: 128 });
    }

    #[test]
    fn length_counts_code_points_not_bytes() {
        // 128 three-byte characters: 384 bytes, 128 characters, allowed.
        let cjk: String = "密码安全长度测试用例字符"
            .chars()
            .cycle()
            .take(128)
            .collect();
        assert_eq!(cjk.len(), 384);
        assert_eq!(ok(&cjk).chars().count(), 128);
        // 12 two-byte characters meet the minimum; 11 do not.
        let greek = "θάλασσαβουνό";
        assert_eq!(greek.chars().count(), 12);
        assert!(check(greek, &Policy::default(), &[], None).is_ok());
        assert_eq!(
            weak(&greek.chars().take(11).collect::<String>(), &[]),
            Weakness::TooShort { min: 12, got: 11 }
        );
    }

    #[test]
    fn a_huge_input_is_refused_fast_as_too_long() {
        let huge = "a".repeat(10 * 1024 * 1024);
        assert_eq!(weak(&huge, &[]), Weakness::TooLong { max: 128 });
    }

    #[test]
    fn nfkc_normalises_before_counting_and_hashing() {
        // Fullwidth letters and the "ﬁ" ligature fold to their plain forms.
        assert_eq!(ok("ｑＺ８＃ｖＬｐ２！ｍＷｘ"), "qZ8#vLp2!mWx");
        assert_eq!(ok("ﬁrework-quaint-obelisk"), "firework-quaint-obelisk");
        // "ﬀﬀﬀﬀﬀﬀ" is 6 characters typed but 12 after NFKC ("ff" × 6): counted after.
        assert!(!matches!(
            check("ﬀﬀﬀﬀﬀﬀ", &Policy::default(), &[], None),
            Err(Weakness::TooShort { .. })
        ));
    }

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(weak("qZ8#vLp2!mWx\n", &[]), Weakness::ContainsControl);
        assert_eq!(weak("qZ8#vL\tp2!mWx", &[]), Weakness::ContainsControl);
    }

    #[test]
    fn common_and_guessable_passwords_are_refused() {
        for pw in [
            "password1234",
            "Password1234",
            "correcthorse",
            "Correcthorse",
            "CorrectHorse1",
            "qwertyuiop12",
            "aaaaaaaaaaaa",
            "123456789012",
        ] {
            match weak(pw, &[]) {
                Weakness::Guessable { feedback } => {
                    assert!(!feedback.is_empty() && !feedback.contains('\n'), "{pw}");
                    assert!(!feedback.contains(pw), "{pw}: {feedback}");
                }
                other => panic!("{pw}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_persons_own_names_are_refused() {
        let context = [
            "mhamilton",
            "Margaret Hamilton",
            "margaret.hamilton@gmail.com",
        ];
        for pw in [
            "mhamilton123",
            "Hamilton2024!",
            "margaret.hamilton",
            "MargaretHamilton",
        ] {
            match weak(pw, &context) {
                Weakness::Guessable { feedback } => {
                    assert!(feedback.contains("user's name"), "{pw}: {feedback}")
                }
                other => panic!("{pw}: {other:?}"),
            }
        }
        // The same shape of password is fine for someone else.
        assert!(check("vortexnimbus55", &Policy::default(), &context, None).is_ok());
    }

    #[test]
    fn weakness_messages_are_one_line_without_the_password() {
        let pw = "password1234";
        for w in [
            weak(pw, &[]),
            Weakness::TooShort { min: 12, got: 3 },
            Weakness::TooLong { max: 128 },
            Weakness::ContainsControl,
            Weakness::SameAsCurrent,
        ] {
            let s = w.to_string();
            assert!(!s.contains('\n') && !s.contains(pw), "{s}");
            let e: error::Error = w.into();
            assert_eq!(e.kind, error::Kind::Policy);
        }
    }

    // The tests below run argon2 (about 20 ms each with argon2 optimised in dev builds).

    #[test]
    fn hash_is_argon2id_with_the_configured_cost_and_verifies() {
        let phc = hash("vortex-nimbus-quarry", &ARGON2_MIN).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert_eq!(params_of(&phc), Some((19456, 2, 1)));
        assert!(!needs_rehash(&phc, &ARGON2_MIN));
        let stronger = Argon2Config {
            memory_kib: 65536,
            ..ARGON2_MIN
        };
        assert!(needs_rehash(&phc, &stronger));
        assert!(verify("vortex-nimbus-quarry", &phc));
        assert!(!verify("vortex-nimbus-quarrz", &phc));
        assert!(!verify("", &phc));
        // Salted: the same password hashes differently each time.
        assert_ne!(phc, hash("vortex-nimbus-quarry", &ARGON2_MIN).unwrap());
    }

    #[test]
    fn verify_normalises_the_candidate() {
        let phc = hash(&ok("ｑＺ８＃ｖＬｐ２！ｍＷｘ"), &ARGON2_MIN).unwrap();
        assert!(verify("qZ8#vLp2!mWx", &phc));
        assert!(verify("ｑＺ８＃ｖＬｐ２！ｍＷｘ", &phc));
    }

    #[test]
    fn the_current_password_is_refused() {
        let current = hash("vortex-nimbus-quarry", &ARGON2_MIN).unwrap();
        let policy = Policy::default();
        assert_eq!(
            check("vortex-nimbus-quarry", &policy, &[], Some(&current)),
            Err(Weakness::SameAsCurrent)
        );
        assert!(check("ember-lattice-thistle", &policy, &[], Some(&current)).is_ok());
        // A garbled stored hash does not block a change.
        assert!(check("ember-lattice-thistle", &policy, &[], Some("garbage")).is_ok());
    }

    #[test]
    fn garbage_and_foreign_hashes_do_not_verify() {
        for phc in [
            "",
            "garbage",
            "$argon2id$",
            "$argon2id$v=19$m=19456,t=2,p=1$",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$!!!",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        ] {
            assert!(!verify("anything at all", phc), "{phc}");
            assert_eq!(params_of(phc), None, "{phc}");
            assert!(needs_rehash(phc, &ARGON2_MIN));
        }
    }

    #[test]
    fn params_of_accepts_only_argon2id_but_verify_takes_any_argon2() {
        let cheap = Params::new(64, 1, 1, None).unwrap();
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, cheap)
            .hash_password_with_salt(b"legacy-password", b"saltsalt")
            .unwrap()
            .to_string();
        assert!(argon2i.starts_with("$argon2i$"), "{argon2i}");
        assert_eq!(params_of(&argon2i), None);
        assert!(needs_rehash(&argon2i, &ARGON2_MIN));
        assert!(verify("legacy-password", &argon2i));
        assert!(!verify("legacy-passwork", &argon2i));
    }

    #[test]
    fn verify_dummy_is_false_and_does_real_argon2_work_at_the_given_cost() {
        // Not timed (the rules forbid it): the dummy's output must be exactly what
        // argon2id computes at these parameters, so it cannot be a shortcut.
        assert!(!verify_dummy("ember-lattice-thistle", &ARGON2_MIN));
        let independent = |m, t, p| {
            let params = Params::new(m, t, p, None).unwrap();
            let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
            Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                .hash_password_into(b"ember-lattice-thistle", b"safecode-dummy!!", &mut out)
                .unwrap();
            out
        };
        let min = dummy_work("ember-lattice-thistle", &ARGON2_MIN);
        assert_eq!(min, independent(19456, 2, 1));
        assert_ne!(min, [0u8; Params::DEFAULT_OUTPUT_LEN]);
        let higher = Argon2Config {
            iterations: 3,
            ..ARGON2_MIN
        };
        assert_eq!(
            dummy_work("ember-lattice-thistle", &higher),
            independent(19456, 3, 1)
        );
    }

    #[test]
    fn the_policy_takes_min_length_from_the_config() {
        let cfg = PasswordConfig {
            min_length: 20,
            ..PasswordConfig::default()
        };
        assert_eq!(
            Policy::from(&cfg),
            Policy {
                min_length: 20,
                max_length: MAX_LENGTH
            }
        );
    }

    #[test]
    fn the_word_list_gives_at_least_60_bits() {
        let words = passphrase_words();
        assert!(words.len() >= 1024, "{}", words.len());
        let bits = PASSPHRASE_WORDS as f64 * (words.len() as f64).log2();
        assert!(bits >= 60.0, "{bits}");
        let mut sorted = words.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), words.len(), "duplicate words");
    }

    #[test]
    fn generated_passphrases_pass_the_default_policy() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let phrase = generate_passphrase().unwrap();
            assert_eq!(phrase.split('-').count(), PASSPHRASE_WORDS, "{phrase}");
            assert!(
                phrase.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{phrase}"
            );
            assert_eq!(
                check(&phrase, &Policy::default(), &[], None).as_deref(),
                Ok(phrase.as_str())
            );
            seen.insert(phrase);
        }
        assert_eq!(seen.len(), 200);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Any text up to 300 code points, control characters and all.
        fn text() -> impl Strategy<Value = String> {
            prop::collection::vec(any::<char>(), 0..=300).prop_map(String::from_iter)
        }

        /// Three to six words from the passphrase list, joined by a separator.
        fn passphrase() -> impl Strategy<Value = String> {
            let words = passphrase_words();
            (
                prop::collection::vec(prop::sample::select(words), 3..=6),
                prop::sample::select(vec!["-", " ", ".", ""]),
            )
                .prop_map(|(w, sep)| w.join(sep))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(128))]

            #[test]
            fn check_never_panics_and_accepts_only_within_the_limits(
                pw in text(),
                min_length in 1usize..=64,
            ) {
                let policy = Policy { min_length, max_length: MAX_LENGTH };
                match check(&pw, &policy, &["mhamilton"], None) {
                    Ok(normalized) => {
                        let n = normalized.chars().count();
                        prop_assert!((min_length..=MAX_LENGTH).contains(&n), "{n} characters");
                        prop_assert!(!normalized.chars().any(char::is_control));
                        // The accepted form is the NFKC form of what was typed, and
                        // stable under normalising again.
                        prop_assert_eq!(&normalized, &pw.nfkc().collect::<String>());
                        prop_assert_eq!(&normalized, &normalized.nfkc().collect::<String>());
                    }
                    Err(w) => {
                        let m = w.to_string();
                        prop_assert!(!m.contains('\n'), "{:?}", m);
                    }
                }
            }

            #[test]
            fn fewer_than_min_length_characters_are_too_short(
                pw in text(),
                min_length in 8usize..=64,
            ) {
                let policy = Policy { min_length, max_length: MAX_LENGTH };
                let got = pw.nfkc().count();
                if got < min_length {
                    prop_assert_eq!(
                        check(&pw, &policy, &[], None),
                        Err(Weakness::TooShort { min: min_length, got })
                    );
                }
            }

            #[test]
            fn the_username_with_digits_is_refused(
                username in "[a-z]{3,10}",
                digits in "[0-9]{0,4}",
                capitalise in any::<bool>(),
            ) {
                let pw = if capitalise {
                    let mut c = username.chars();
                    let first = c.next().map(|f| f.to_ascii_uppercase()).unwrap_or_default();
                    format!("{first}{}{digits}", c.as_str())
                } else {
                    format!("{username}{digits}")
                };
                let policy = Policy { min_length: 8, max_length: MAX_LENGTH };
                prop_assert!(
                    check(&pw, &policy, &[&username], None).is_err(),
                    "{:?} accepted for user {:?}", pw, username
                );
            }

            #[test]
            fn passphrases_are_accepted_in_nfkc_form(pw in passphrase()) {
                // Words from the list may still form a guessable phrase; only an
                // accepted one is checked.
                if let Ok(normalized) = check(&pw, &Policy::default(), &[], None) {
                    prop_assert_eq!(normalized, pw);
                }
            }
        }

        proptest! {
            // argon2 costs about 20 ms a hash even optimised: a handful of cases.
            #![proptest_config(ProptestConfig::with_cases(4))]

            #[test]
            fn the_current_password_is_refused_in_any_spelling(pw in passphrase()) {
                let Ok(normalized) = check(&pw, &Policy::default(), &[], None) else {
                    return Ok(());
                };
                let current = hash(&normalized, &ARGON2_MIN).unwrap();
                prop_assert_eq!(
                    check(&pw, &Policy::default(), &[], Some(&current)),
                    Err(Weakness::SameAsCurrent)
                );
                // Fullwidth letters fold to the same password under NFKC.
                let fullwidth: String = pw
                    .chars()
                    .map(|c| match c {
                        'a'..='z' => char::from_u32(c as u32 - 'a' as u32 + 0xff41).unwrap_or(c),
                        c => c,
                    })
                    .collect();
                prop_assert_eq!(
                    check(&fullwidth, &Policy::default(), &[], Some(&current)),
                    Err(Weakness::SameAsCurrent)
                );
            }
        }
    }
}
