//! How long `docs check` takes to read a page, by its size and format
//! (`cargo bench -p xtask`). Extraction is linear in the page's size; a test counts
//! its work (`docs/hostile_tests.rs`), this gives the time. BENCHMARKS.md has the
//! figures.
//!
//! The xtask is a binary without a library, so the extractor's source file is
//! compiled into this benchmark as a module of its own. It depends on nothing else
//! of the xtask but the work counter of the tests, which is left out here.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[allow(dead_code)]
#[path = "../src/docs/extract.rs"]
mod extract;
#[path = "../src/docs/sample_pages.rs"]
mod sample_pages;
/// The tests' work counter (`src/docs/work.rs`), left out of the timing.
mod work {
    #[inline(always)]
    pub fn add(_units: usize) {}
}

/// A page format, and the size of the page made with it.
type Case = (&'static str, fn(usize) -> String, usize);

const MIB: usize = 1 << 20;

fn pages(c: &mut Criterion) {
    let mut group = c.benchmark_group("extract");
    group.sample_size(10);
    let cases: [Case; 5] = [
        ("unfenced", sample_pages::unfenced, MIB),
        ("unfenced", sample_pages::unfenced, 4 * MIB),
        ("unfenced", sample_pages::unfenced, 20 * MIB),
        ("fenced", sample_pages::fenced, 20 * MIB),
        ("one-line-of-ampersands", |n| "&".repeat(n), MIB),
    ];
    for (format, make, size) in cases {
        let page = make(size);
        group.throughput(Throughput::Bytes(page.len() as u64));
        group.bench_with_input(
            BenchmarkId::new(format, format!("{} MiB", size / MIB)),
            &page,
            |b, page| b.iter(|| extract::page(page).events.len()),
        );
    }
    group.finish();
}

criterion_group!(benches, pages);
criterion_main!(benches);
