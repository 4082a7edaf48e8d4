//! A fixed number of disables, for counting instructions rather than timing them:
//!
//! ```sh
//! cargo bench -p mysafe-client --bench disable_loop --no-run
//! valgrind --tool=callgrind target/release/deps/disable_loop-<hash> client 1200
//! valgrind --tool=callgrind target/release/deps/disable_loop-<hash> client 200
//! ```
//!
//! The difference of the two totals divided by 1,000 is the cost of one call, the
//! simulator's share included, without the setup and the first calls' warm-up
//! (connection, pools). `plain` instead of `client` runs the plain reqwest side.
//! One runtime thread: under callgrind, threads only add scheduling noise.
//! Under `cargo bench` (no side given) it runs both sides briefly and prints the
//! time per call, a sanity check rather than a measurement (see `client.rs`).

use std::time::Instant;

mod common;

fn main() {
    // `cargo bench` passes `--bench`; only the positional arguments count here.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    let sides: &[&str] = match args.first().map(String::as_str) {
        None => &["client", "plain"],
        Some("client") => &["client"],
        Some("plain") => &["plain"],
        Some(other) => panic!("unknown side {other:?}: expected `client` or `plain`"),
    };
    let calls: u32 = match args.get(1) {
        None => 1000,
        Some(n) => n.parse().expect("the number of calls"),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let bench = common::setup().await;
        // What a caller's future holds (and moves) per call, attempt loop included.
        let call = bench.client.disable_password().identifier(1).send();
        println!(
            "disable_loop: a disable_password call's future is {} bytes",
            std::mem::size_of_val(&call)
        );
        drop(call);
        for side in sides {
            let before = bench.sim.stats();
            let started = Instant::now();
            for _ in 0..calls {
                if *side == "client" {
                    common::disable_client(&bench).await;
                } else {
                    common::disable_plain(&bench).await;
                }
            }
            let per_call = started.elapsed().as_secs_f64() * 1e6 / f64::from(calls.max(1));
            // One request per call: no retry, no token request inflates the count.
            let after = bench.sim.stats();
            assert_eq!(after.requests - before.requests, u64::from(calls));
            assert_eq!(after.token_requests, before.token_requests);
            println!("disable_loop: {calls} calls through {side}, {per_call:.1} us per call");
        }
    });
}
