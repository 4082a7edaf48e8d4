//! Answers larger than the client accepts: a typed error, a read that stops near the
//! limit, and memory that stays bounded, measured by counting what this test binary
//! allocates (its own binary, so that no other test's allocations count).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mysafe_client::{Client, DEFAULT_MAX_RESPONSE_SIZE, Error, RetryPolicy};

// The loopback server of `tests/loopback/`; this binary uses part of it.
#[allow(dead_code)]
#[path = "loopback/server.rs"]
mod server;

use server::{Reply, Server, Stream};

/// The system allocator, with the bytes live now and the most live since the last
/// `reset_peak`.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: u64 = 1024 * 1024;

/// A server whose every answer but the token is `answer()`.
async fn serving(answer: fn() -> Reply) -> Server {
    Server::start(move |seen| {
        if seen.path == "/api/oauth2/token" {
            Reply::token("t0ken")
        } else {
            answer()
        }
    })
    .await
}

fn client(server: &Server, limit: Option<u64>) -> Client {
    let builder = Client::builder()
        .base_url(server.url())
        .client_id("app")
        .client_secret("s")
        .retry_policy(RetryPolicy::never())
        .timeout(Duration::from_secs(60));
    match limit {
        Some(limit) => builder.max_response_size(limit),
        None => builder,
    }
    .build()
    .unwrap()
}

/// 200 MiB of a JSON array, in 64 KiB chunks, announced or not.
fn two_hundred_mib(announce: bool) -> Reply {
    let chunk = vec![b' '; 64 * 1024];
    Reply::json(200, "").streamed(Stream {
        repeat: 200 * MIB / chunk.len() as u64,
        announce: announce.then_some(200 * MIB),
        chunk,
        pause: Duration::ZERO,
    })
}

/// One test, so that the allocations of one measurement are not another's.
#[tokio::test(flavor = "current_thread")]
async fn oversized_answers_are_refused_with_bounded_memory() {
    // No Content-Length: the read stops once it passes the limit.
    let server = serving(|| two_hundred_mib(false)).await;
    let client = client(&server, Some(MIB));
    client.list_notes().send().await.map(|_| ()).unwrap_or(()); // warm: login, connection
    let baseline = LIVE.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let written_before = server.written();
    let error = client.list_notes().send().await.unwrap_err();
    let peak = PEAK.load(Ordering::Relaxed) - baseline;
    assert!(
        matches!(error, Error::TooLarge { status: 200, limit } if limit == MIB),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "answer too large (HTTP 200): over the limit of 1048576 bytes"
    );
    // The buffer, at most the limit; while it grows, the half it grows from; and
    // hyper's read buffer (about 400 KB) with the chunk in flight. (Measured: about
    // 2.1 MB.)
    assert!(
        peak < (MIB + MIB / 2 + MIB) as usize,
        "{peak} bytes held at the peak"
    );
    // The server got its bytes out only while the client read and the sockets'
    // buffers filled: nowhere near 200 MiB.
    let written = server.written() - written_before;
    assert!(written < 32 * MIB, "{written} bytes written");

    // A Content-Length over the limit: refused before the body is read.
    let announced = serving(|| two_hundred_mib(true)).await;
    let client = self::client(&announced, Some(MIB));
    let baseline = LIVE.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let error = client.list_notes().send().await.unwrap_err();
    let peak = PEAK.load(Ordering::Relaxed) - baseline;
    assert!(matches!(error, Error::TooLarge { .. }), "{error:?}");
    assert!(peak < MIB as usize, "{peak} bytes held at the peak");

    // The default limit is 32 MiB.
    assert_eq!(DEFAULT_MAX_RESPONSE_SIZE, 32 * MIB);
    let error = self::client(&announced, None)
        .list_notes()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::TooLarge { limit, .. } if limit == DEFAULT_MAX_RESPONSE_SIZE),
        "{error:?}"
    );
    assert!(!error.is_retryable());
}
