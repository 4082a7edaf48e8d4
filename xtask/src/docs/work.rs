//! A count of the work the doc tools do, for the tests that prove an order of growth
//! by counting instead of timing (`docs/hostile_tests.rs`). The count is kept per
//! thread, so tests running in parallel do not mix; outside tests it compiles to
//! nothing.

#[cfg(test)]
thread_local! {
    static UNITS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Records `units` of work: bytes of page text looked at, manifest entries visited.
#[inline(always)]
pub fn add(units: usize) {
    #[cfg(test)]
    UNITS.with(|u| u.set(u.get() + units as u64));
    #[cfg(not(test))]
    let _ = units;
}

/// Runs `f` and returns its result with the units of work it recorded.
#[cfg(test)]
pub fn count<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = UNITS.with(std::cell::Cell::get);
    let result = f();
    (result, UNITS.with(std::cell::Cell::get) - before)
}
