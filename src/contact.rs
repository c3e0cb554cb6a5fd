//! TEMPORARY stand-in; replaced by the real module from the contact worktree.
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactError {
    Invalid(String),
    Institution(String),
}
impl std::fmt::Display for ContactError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContactError::Invalid(s) | ContactError::Institution(s) => f.write_str(s),
        }
    }
}
impl std::error::Error for ContactError {}
pub fn validate_username(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 64 {
        return Err("bad".into());
    }
    Ok(())
}
pub fn parse_phone(input: &str, _r: &str) -> Result<String, ContactError> {
    Ok(format!(
        "+1{}",
        input
            .chars()
            .filter(|c| c.is_ascii_digit())
            .collect::<String>()
    ))
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub address: String,
    pub preferred: bool,
}
pub fn parse_email(input: &str, _i: &[String], _p: &[String]) -> Result<Email, ContactError> {
    Ok(Email {
        address: input.into(),
        preferred: false,
    })
}
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Carrier {
    pub id: String,
    pub name: String,
    pub gateway: String,
    pub active: bool,
}
pub fn builtin_carriers() -> Vec<Carrier> {
    vec![]
}
pub fn carriers(_e: &BTreeMap<String, crate::config::CarrierConfig>) -> Vec<Carrier> {
    vec![]
}
pub fn find_carrier<'a>(all: &'a [Carrier], input: &str) -> Option<&'a Carrier> {
    all.iter().find(|c| c.id == input)
}
pub fn mask_phone(e164: &str) -> String {
    e164.into()
}
pub fn mask_email(a: &str) -> String {
    a.into()
}
pub fn national_digits(e164: &str) -> Option<String> {
    Some(e164.into())
}
pub fn printable(s: &str) -> String {
    s.into()
}
