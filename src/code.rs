//! SafeCodes: drawing them, reading what a person typed, and hashing them for storage
//! (SPEC §1). Pure functions apart from the OS random number generator; nothing here
//! knows about the database or how a code is delivered.
//!
//! A code is never stored in clear: the store keeps `hash(key, salt, context, code)`,
//! an HMAC-SHA256 under a per-database key with a per-code salt, bound by `context`
//! to purpose, user and destination. The key sits in the same database as the code
//! rows (the `meta` table), so it does not protect against a copy of the database:
//! whoever holds the file can test all 10^6 values of a live 6-digit code offline in
//! about a second. It keeps the digests from being precomputed or reused across
//! databases and rows; the real protection is time and single use (a code dies
//! within 10 minutes and after one use). SECURITY.md says why that is acceptable.

use std::convert::Infallible;
use std::fmt;

use hmac::digest::{Digest, Key};
use hmac::{Hmac, KeyInit, Mac};
use rand::rngs::{SysError, SysRng};
use rand::{RngExt, TryCryptoRng, TryRng};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Fewest digits a code may have (SPEC §1, `code_length`).
pub const MIN_LEN: u8 = 6;
/// Most digits a code may have.
pub const MAX_LEN: u8 = 10;
/// Bytes of per-code salt.
pub const SALT_LEN: usize = 16;
/// Bytes of the per-database HMAC key.
pub const KEY_LEN: usize = 32;
/// Bytes of a code hash (HMAC-SHA256 output).
pub const HASH_LEN: usize = 32;

/// Versioned domain tag, so that these MACs can never be confused with another use of
/// the same key, and a future change of encoding can be told apart.
const DOMAIN: &[u8] = b"safecode/code-hash/v1";

type HmacSha256 = Hmac<Sha256>;

/// Why a code or random bytes could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("a SafeCode has {MIN_LEN} to {MAX_LEN} digits, not {0}")]
    Length(u8),
    #[error("the operating system's random number generator failed: {0}")]
    Rng(#[from] SysError),
}

/// A code in clear. It lives only in memory (to be sent, or as typed back), is
/// overwritten when dropped (`zeroize`'s volatile writes, whole capacity; copies made
/// by callers, such as message bodies, are beyond its reach), and its `Debug` hides
/// the digits so that a stray `{:?}` in a log line cannot leak it. Deliberately
/// neither `Display` nor `Clone`.
pub struct Code(Zeroizing<String>);

impl Code {
    /// The digits, e.g. to put in a message body.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How many digits the code has.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false for a code made by this module; here because `len` is.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Code({} digits, redacted)", self.0.len())
    }
}

/// The operating system's generator (`rand::rngs::SysRng`) as an infallible rand
/// [`Rng`](rand::Rng), so that rand's `random_range` and `choose` can draw from it,
/// while a failure of the OS source still comes back as an [`Error`] instead of the
/// panic of rand's `UnwrapErr`: the first failure is kept, and [`with_os_rng`]
/// returns it in place of whatever was drawn.
pub struct OsRandom {
    failed: Option<SysError>,
}

impl OsRandom {
    fn keep<T: Default>(&mut self, r: Result<T, SysError>) -> T {
        r.unwrap_or_else(|e| {
            self.failed.get_or_insert(e);
            T::default()
        })
    }
}

impl TryRng for OsRandom {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let r = SysRng.try_next_u32();
        Ok(self.keep(r))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let r = SysRng.try_next_u64();
        Ok(self.keep(r))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        let r = SysRng.try_fill_bytes(dst);
        self.keep(r);
        Ok(())
    }
}

/// Only the OS generator is behind it.
impl TryCryptoRng for OsRandom {}

/// Runs `draw` with the OS generator; any failure of the OS source is the result.
pub fn with_os_rng<T>(draw: impl FnOnce(&mut OsRandom) -> T) -> Result<T, Error> {
    let mut rng = OsRandom { failed: None };
    let out = draw(&mut rng);
    match rng.failed {
        Some(e) => Err(Error::Rng(e)),
        None => Ok(out),
    }
}

