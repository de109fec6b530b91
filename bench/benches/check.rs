//! Floor (bare `csv` read) against `watt_core::Checker`, on an ~8 MB buffer generated in
//! memory, so the numbers do not depend on the disk or the page cache.
//!
//! `cargo bench -p watt-bench` prints both throughputs; their ratio is the checker's cost
//! over the fastest possible read of the same CSV.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use watt_bench::energy::{Generator, Settings};
use watt_bench::measure::{self, CHUNK_BYTES};
use watt_bench::output::{Limit, Style, write_csv};
use watt_core::Schema;

const SCHEMA: &str = include_str!("../../data/schemas/energy_consumption.schema.json");

fn data(style: Style) -> Vec<u8> {
    let mut generator = Generator::new(&Settings {
        meters: 1000,
        seed: 7,
        ..Settings::default()
    })
    .expect("valid settings");
    let mut out = Vec::with_capacity(9_000_000);
    write_csv(&mut generator, style, Limit::bytes(8_000_000), &mut out).expect("in memory");
    out
}

fn throughput(c: &mut Criterion) {
    let schema = Schema::from_json(SCHEMA).expect("the bundled schema loads");
    for (name, style) in [("standard", Style::Standard), ("fr-excel", Style::FrExcel)] {
        let data = data(style);
        let delimiter = measure::detect_delimiter(&data, &schema);
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.sample_size(20);
        group.measurement_time(Duration::from_secs(8));
        group.bench_function("floor", |b| {
            b.iter(|| measure::floor(black_box(&data[..]), delimiter).expect("in memory"))
        });
        group.bench_function("check", |b| {
            b.iter(|| {
                let (outcome, report) = measure::check(
                    black_box(&data[..]),
                    &schema,
                    CHUNK_BYTES,
                    Some(data.len() as u64),
                )
                .expect("in memory");
                assert!(report.valid);
                outcome
            })
        });
        group.finish();
    }
}

criterion_group!(benches, throughput);
criterion_main!(benches);
