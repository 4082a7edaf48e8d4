//! Benchmarks against the simulator on loopback, in one process (`cargo bench`):
//!
//! - `disable`: a disable call through `mysafe-client` versus the same POST and
//!   envelope decode written with plain reqwest; the throughput ratio is printed.
//! - `cold_start`: a new client under 1,000 concurrent calls; the token requests it
//!   made are checked (exactly one per client) and printed.
//! - `throughput`: calls per second at concurrency 1, 8 and 64.
//!
//! Runs are kept short (small samples) for a 2-core machine; BENCHMARKS.md has the
//! figures and the machine.

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tokio::runtime::Runtime;

mod common;
use common::{Bench, client, disable_client, disable_plain, setup};

fn disable(c: &mut Criterion, runtime: &Runtime, bench: &Bench) {
    let mut group = c.benchmark_group("disable");
    group.throughput(Throughput::Elements(1));
    group.bench_function("mysafe-client", |b| {
        b.to_async(runtime).iter(|| disable_client(bench))
    });
    group.bench_function("plain-reqwest", |b| {
        b.to_async(runtime).iter(|| disable_plain(bench))
    });
    group.finish();

    // The ratio from short interleaved rounds, so that drift (other builds on the
    // machine, CPU frequency) hits both sides alike; the median round is reported
    // because a burst of load elsewhere skews single rounds.
    const ROUNDS: usize = 60;
    const CALLS: u32 = 50;
    let mut ratios = Vec::with_capacity(ROUNDS);
    let (mut ours, mut theirs) = (Duration::ZERO, Duration::ZERO);
    runtime.block_on(async {
        for round in 0..ROUNDS {
            // Alternate which side goes first.
            let mut sides = [Duration::ZERO; 2];
            for side in [round % 2, 1 - round % 2] {
                let started = Instant::now();
                for _ in 0..CALLS {
                    if side == 0 {
                        disable_client(bench).await;
                    } else {
                        disable_plain(bench).await;
                    }
                }
                sides[side] = started.elapsed();
            }
            ours += sides[0];
            theirs += sides[1];
            ratios.push(sides[1].as_secs_f64() / sides[0].as_secs_f64());
        }
    });
    ratios.sort_by(f64::total_cmp);
    let calls = (ROUNDS as u32 * CALLS) as f64;
    println!(
        "disable: throughput ratio mysafe-client / plain reqwest: median of {ROUNDS} \
         interleaved rounds {:.3} (quartiles {:.3}..{:.3}), overall {:.3}; \
         {:.1} us vs {:.1} us per call",
        ratios[ROUNDS / 2],
        ratios[ROUNDS / 4],
        ratios[3 * ROUNDS / 4],
        theirs.as_secs_f64() / ours.as_secs_f64(),
        ours.as_secs_f64() * 1e6 / calls,
        theirs.as_secs_f64() * 1e6 / calls,
    );
}

fn cold_start(c: &mut Criterion, runtime: &Runtime, bench: &Bench) {
    const CALLS: usize = 1000;
    let mut group = c.benchmark_group("cold_start");
    // Each cold client opens up to 1,000 loopback connections, whose ports then sit
    // in TIME_WAIT for a minute; flat sampling over a short time keeps a run to a
    // dozen clients, so back-to-back runs do not exhaust the ephemeral port range.
    group
        .sample_size(10)
        .sampling_mode(criterion::SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(CALLS as u64));
    let mut clients_built = 0u64;
    let tokens_before = bench.sim.stats().token_requests;
    group.bench_function("1000_concurrent_calls", |b| {
        b.to_async(runtime).iter_custom(|iterations| {
            let sim = &bench.sim;
            let identifier = bench.identifier;
            clients_built += iterations;
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let before = sim.stats().token_requests;
                    let client = Arc::new(client(sim));
                    let started = Instant::now();
                    let calls: Vec<_> = (0..CALLS)
                        .map(|_| {
                            let client = Arc::clone(&client);
                            tokio::spawn(async move {
                                client
                                    .disable_password()
                                    .identifier(identifier)
                                    .send()
                                    .await
                            })
                        })
                        .collect();
                    for call in calls {
                        call.await.expect("task").expect("call");
                    }
                    total += started.elapsed();
                    let made = sim.stats().token_requests - before;
                    assert_eq!(made, 1, "a cold client made {made} token requests");
                }
                total
            }
        })
    });
    group.finish();
    let tokens = bench.sim.stats().token_requests - tokens_before;
    println!(
        "cold_start: {clients_built} cold clients x {CALLS} concurrent calls made \
         {tokens} token requests ({:.2} per client)",
        tokens as f64 / clients_built.max(1) as f64
    );
}

fn throughput(c: &mut Criterion, runtime: &Runtime, bench: &Bench) {
    const CALLS: usize = 256;
    let mut group = c.benchmark_group("throughput");
    group.throughput(Throughput::Elements(CALLS as u64));
    for concurrency in [1usize, 8, 64] {
        group.bench_function(format!("concurrency_{concurrency}"), |b| {
            b.to_async(runtime).iter_custom(|iterations| {
                let client = bench.client.clone();
                let identifier = bench.identifier;
                async move {
                    let started = Instant::now();
                    for _ in 0..iterations {
                        let workers: Vec<_> = (0..concurrency)
                            .map(|_| {
                                let client = client.clone();
                                tokio::spawn(async move {
                                    for _ in 0..CALLS / concurrency {
                                        client
                                            .disable_password()
                                            .identifier(identifier)
                                            .send()
                                            .await
                                            .expect("call");
                                    }
                                })
                            })
                            .collect();
                        for worker in workers {
                            worker.await.expect("task");
                        }
                    }
                    started.elapsed()
                }
            })
        });
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let bench = runtime.block_on(setup());
    disable(c, &runtime, &bench);
    cold_start(c, &runtime, &bench);
    throughput(c, &runtime, &bench);
}

criterion_group! {
    name = client_benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(client_benches);