/// A fresh code of `len` digits (6..=10), each drawn uniformly (rand's `unbiased`
/// `random_range`), so all 10^len values are equally likely and leading zeros are
/// kept (`004711` is as likely as `947110`).
pub fn generate(len: u8) -> Result<Code, Error> {
    if !(MIN_LEN..=MAX_LEN).contains(&len) {
        return Err(Error::Length(len));
    }
    with_os_rng(|rng| {
        let mut digits = Zeroizing::new(String::with_capacity(usize::from(len)));
        for _ in 0..len {
            digits.push(char::from(b'0' + rng.random_range(0..10u8)));
        }
        Code(digits)
    })
}

/// Turns what a person typed or read back into the canonical digits.
///
/// People copy codes with the grouping their phone shows, so spaces (including
/// no-break spaces), dashes and dots are ignored. Anything else, including digits of
/// other scripts such as `١٢٣`, is refused rather than guessed at. The length must be
/// exact: a dropped leading zero is the usual cause of a short code, so the message
/// says that it counts.
pub fn normalize_input(input: &str, len: u8) -> Result<Code, String> {
    let want = usize::from(len);
    // Room for `want + 1` digits, so the buffer never moves (a move would leave an
    // unwiped copy behind), wiped on every path.
    let mut digits = Zeroizing::new(String::with_capacity(want + 1));
    let mut count = 0usize;
    for c in input.trim().chars() {
        if c.is_ascii_digit() {
            count += 1;
            // Keep at most `want + 1` digits: enough to know it is too long, however
            // long the input is.
            if count <= want + 1 {
                digits.push(c);
            }
        } else if is_separator(c) {
            continue;
        } else if c.is_numeric() {
            return Err(format!(
                "codes use only the digits 0-9; '{}' is a digit of another script",
                c.escape_debug()
            ));
        } else {
            return Err(format!(
                "codes contain only digits (spaces, dashes and dots may separate them); \
                 '{}' is not a digit",
                c.escape_debug()
            ));
        }
    }
    let code = Code(digits);
    match count {
        0 => Err(format!("no code was entered; codes have {len} digits")),
        n if n < want => Err(format!(
            "codes have {len} digits; got {n} (a leading zero counts)"
        )),
        n if n > want => Err(format!("codes have {len} digits; got {n}")),
        _ => Ok(code),
    }
}

/// Separators a person may type between digits: whitespace, ASCII and Unicode dashes
/// (phones and word processors turn `-` into `‐` or `–`), and dots.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '.' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// Fresh random salt for one stored code.
pub fn new_salt() -> Result<[u8; SALT_LEN], Error> {
    with_os_rng(|rng| rng.random())
}

/// A fresh per-database HMAC key, made once by `init`.
pub fn new_key() -> Result<[u8; KEY_LEN], Error> {
    with_os_rng(|rng| rng.random())
}

