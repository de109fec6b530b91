//! The minimiser on several threads: reading and validating on one, minimising on others,
//! writing on one more (see `watt_core::minimise::split`).
//!
//! Validation is about a third of the work and minimisation the rest, so the validated
//! rows are dealt in turn, one batch per input chunk, to [`backs`] minimising threads, and
//! their outputs put back in batch order before they are written. The output bytes and the
//! report are those of the one-thread minimiser (the core's stages are its own code, and
//! `watt_core`'s tests compare them with one to three backs), so the browser, which runs on
//! one thread, and the command line still agree byte for byte. Memory stays bounded: at
//! most [`BATCHES_IN_FLIGHT`] batches wait before each thread.

use std::ops::ControlFlow;
use std::sync::mpsc;

use watt_core::minimise::{MinimiseBack, RowBatch};
use watt_core::{Minimiser, Report};

/// Batches (one input chunk's rows, or their output) waiting before each thread.
pub const BATCHES_IN_FLIGHT: usize = 2;

/// How many minimising threads to run: one per core, up to three (past that the reading
/// thread is the slower one).
pub fn backs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 3))
}

/// The end of a minimisation run.
#[derive(Debug)]
pub struct Staged {
    pub report: Report,
    /// Bytes of input read.
    pub bytes_read: u64,
    /// Row batches made: bounded whatever the input's length.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "read by the tests of the bound")
    )]
    pub batches: usize,
}

/// Runs `minimiser`, with one more minimising thread per minimiser of `more` (made like
/// `minimiser`: same schema, options, key and spill). `feed` calls its argument with each
/// chunk of input in turn (on this thread), and `emit` gets the output bytes in order (on a
/// thread of its own). Either may stop the run by returning `Break`; the result is then
/// `Ok(None)`. An error of `feed` is returned as it is.
pub fn minimise<E>(
    minimiser: Minimiser,
    more: Vec<Minimiser>,
    feed: impl FnOnce(&mut dyn FnMut(&[u8]) -> ControlFlow<()>) -> Result<(), E>,
    emit: &mut (dyn FnMut(&[u8]) -> ControlFlow<()> + Send),
) -> Result<Option<Staged>, E> {
    let (mut front, first) = minimiser.split();
    let backs: Vec<MinimiseBack> = std::iter::once(first)
        .chain(more.into_iter().map(|m| m.split().1))
        .collect();
    let n = backs.len();
    std::thread::scope(|scope| {
        // Batches go back to be refilled: their buffers keep their capacity.
        let (empty, empty_rx) = mpsc::channel::<RowBatch>();
        let (mut inputs, mut outputs, mut workers) = (Vec::new(), Vec::new(), Vec::new());
        let mut spares = Vec::new();
        for mut back in backs {
            let (input, batches) = mpsc::sync_channel::<RowBatch>(BATCHES_IN_FLIGHT);
            let (output, bytes) = mpsc::sync_channel::<Vec<u8>>(BATCHES_IN_FLIGHT);
            // Output buffers go back to the thread that filled them, to be filled again: a
            // buffer made on one thread and freed on another leaves the allocator's
            // per-thread pools fragmented, and memory creeping up over a long file.
            let (spare, spare_rx) = mpsc::channel::<Vec<u8>>();
            let empty = empty.clone();
            workers.push(scope.spawn(move || {
                for batch in batches {
                    let mut out = spare_rx.try_recv().unwrap_or_default();
                    out.clear();
                    out.extend_from_slice(back.apply(&batch));
                    // The reading side may have stopped: a batch nobody refills is dropped.
                    let _ = empty.send(batch);
                    if output.send(out).is_err() {
                        return None;
                    }
                }
                Some(back)
            }));
            inputs.push(input);
            outputs.push(bytes);
            spares.push(spare);
        }
        drop(empty);
        // Batch `i` went to back `i % n`: reading the backs in turn restores the order.
        let writer = scope.spawn(move || {
            for i in 0.. {
                let Ok(out) = outputs[i % n].recv() else {
                    return true;
                };
                if emit(&out).is_break() {
                    return false;
                }
                // A thread that has stopped takes no more: the buffer is then dropped.
                let _ = spares[i % n].send(out);
            }
            true
        });
        // Batches circulate: a new one is made only while fewer than can be in the
        // pipeline at once exist, so memory does not grow with the file.
        let most = n * (BATCHES_IN_FLIGHT + 1) + 1;
        let mut made = 0;
        let mut refill = || match empty_rx.try_recv() {
            Ok(batch) => Some(batch),
            Err(_) if made < most => {
                made += 1;
                Some(RowBatch::default())
            }
            // Every minimising thread has stopped when this fails.
            Err(_) => empty_rx.recv().ok(),
        };
        let mut sent = 0;
        let mut stopped = false;
        let mut send = |batch: RowBatch| {
            let delivered = inputs[sent % n].send(batch).is_ok();
            sent += 1;
            delivered
        };
        let fed = feed(&mut |chunk| {
            let Some(mut batch) = refill() else {
                stopped = true;
                return ControlFlow::Break(());
            };
            front.push(chunk, &mut batch);
            if send(batch) {
                ControlFlow::Continue(())
            } else {
                stopped = true;
                ControlFlow::Break(())
            }
        });
        let bytes_read = front.bytes_read();
        let done = (fed.is_ok() && !stopped)
            .then(|| {
                let mut batch = refill()?;
                let done = front.finish(&mut batch);
                send(batch).then_some(done)
            })
            .flatten();
        drop(inputs);
        let written = join(writer);
        let mut backs = workers.into_iter().map(join);
        fed?;
        let (Some(done), true, Some(Some(mut back))) = (done, written, backs.next()) else {
            return Ok(None);
        };
        for other in backs {
            let Some(other) = other else {
                return Ok(None);
            };
            back.merge(other);
        }
        let report = back.finish(done);
        Ok(Some(Staged {
            report,
            bytes_read,
            batches: made,
        }))
    })
}

