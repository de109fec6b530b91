//! `watt lake recover`: what stopped runs left, finished or undone.

use super::*;

pub fn recover(args: &LakeRecoverArgs) -> Result<Outcome, CliError> {
    let opened = open(&args.lake)?;
    let mut said = Said::default();
    let outcome = opened.runtime.block_on(async {
        on_lake!(opened.located, |lake, who| {
            recover_in(lake, &opened.located, args, who, &mut said).await
        })
    });
    said.flush();
    outcome
}

async fn recover_in<L: Store>(
    lake: Arc<L>,
    located: &Located,
    args: &LakeRecoverArgs,
    who: Who,
    said: &mut Said,
) -> Result<Outcome, CliError> {
    let mut ctx = context(located, &args.lake, who, 5 << 20)?;
    let key = audit_key("recover", &ctx.operation.to_string(), ctx.started);
    let (mut recovered, lock) = match prepare(&*lake, &mut ctx, "recover", &key, said).await {
        Ok(p) => p,
        Err(o) => return Ok(o),
    };
    let (finished, rolled_back, kept) = (
        recovered.records.len(),
        recovered.rolled_back,
        recovered.kept,
    );
    let published = if recovered.records.is_empty() {
        recovered.forget();
        if let Err(e) = lock::release(&*lake, &ctx, lock).await {
            said.warn(&format!("the lake's lock could not be removed ({e})"));
        }
        true
    } else {
        let mut summary = Record::new(&ctx, "recover", Action::Operation);
        summary.objects_changed = Some(finished as u64);
        summary.objects_left = Some((rolled_back + kept) as u64);
        conclude(
            &*lake,
            &ctx,
            &key,
            Ending {
                recovered,
                changed: Vec::new(),
                summary,
                lock,
            },
            said,
            "recover",
        )
        .await
    };
    print(&format!(
        "watt lake recover: {finished} change(s) finished, {rolled_back} undone (run them again), {kept} left for a person to look at, in {}\n",
        shown::escaped(&lake.location(&ctx.prefix))
    ))?;
    Ok(if !published {
        Outcome::StorageFailed
    } else if rolled_back > 0 || kept > 0 {
        Outcome::Incomplete
    } else {
        Outcome::Success
    })
}
