//! The minimiser on several threads: reading and validating on one, minimising on others,
//! writing on one more (see `watt_core::minimise::split`).
//!
//! Validation is about a third of the work and minimisation the rest, so the validated
//! rows are dealt in turn, in batches of bounded size (a chunk of input may give several),
//! to [`backs`] minimising threads, and their outputs put back in batch order before they
//! are written. The output bytes and the report are those of the one-thread minimiser (the
//! core's stages are its own code, and `watt_core`'s tests compare them with one to three
//! backs), so the browser, which runs on one thread, and the command line still agree byte
//! for byte. Memory stays bounded: at most [`BATCHES_IN_FLIGHT`] batches wait before each
//! thread, whatever the rows hold.
//!
//! Reading stops before the end of the input when more of it cannot change the outcome: a
//! source error stopped the core's reader (a binary file), or, when invalid data is not
//! written, a finding made the data invalid (the report then says so).

use std::ops::ControlFlow;
use std::sync::mpsc;

use watt_core::minimise::{MinimiseBack, RowBatch};
use watt_core::{Minimiser, Report};

/// Batches (of validated rows, or their output) waiting before each thread.
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
    /// Reading stopped before the end because the data was known invalid
    /// ([`Until::Invalid`]): the report's counts are those of the part read.
    pub cut: bool,
    /// Row batches made: bounded whatever the input's length.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "read by the tests of the bound")
    )]
    pub batches: usize,
}

/// How much of the input a run reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// To the end (but for a source error, past which nothing is read).
    End,
    /// Up to the first chunk after a finding made the data invalid: for a caller that
    /// does not write invalid data, the rest would be read and minimised for nothing.
    Invalid,
}

/// Deals the batches of validated rows to the minimising threads in turn, and keeps the
/// emptied ones coming back to be refilled.
struct Dealer {
    inputs: Vec<mpsc::SyncSender<RowBatch>>,
    empty: mpsc::Receiver<RowBatch>,
    /// Batches made so far, and at most.
    made: usize,
    most: usize,
    sent: usize,
    /// A minimising thread has stopped: nothing more is dealt.
    stopped: bool,
}

impl Dealer {
    /// Takes `batch`'s rows to the next thread, leaving an empty batch in its place.
    fn deal(&mut self, batch: &mut RowBatch) {
        if self.stopped {
            return;
        }
        // Batches circulate: a new one is made only while fewer than can be in the
        // pipeline at once exist, so memory does not grow with the file.
        let fresh = match self.empty.try_recv() {
            Ok(fresh) => Some(fresh),
            Err(_) if self.made < self.most => {
                self.made += 1;
                Some(RowBatch::default())
            }
            // Every minimising thread has stopped when this fails.
            Err(_) => self.empty.recv().ok(),
        };
        let Some(fresh) = fresh else {
            self.stopped = true;
            return;
        };
        let full = std::mem::replace(batch, fresh);
        let n = self.inputs.len();
        if self.inputs[self.sent % n].send(full).is_err() {
            self.stopped = true;
        }
        self.sent += 1;
    }
}

