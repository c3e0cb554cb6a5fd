//! Who is acting, for the audit log: the caller as [`crate::access`] identified
//! them (the operating-system user of the process; under sudo, the invoking
//! user) with the role they act in, plus the optional `--actor` annotation.
//! `--actor` can annotate but never hide who acted.

#[derive(Debug, Clone)]
pub struct Who {
    /// `bob (admin)`, `alice (sudo, agent)`.
    pub os_user: String,
    /// Free text from `--actor` / `SAFECODE_ACTOR`, e.g. a ticket handle.
    pub actor: Option<String>,
}

impl Who {
    pub fn new(os_user: String, actor: Option<String>) -> Who {
        let actor = actor
            .map(|a| a.chars().filter(|c| !c.is_control()).take(128).collect())
            .filter(|a: &String| !a.trim().is_empty());
        Who { os_user, actor }
    }
}
