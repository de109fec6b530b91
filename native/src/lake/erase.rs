//! The erasure of a person's rows (`watt lake erase`, Art. 17): every object the search
//! found them in is rewritten without them (see [`super::rewrite`]), a few at a time.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::catalog::Catalog;
use super::expire::Done;
use super::find::Search;
use super::rewrite::{Change, Rewrote, rewrite};
use super::{Context, Store};

/// Objects rewritten at once (each holds up to three parts of output in memory).
const REWRITES_AT_ONCE: usize = 2;

/// Rewrites each object of `search` that holds the person, without their rows; results
/// in key order.
pub async fn erase<L: Store>(
    lake: &Arc<L>,
    ctx: &Arc<Context>,
    catalog: &Catalog,
    search: &Search,
    field: &str,
    request_id: &str,
    audit_key: &str,
) -> Vec<(String, Done)> {
    let limit = Arc::new(Semaphore::new(ctx.jobs.clamp(1, REWRITES_AT_ONCE)));
    let mut tasks = JoinSet::new();
    for (index, found) in search.matched().enumerate() {
        let Some(item) = catalog.items.iter().find(|i| i.key == found.key) else {
            continue;
        };
        let Some(pseudonyms) = search.pseudonyms.get(&found.key) else {
            continue;
        };
        let change = Change::Erase {
            field: field.to_owned(),
            request_id: request_id.to_owned(),
            pseudonyms: pseudonyms.clone(),
        };
        let (lake, ctx, limit, item) = (
            Arc::clone(lake),
            Arc::clone(ctx),
            Arc::clone(&limit),
            item.clone(),
        );
        let audit_key = audit_key.to_owned();
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let done = match rewrite(&lake, &ctx, &item, &change, &audit_key, "erase").await {
                Ok(Rewrote::Changed(c)) => Done::Changed(c),
                Ok(Rewrote::Unchanged) => Done::Unchanged,
                Err(e) => Done::Failed(item.key.clone(), e),
            };
            (index, item.key, done)
        });
    }
    let mut out = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Ok(d) = joined {
            out.push(d);
        }
    }
    out.sort_by_key(|(i, _, _)| *i);
    out.into_iter().map(|(_, k, d)| (k, d)).collect()
}