/// Runs `minimiser`, with one more minimising thread per minimiser of `more` (made like
/// `minimiser`: same schema, options, key and spill). `feed` calls its argument with each
/// chunk of input in turn (on this thread), until it returns `Break` (see [`Until`]), and
/// `emit` gets the output bytes in order (on a thread of its own). `emit` may stop the run
/// by returning `Break`; the result is then `Ok(None)`. An error of `feed` is returned as
/// it is.
pub fn minimise<E>(
    minimiser: Minimiser,
    more: Vec<Minimiser>,
    until: Until,
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
        let mut dealer = Dealer {
            inputs,
            empty: empty_rx,
            made: 0,
            most: n * (BATCHES_IN_FLIGHT + 1) + 1,
            sent: 0,
            stopped: false,
        };
        // Whether reading stopped early because the data is invalid.
        let mut cut = false;
        let fed = feed(&mut |chunk| {
            // Checked as the next chunk comes, not after the last: a file read to its end
            // is read whole, and its report is what `watt check` gives.
            if front.stopped() {
                return ControlFlow::Break(());
            }
            if until == Until::Invalid && front.has_findings() {
                cut = true;
                return ControlFlow::Break(());
            }
            front.push(chunk, &mut |batch| dealer.deal(batch));
            if dealer.stopped {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        if cut {
            front.stop();
        }
        let bytes_read = front.bytes_read();
        let done = (fed.is_ok() && !dealer.stopped)
            .then(|| front.finish(&mut |batch| dealer.deal(batch)))
            .filter(|_| !dealer.stopped);
        let made = dealer.made;
        drop(dealer);
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
            cut,
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
            Until::End,
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
            Until::End,
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

        let failed = minimise(
            minimiser(),
            vec![],
            Until::End,
            |_| Err("unreadable"),
            &mut |_| ControlFlow::Continue(()),
        );
        assert_eq!(failed.unwrap_err(), "unreadable");
    }

    /// Feeds `data` in chunks of `chunk` bytes until told to stop; returns the run, the
    /// chunks fed, and the largest output handed to `emit`.
    fn run(data: &[u8], chunk: usize, until: Until) -> (Staged, usize, usize, Vec<u8>) {
        let (mut fed, mut largest, mut out) = (0, 0, Vec::new());
        let staged = minimise::<()>(
            minimiser(),
            vec![minimiser()],
            until,
            |f| {
                for c in data.chunks(chunk) {
                    if f(c).is_break() {
                        break;
                    }
                    fed += 1;
                }
                Ok(())
            },
            &mut |bytes| {
                largest = largest.max(bytes.len());
                out.extend_from_slice(bytes);
                ControlFlow::Continue(())
            },
        )
        .expect("fed")
        .expect("finished");
        (staged, fed, largest, out)
    }

    /// A header and rows of one character: hundreds of thousands of invalid rows per
    /// chunk, each of which minimises to a pseudonym and commas.
    fn short_rows(rows: usize) -> Vec<u8> {
        let text = include_str!("../../data/samples/sample_energy_consumption.csv");
        let (header, _) = text.split_once('\n').expect("header");
        format!("{header}\n{}", "1\n".repeat(rows)).into_bytes()
    }

    /// Each output handed on is bounded, however short the rows: one per megabyte chunk
    /// (2.3 million cells copied, then about 20 MB written at once) made `watt minimise`
    /// peak at 480 MB on 6 MB of such rows.
    #[test]
    fn short_rows_go_in_bounded_batches() {
        let data = short_rows(1_500_000);
        let (staged, fed, largest, out) = run(&data, 1 << 20, Until::End);
        assert_eq!(fed, data.len().div_ceil(1 << 20));
        assert_eq!(staged.report.stats.rows, 1_500_000);
        assert!(out.len() > 50_000_000, "{}", out.len());
        assert!(largest <= 512 << 10, "{largest} bytes in one output");
        assert!(
            staged.batches <= 2 * (BATCHES_IN_FLIGHT + 1) + 1,
            "{}",
            staged.batches
        );
    }

    /// Told to stop at invalid data, the run reads up to the chunk after the first finding
    /// and says so; told to read to the end, it reads it all.
    #[test]
    fn invalid_data_stops_the_reading_when_asked() {
        let data = short_rows(1_500_000);
        let chunks = data.len().div_ceil(100_000);
        let (whole, fed, _, _) = run(&data, 100_000, Until::End);
        assert_eq!(fed, chunks);
        assert_eq!(whole.report.stats.rows, 1_500_000);
        let (cut, fed, _, _) = run(&data, 100_000, Until::Invalid);
        // The dialect is known (and the first rows read) past the first 64 KiB.
        assert_eq!(fed, 1);
        assert!(!cut.report.valid);
        assert_eq!(cut.bytes_read, 100_000);
        assert_eq!(cut.report.stats.bytes, 100_000);
        assert!(cut.report.stats.rows < 50_000, "{}", cut.report.stats.rows);
        assert!(
            cut.report
                .notes
                .iter()
                .any(|n| n.starts_with("reading stopped after 100000 bytes")),
            "{:?}",
            cut.report.notes
        );
        // Data found invalid in its last chunk is read whole: nothing is cut.
        let text = include_str!("../../data/samples/sample_energy_consumption.csv");
        let mut last = sample();
        last.extend_from_slice(text.lines().nth(1).expect("a row").as_bytes());
        last.extend_from_slice(b",extra\n");
        let (read, fed, _, _) = run(&last, 1000, Until::Invalid);
        assert_eq!(fed, last.len().div_ceil(1000));
        assert_eq!(
            read.report.error_counts[&watt_core::ErrorCode::ExtraCell],
            1
        );
        assert!(read.report.notes.iter().all(|n| !n.contains("stopped")));
    }
}
