//! TEMPORARY stand-in; replaced by the real module from the code worktree.
pub struct Policy {
    pub min_length: usize,
    pub max_length: usize,
}
#[derive(Debug)]
pub struct Weakness(String);
impl std::fmt::Display for Weakness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
pub fn check(
    p: &str,
    policy: &Policy,
    _c: &[&str],
    _cur: Option<&str>,
) -> Result<String, Weakness> {
    if p.chars().count() < policy.min_length {
        return Err(Weakness("too short".into()));
    }
    Ok(p.into())
}
pub fn hash(n: &str, _p: &crate::config::Argon2Config) -> Result<String, String> {
    Ok(n.into())
}