/// The stored form of a code: HMAC-SHA256 under `key` of a domain tag, `context`,
/// `salt` and the digits, each length-prefixed so no two inputs encode alike.
///
/// `context` binds the hash to its purpose, user and destination (the caller passes
/// e.g. `reset:<user_id>:<destination>`), so a hash copied to another row, user or
/// purpose never matches.
pub fn hash(key: &[u8], salt: &[u8], context: &str, code: &Code) -> [u8; HASH_LEN] {
    let mut mac = keyed(key);
    for part in [DOMAIN, context.as_bytes(), salt, code.as_str().as_bytes()] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Whether `code` is the one whose hash is `stored`, compared in constant time so the
/// time taken does not reveal how many leading bytes matched. A `stored` of the wrong
/// length never matches.
pub fn matches(key: &[u8], salt: &[u8], context: &str, code: &Code, stored: &[u8]) -> bool {
    let computed = hash(key, salt, context, code);
    computed.as_slice().ct_eq(stored).into()
}

/// An HMAC-SHA256 instance for a key of any length, built without a fallible call.
///
/// `Hmac::new_from_slice` returns a `Result` although HMAC accepts every key length;
/// doing RFC 2104's key preparation here (hash a key longer than the 64-byte block,
/// then zero-pad) gives the identical MAC through the infallible `new`, so `hash` needs
/// no error path that can never be taken. The tests check this against RFC 4231.
fn keyed(key: &[u8]) -> HmacSha256 {
    let mut block = Key::<HmacSha256>::default();
    let digest;
    let key = if key.len() > block.len() {
        digest = Sha256::digest(key);
        digest.as_slice()
    } else {
        key
    };
    for (slot, byte) in block.iter_mut().zip(key) {
        *slot = *byte;
    }
    <HmacSha256 as KeyInit>::new(&block)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> Code {
        Code(Zeroizing::new(s.to_string()))
    }

    #[test]
    fn generated_codes_have_the_requested_number_of_ascii_digits() {
        for len in MIN_LEN..=MAX_LEN {
            for _ in 0..200 {
                let c = generate(len).unwrap();
                assert_eq!(c.len(), usize::from(len));
                assert!(
                    c.as_str().bytes().all(|b| b.is_ascii_digit()),
                    "{}",
                    c.as_str()
                );
            }
        }
    }

    #[test]
    fn lengths_outside_6_to_10_are_refused() {
        for len in [0, 1, 5, 11, 255] {
            assert!(matches!(generate(len), Err(Error::Length(l)) if l == len));
        }
    }

    #[test]
    fn debug_does_not_show_the_digits() {
        let shown = format!("{:?}", code("999999"));
        assert!(!shown.contains('9'), "{shown}");
    }

    /// Pearson's chi-square statistic of observed counts against a uniform expectation.
    fn chi_square(counts: &[u64]) -> f64 {
        let total: u64 = counts.iter().sum();
        let expected = total as f64 / counts.len() as f64;
        counts
            .iter()
            .map(|&c| {
                let d = c as f64 - expected;
                d * d / expected
            })
            .sum()
    }

    #[test]
    fn digits_are_uniform_in_every_position() {
        // 100,000 six-digit codes. For 9 degrees of freedom P(chi2 > 80) is about
        // 1.5e-13, so with 7 statistics a false failure has odds of about 1e-12: the
        // test is not flaky. It is not toothless either: the classic `byte % 10` bias
        // (26/256 vs 25/256) gives about 219 on the pooled 600,000 digits.
        const DRAWS: usize = 100_000;
        const BOUND: f64 = 80.0;
        let mut per_position = [[0u64; 10]; 6];
        let mut leading_zeros = 0;
        for _ in 0..DRAWS {
            let c = generate(6).unwrap();
            for (pos, b) in c.as_str().bytes().enumerate() {
                per_position[pos][usize::from(b - b'0')] += 1;
            }
            if c.as_str().starts_with('0') {
                leading_zeros += 1;
            }
        }
        for (pos, counts) in per_position.iter().enumerate() {
            let x = chi_square(counts);
            assert!(
                x < BOUND,
                "position {pos}: chi2 = {x:.1}, counts {counts:?}"
            );
        }
        let mut pooled = [0u64; 10];
        for counts in &per_position {
            for (d, c) in counts.iter().enumerate() {
                pooled[d] += c;
            }
        }
        let x = chi_square(&pooled);
        assert!(x < BOUND, "pooled: chi2 = {x:.1}, counts {pooled:?}");
        // About 10,000 expected; leading zeros must be kept, not dropped or re-drawn.
        assert!(leading_zeros > 8_000, "only {leading_zeros} leading zeros");
    }

    #[test]
    fn normalize_accepts_grouped_input() {
        for typed in [
            "123456",
            "123 456",
            "123-456",
            "123.456",
            " 12 34 56 ",
            "123\u{a0}456",
            "123\u{2013}456",
            "1-2-3-4-5-6",
        ] {
            let c = normalize_input(typed, 6).unwrap_or_else(|e| panic!("{typed:?}: {e}"));
            assert_eq!(c.as_str(), "123456", "{typed:?}");
        }
        assert_eq!(normalize_input("004 711", 6).unwrap().as_str(), "004711");
        assert_eq!(
            normalize_input("0123456789", 10).unwrap().as_str(),
            "0123456789"
        );
    }

    #[test]
    fn normalize_refuses_letters_and_other_scripts() {
        let e = normalize_input("12a456", 6).unwrap_err();
        assert!(e.contains("'a' is not a digit"), "{e}");
        assert!(normalize_input("l23456", 6).is_err());
        assert!(normalize_input("123_456", 6).is_err());
        assert!(normalize_input("123456\n7", 6).is_err());
        let e = normalize_input("١٢٣٤٥٦", 6).unwrap_err();
        assert!(e.contains("another script"), "{e}");
        // Fullwidth digits are not quietly folded either.
        assert!(normalize_input("１２３４５６", 6).is_err());
        // Terminal escapes in input are shown escaped, not executed.
        let e = normalize_input("12\u{1b}[2J", 6).unwrap_err();
        assert!(!e.contains('\u{1b}'), "{e:?}");
    }

    #[test]
    fn normalize_refuses_wrong_lengths_helpfully() {
        assert_eq!(
            normalize_input("12345", 6).unwrap_err(),
            "codes have 6 digits; got 5 (a leading zero counts)"
        );
        assert_eq!(
            normalize_input("1234567", 6).unwrap_err(),
            "codes have 6 digits; got 7"
        );
        let long = "9".repeat(100_000);
        assert_eq!(
            normalize_input(&long, 8).unwrap_err(),
            "codes have 8 digits; got 100000"
        );
        for empty in ["", "   ", " - . "] {
            let e = normalize_input(empty, 6).unwrap_err();
            assert!(e.starts_with("no code was entered"), "{empty:?}: {e}");
        }
    }

    #[test]
    fn hash_depends_on_key_salt_context_and_code() {
        let key = [7u8; KEY_LEN];
        let salt = [1u8; SALT_LEN];
        let base = hash(&key, &salt, "reset:1:+16174322000", &code("123456"));
        assert_eq!(
            base,
            hash(&key, &salt, "reset:1:+16174322000", &code("123456"))
        );
        assert_ne!(
            base,
            hash(
                &[8u8; KEY_LEN],
                &salt,
                "reset:1:+16174322000",
                &code("123456")
            )
        );
        assert_ne!(
            base,
            hash(
                &key,
                &[2u8; SALT_LEN],
                "reset:1:+16174322000",
                &code("123456")
            )
        );
        assert_ne!(
            base,
            hash(&key, &salt, "confirm:1:+16174322000", &code("123456"))
        );
        assert_ne!(
            base,
            hash(&key, &salt, "reset:2:+16174322000", &code("123456"))
        );
        assert_ne!(
            base,
            hash(&key, &salt, "reset:1:+16174322000", &code("123457"))
        );
    }

    #[test]
    fn length_prefixes_keep_field_boundaries_apart() {
        // Without prefixes, context "ab" + salt "c" would equal context "a" + salt "bc".
        let key = [3u8; KEY_LEN];
        let c = code("123456");
        assert_ne!(hash(&key, b"c", "ab", &c), hash(&key, b"bc", "a", &c));
    }

    #[test]
    fn matches_is_true_only_for_the_right_code_and_length() {
        let key = new_key().unwrap();
        let salt = new_salt().unwrap();
        let ctx = "reset:42:a@example.org";
        let issued = generate(6).unwrap();
        let stored = hash(&key, &salt, ctx, &issued);
        let typed = normalize_input(issued.as_str(), 6).unwrap();
        assert!(matches(&key, &salt, ctx, &typed, &stored));
        assert!(!matches(
            &key,
            &salt,
            "confirm:42:a@example.org",
            &typed,
            &stored
        ));
        let wrong = if issued.as_str() == "000000" {
            "000001"
        } else {
            "000000"
        };
        assert!(!matches(&key, &salt, ctx, &code(wrong), &stored));
        assert!(!matches(&key, &salt, ctx, &typed, &stored[..31]));
        assert!(!matches(&key, &salt, ctx, &typed, &[]));
        let mut longer = stored.to_vec();
        longer.push(0);
        assert!(!matches(&key, &salt, ctx, &typed, &longer));
    }

    #[test]
    fn salts_and_keys_are_fresh() {
        assert_ne!(new_salt().unwrap(), new_salt().unwrap());
        assert_ne!(new_key().unwrap(), new_key().unwrap());
    }

    #[test]
    fn keyed_mac_equals_standard_hmac_for_any_key_length() {
        // RFC 4231 test cases 1 (20-byte key) and 6 (131-byte key, hashed first).
        let cases: [(&[u8], &[u8], &str); 2] = [
            (
                &[0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, data, want) in cases {
            let ours = keyed(key).chain_update(data).finalize().into_bytes();
            let theirs = HmacSha256::new_from_slice(key)
                .unwrap()
                .chain_update(data)
                .finalize()
                .into_bytes();
            let hex: String = ours.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(hex, want);
            assert_eq!(ours, theirs);
        }
        // And every length around the block size.
        for len in [0, 1, 32, 63, 64, 65, 200] {
            let key = vec![0x5a; len];
            let ours = keyed(&key).chain_update(b"x").finalize().into_bytes();
            let theirs = HmacSha256::new_from_slice(&key)
                .unwrap()
                .chain_update(b"x")
                .finalize()
                .into_bytes();
            assert_eq!(ours, theirs, "key length {len}");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// A code as a person might type it back: each digit followed by a run of
        /// spaces, dashes, dots or their Unicode look-alikes, and padded either side.
        fn grouped(digits: &str, seps: &[String], pad: &str) -> String {
            let mut out = String::from(pad);
            for (d, sep) in digits.chars().zip(seps.iter().cycle()) {
                out.push(d);
                out.push_str(sep);
            }
            out.push_str(pad);
            out
        }

        fn separators() -> impl Strategy<Value = Vec<String>> {
            prop::collection::vec("[ .\\-\u{a0}\u{2010}-\u{2015}\u{2212}]{0,3}", 1..12)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            #[test]
            fn generated_codes_are_len_ascii_digits(len in MIN_LEN..=MAX_LEN) {
                let c = generate(len).unwrap();
                prop_assert_eq!(c.len(), usize::from(len));
                prop_assert!(c.as_str().bytes().all(|b| b.is_ascii_digit()), "{}", c.as_str());
            }

            #[test]
            fn a_generated_code_survives_any_grouping(
                len in MIN_LEN..=MAX_LEN,
                seps in separators(),
                pad in "[ \t]{0,3}",
            ) {
                let issued = generate(len).unwrap();
                let typed = grouped(issued.as_str(), &seps, &pad);
                match normalize_input(&typed, len) {
                    Ok(read) => prop_assert_eq!(read.as_str(), issued.as_str()),
                    Err(e) => prop_assert!(false, "{:?}: {}", typed, e),
                }
            }

            #[test]
            fn any_letter_is_refused(
                len in MIN_LEN..=MAX_LEN,
                digits in "[0-9]{6,10}",
                letter in prop::char::any().prop_filter("a letter", |c| c.is_alphabetic()),
                at in any::<prop::sample::Index>(),
            ) {
                let mut typed: Vec<char> = digits.chars().collect();
                typed.insert(at.index(typed.len() + 1), letter);
                let typed: String = typed.into_iter().collect();
                prop_assert!(normalize_input(&typed, len).is_err(), "{:?}", typed);
            }

            #[test]
            fn normalize_never_panics_and_errors_are_one_clean_line(
                input in any::<String>(),
                len in any::<u8>(),
            ) {
                match normalize_input(&input, len) {
                    Ok(c) => prop_assert_eq!(c.len(), usize::from(len)),
                    Err(m) => prop_assert!(!m.chars().any(char::is_control), "{:?}", m),
                }
            }
        }
    }
}
