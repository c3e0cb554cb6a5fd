//! `safecode init`: create the database, or upgrade its schema.

use serde_json::json;

use crate::Ctx;
use crate::store::{AuditEntry, Store};

pub fn run(ctx: &Ctx) -> anyhow::Result<u8> {
    let (mut store, o) = Store::init(&ctx.db_path, ctx.who.clone())?;
    if o.created || o.from_version != o.to_version {
        store.write(|tx| {
            tx.audit(AuditEntry {
                action: "init",
                outcome: "ok",
                detail: Some(format!(
                    "schema version {} -> {}",
                    o.from_version, o.to_version
                )),
                ..Default::default()
            })
        })?;
    }
    let path = ctx.db_path.display();
    if ctx.out.json {
        ctx.out.json(&json!({
            "path": ctx.db_path,
            "created": o.created,
            "schema_version": o.to_version,
            "upgraded_from": (!o.created && o.from_version != o.to_version).then_some(o.from_version),
        }))?;
    } else if o.created {
        ctx.out.say(&format!(
            "Created {path} (schema version {}).",
            o.to_version
        ))?;
    } else if o.from_version != o.to_version {
        ctx.out.say(&format!(
            "Upgraded {path} from schema version {} to {}.",
            o.from_version, o.to_version
        ))?;
    } else {
        ctx.out.say(&format!(
            "{path} is up to date (schema version {}).",
            o.to_version
        ))?;
    }
    Ok(0)
}
