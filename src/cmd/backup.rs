//! `safecode backup FILE`: a checked, consistent copy of the database.

use serde_json::json;

use crate::Ctx;
use crate::access::Via;
use crate::cli::BackupArgs;
use crate::error;
use crate::system;

pub fn run(a: BackupArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    let store = ctx.open()?;
    if a.file.is_dir() {
        return Err(error::usage(format!("{} is a directory", a.file.display()))
            .hint("name the file to write, e.g. /var/backups/safecode/safecode.db")
            .into());
    }
    if same_file(&a.file, &ctx.db_path) {
        return Err(error::usage("the backup would replace the database itself")
            .hint("name another file")
            .into());
    }
    // Through sudo the file is written with the caller's rights (SPEC §7): an
    // admin of safecode is not root, and must not replace a file of root's.
    let file = &a.file;
    let done = match ctx.caller.via {
        Via::Sudo => system::with_rights_of(&ctx.caller.account, move || store.backup_to(file))
            .map_err(|e| error::other(format!("backup: {e}")))??,
        Via::Direct | Via::Root => store.backup_to(&a.file)?,
    };
    if ctx.out.json {
        ctx.out.json(&json!({
            "file": a.file.display().to_string(),
            "bytes": done.bytes,
            "audit_rows_verified": done.audit_rows,
        }))?;
    } else {
        ctx.out.say(&format!(
            "Backed up {} to {} ({} KiB); its audit log verifies ({} rows).",
            ctx.db_path.display(),
            a.file.display(),
            done.bytes.div_ceil(1024),
            done.audit_rows
        ))?;
    }
    Ok(0)
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
