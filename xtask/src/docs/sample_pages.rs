//! Generated pages of a given size, for the tests that count the extractor's work
//! (`docs/hostile_tests.rs`) and for its benchmark (`xtask/benches/extract.rs`,
//! which includes this file).

/// The answer of a disable, as the pages show it.
const ENVELOPE: &str = "{\n    \"code\": 200,\n    \"response\": { \"status\": 200, \"message\": \
                        \"Password successfully deactivated\" }\n}\n";

/// A page scraped from the rendered docs: no fences at all, an example request and
/// its answer again and again, to at least `bytes` bytes.
pub fn unfenced(bytes: usize) -> String {
    let block = format!(
        "Example request\n\nPOST {{{{url}}}}api/mysafe/password/inactive/10\n\nResponse\n\n\
         HTTP/1.1 200 OK\n{ENVELOPE}Info\n\n"
    );
    repeat("POST | Disable password\n\n", &block, bytes)
}

/// The same with each status line and example in a fence of its own.
pub fn fenced(bytes: usize) -> String {
    let block = format!(
        "### Example request\n\n`POST {{{{url}}}}api/mysafe/password/inactive/10`\n\n\
         ```json\nHTTP/1.1 200 OK\n```\n```json\n{ENVELOPE}```\n\n"
    );
    repeat("# POST | Disable password\n\n", &block, bytes)
}

fn repeat(head: &str, block: &str, bytes: usize) -> String {
    let mut page = String::with_capacity(bytes + block.len());
    page.push_str(head);
    while page.len() < bytes {
        page.push_str(block);
    }
    page
}
