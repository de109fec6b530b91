//! The minimiser on two threads: reading and validating on one, minimising and writing on
//! the other (see `watt_core::minimise::split`).
//!
//! Validation is about a third of the work and minimisation the rest, so with two cores
//! `watt minimise` and `watt ingest` go nearly twice as fast as on one. The output bytes and
//! the report are those of the one-thread minimiser (the core's stages are its own code,
//! run in the same order; `watt_core`'s tests compare them), so the browser, which runs on
//! one thread, and the command line still agree byte for byte. Memory stays bounded: at
//! most [`BATCHES_IN_FLIGHT`] batches of one input chunk's rows wait between the threads.

use std::ops::ControlFlow;
use std::sync::mpsc;

use watt_core::minimise::{FrontDone, RowBatch};
use watt_core::{Minimiser, Report};

/// Batches the reading side may be ahead of the minimising side.
pub const BATCHES_IN_FLIGHT: usize = 2;

/// The end of a minimisation run on two threads.
#[derive(Debug)]
pub struct Staged {
    pub report: Report,
    /// Bytes of input read.
    pub bytes_read: u64,
}

/// Runs `minimiser`: `feed` calls its argument with each chunk of input in turn (on this
/// thread), and `emit` gets the output bytes in order (on a second thread). Either may stop
/// the run by returning `Break`; the result is then `Ok(None)`. An error of `feed` is
/// returned as it is.
pub fn minimise<E>(
    minimiser: Minimiser,
    feed: impl FnOnce(&mut dyn FnMut(&[u8]) -> ControlFlow<()>) -> Result<(), E>,
    emit: &mut (dyn FnMut(&[u8]) -> ControlFlow<()> + Send),
) -> Result<Option<Staged>, E> {
    let (mut front, mut back) = minimiser.split();
    std::thread::scope(|scope| {
        let (full, full_rx) =
            mpsc::sync_channel::<(RowBatch, Option<FrontDone>)>(BATCHES_IN_FLIGHT);
        // Batches go back to be refilled: their buffers keep their capacity.
        let (empty, empty_rx) = mpsc::channel::<RowBatch>();
        let back_side = scope.spawn(move || {
            for (batch, done) in full_rx {
                if emit(back.apply(&batch)).is_break() {
                    return None;
                }
                if let Some(done) = done {
                    return Some(back.finish(done));
                }
                // The reading side may have stopped: a batch nobody refills is dropped.
                let _ = empty.send(batch);
            }
            None
        });
        let mut stopped = false;
        let fed = feed(&mut |chunk| {
            let mut batch = empty_rx.try_recv().unwrap_or_default();
            front.push(chunk, &mut batch);
            if full.send((batch, None)).is_err() {
                stopped = true;
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        let bytes_read = front.bytes_read();
        if fed.is_ok() && !stopped {
            let mut batch = empty_rx.try_recv().unwrap_or_default();
            let done = front.finish(&mut batch);
            // When the minimising side has stopped, it says so below.
            let _ = full.send((batch, Some(done)));
        }
        drop(full);
        let report = match back_side.join() {
            Ok(report) => report,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        fed.map(|()| report.map(|report| Staged { report, bytes_read }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use watt_core::{Options, PseudonymKey, Schema};

    const KEY: &[u8] = b"test key for the two-thread minimiser, not a secret 42";

    fn minimiser() -> Minimiser {
        let schema = Schema::from_json(include_str!(
            "../../data/schemas/energy_consumption.schema.json"
        ))
        .expect("schema");
        let key = PseudonymKey::new(KEY).expect("key");
        Minimiser::new(&schema, Options::default(), Some(key)).expect("minimiser")
    }

    fn sample() -> &'static [u8] {
        include_bytes!("../../data/samples/sample_energy_consumption.csv")
    }

    #[test]
    fn two_threads_write_what_one_writes() {
        let mut one = minimiser();
        let mut expected = Vec::new();
        for chunk in sample().chunks(1000) {
            expected.extend_from_slice(one.push(chunk));
        }
        let done = one.finish();
        expected.extend_from_slice(&done.tail);

        let mut out = Vec::new();
        let staged = minimise::<()>(
            minimiser(),
            |f| {
                for chunk in sample().chunks(1000) {
                    if f(chunk).is_break() {
                        break;
                    }
                }
                Ok(())
            },
            &mut |bytes| {
                out.extend_from_slice(bytes);
                ControlFlow::Continue(())
            },
        )
        .expect("fed")
        .expect("finished");
        assert!(out.len() > 10_000);
        assert_eq!(out, expected);
        assert_eq!(staged.report, done.report);
        assert_eq!(staged.bytes_read, sample().len() as u64);
    }

    #[test]
    fn either_side_can_stop_the_run() {
        let mut chunks_fed = 0;
        let stopped = minimise::<()>(
            minimiser(),
            |f| {
                for chunk in sample().chunks(100) {
                    chunks_fed += 1;
                    if f(chunk).is_break() {
                        break;
                    }
                }
                Ok(())
            },
            &mut |_| ControlFlow::Break(()),
        )
        .expect("fed");
        assert!(stopped.is_none(), "a stopped run has no report");
        assert!(chunks_fed < sample().len() / 100, "reading stopped early");

        let failed = minimise(minimiser(), |_| Err("unreadable"), &mut |_| {
            ControlFlow::Continue(())
        });
        assert_eq!(failed.unwrap_err(), "unreadable");
    }
}