/// A thread's result; its panic, if it panicked, goes on here.
fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    match handle.join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
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

    /// The sample's rows five times over: past the 64 KiB the dialect is detected on, so
    /// the rows travel in many batches.
    fn sample() -> Vec<u8> {
        let text = include_str!("../../data/samples/sample_energy_consumption.csv");
        let (header, rows) = text.split_once('\n').expect("header");
        format!("{header}\n{}", rows.repeat(5)).into_bytes()
    }

    #[test]
    fn threads_write_what_one_writes() {
        let data = sample();
        let mut one = minimiser();
        let mut expected = Vec::new();
        for chunk in data.chunks(1000) {
            expected.extend_from_slice(one.push(chunk));
        }
        let done = one.finish();
        expected.extend_from_slice(&done.tail);

        let mut out = Vec::new();
        let staged = minimise::<()>(
            minimiser(),
            vec![minimiser(), minimiser()],
            |f| {
                for chunk in data.chunks(1000) {
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
        assert_eq!(staged.bytes_read, data.len() as u64);
        // Hundreds of chunks went through a handful of batches.
        assert!(data.len() / 1000 > 200);
        assert!(
            staged.batches <= 3 * (BATCHES_IN_FLIGHT + 1) + 1,
            "{}",
            staged.batches
        );
    }

    #[test]
    fn either_side_can_stop_the_run() {
        let data = sample();
        let mut chunks_fed = 0;
        let stopped = minimise::<()>(
            minimiser(),
            vec![minimiser()],
            |f| {
                for chunk in data.chunks(100) {
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
        assert!(chunks_fed < data.len() / 100, "reading stopped early");

        let failed = minimise(minimiser(), vec![], |_| Err("unreadable"), &mut |_| {
            ControlFlow::Continue(())
        });
        assert_eq!(failed.unwrap_err(), "unreadable");
    }
}
