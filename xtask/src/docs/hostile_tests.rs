//! The doc tools on hostile or unusual input: huge and pathological pages, link
//! loops and FIFOs, request lines with markup, secrets in URLs, harvests that stop
//! part way. Orders of growth are proven by counting work (`work.rs`), never by
//! timing.

use super::*;

/// Work per byte of `make(n)` and of `make(2 n)`, and their ratio: about 2 when the
/// work grows linearly with the page, about 4 when it grows with its square.
fn growth(n: usize, make: impl Fn(usize) -> String) -> f64 {
    let small = make(n);
    let large = make(2 * n);
    let (_, w1) = work::count(|| extract::page(&small));
    let (_, w2) = work::count(|| extract::page(&large));
    let ratio = w2 as f64 / w1 as f64;
    eprintln!(
        "{} bytes: {w1} units; {} bytes: {w2} units; ratio {ratio:.2}",
        small.len(),
        large.len()
    );
    ratio
}

#[test]
fn extraction_of_a_multi_megabyte_unfenced_page_is_linear() {
    let page = sample_pages::unfenced(2 << 20);
    let examples = extract::page(&page)
        .events
        .iter()
        .filter(|e| matches!(e, extract::Event::Example(_)))
        .count();
    assert!(examples > 10_000, "{examples}");
    let ratio = growth(2 << 20, sample_pages::unfenced);
    assert!(growth(2 << 20, sample_pages::fenced) < 2.2);
    assert!(ratio < 2.2, "work grew {ratio:.2} times for twice the page");
}

#[test]
fn extraction_is_linear_on_pathological_lines() {
    let line = |unit: &'static str| move |n: usize| unit.repeat(n / unit.len());
    let lines =
        |unit: &'static str| move |n: usize| format!("{unit}\n").repeat(n / (unit.len() + 1));
    type MakePage = Box<dyn Fn(usize) -> String>;
    let cases: [(&str, MakePage); 7] = [
        ("one line of `&`", Box::new(line("&"))),
        ("one line of `&amp`", Box::new(line("&amp"))),
        ("one line of `<a`", Box::new(line("<a"))),
        (
            "one line of `<1`, then `>`",
            Box::new(|n| format!("{}>", "<1".repeat(n / 2))),
        ),
        ("one line of `{/*`", Box::new(line("{/*"))),
        ("lines of unclosed `[{`", Box::new(lines("[{"))),
        ("lines of `{\"a\": 1} [{`", Box::new(lines("{\"a\": 1} [{"))),
    ];
    for (what, make) in cases {
        let ratio = growth(1 << 19, make);
        assert!(
            ratio < 2.2,
            "{what}: work grew {ratio:.2} times for twice the page"
        );
    }
}

/// `count` fenced examples of `disable_password`, one page per `per_page`.
fn many_examples(count: usize, per_page: usize) -> Vec<(String, String)> {
    let block = |i: usize| {
        format!(
            "```json\nHTTP/1.1 200 OK\n```\n```json\n{{\"code\": 200, \"response\": \
             {{\"status\": 200, \"message\": \"deactivated {i}\"}}}}\n```\n\n"
        )
    };
    (0..count.div_ceil(per_page))
        .map(|p| {
            let mut page =
                "# POST | Disable password\n\n`POST` `api/mysafe/password/inactive/[identifier]`\n\n"
                    .to_owned();
            for i in (p * per_page..count).take(per_page) {
                page.push_str(&block(i));
            }
            (format!("Page_{p:05}.md"), page)
        })
        .collect()
}

/// The work of a harvest of `count` examples into an empty manifest, beyond reading
/// the pages (which the extraction test covers).
fn harvest_work(count: usize) -> u64 {
    let pages = many_examples(count, 50);
    let named: Vec<(&str, &str)> = pages
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let (_tmp, options, pages) = super::tests::harvest_fixture_dir(&named);
    let spec = super::tests::spec();
    let (outcome, total) = work::count(|| harvest::harvest(&spec, &pages, &options).unwrap());
    assert!(
        outcome
            .report
            .contains(&format!("{count} fixtures written")),
        "{}",
        outcome.report
    );
    let (_, reading) = work::count(|| {
        for page in &pages {
            extract::page(&page.text);
        }
    });
    eprintln!("{count} examples: {total} units, {reading} of them reading the pages");
    total - reading
}

#[test]
fn harvest_is_linear_in_the_number_of_examples() {
    let (small, large) = (harvest_work(600), harvest_work(1200));
    let ratio = large as f64 / small as f64;
    assert!(
        ratio < 2.2,
        "work grew {ratio:.2} times for twice the examples"
    );
}

#[test]
fn a_refused_into_creates_nothing() {
    let (tmp, mut options, pages) =
        super::tests::harvest_fixture_dir(&[("Page.md", &many_examples(1, 1)[0].1)]);
    options.into = tmp.path().join("elsewhere/v9.1-pt");
    let err = harvest::harvest(&super::tests::spec(), &pages, &options)
        .err()
        .unwrap();
    assert!(err.to_string().contains("fixtures must go inside"), "{err}");
    assert!(
        !tmp.path().join("elsewhere").exists(),
        "the refused folder was created"
    );
    // `..` below a folder that does not exist cannot be checked without creating it.
    options.into = tmp.path().join("examples/new/../../elsewhere");
    let err = harvest::harvest(&super::tests::spec(), &pages, &options)
        .err()
        .unwrap();
    assert!(err.to_string().contains("not a plain path"), "{err}");
    assert!(!tmp.path().join("examples/new").exists());
}

#[test]
fn a_page_without_a_doc_version_stops_the_harvest_before_anything_is_written() {
    let pages = many_examples(10, 5);
    let (tmp, options, mut found) =
        super::tests::harvest_fixture_dir(&[("A.md", &pages[0].1), ("B.md", &pages[1].1)]);
    let loose = tmp.path().join("loose.md");
    std::fs::write(&loose, &pages[1].1).unwrap();
    found.extend(collect_pages(&[loose]).unwrap());
    let before = std::fs::read_to_string(&options.manifest).unwrap();
    let err = harvest::harvest(&super::tests::spec(), &found, &options)
        .err()
        .unwrap();
    assert!(err.to_string().contains("--doc-version"), "{err}");
    assert!(
        !options.into.exists(),
        "fixtures were written before the error"
    );
    assert_eq!(std::fs::read_to_string(&options.manifest).unwrap(), before);
}

/// A harvest that fails part way (a fixture cannot be written) leaves a manifest
/// that lists every fixture it wrote, and no half-written file.
#[test]
fn a_harvest_stopped_part_way_leaves_every_fixture_in_the_manifest() {
    let pages = many_examples(30, 10);
    let named: Vec<(&str, &str)> = pages
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let (_tmp, options, found) = super::tests::harvest_fixture_dir(&named);
    // A folder where the second page's fifth fixture goes: it cannot be written.
    let blocked = options.into.join("page-00001-disable_password-200-5.json");
    std::fs::create_dir_all(&blocked).unwrap();
    let err = harvest::harvest(&super::tests::spec(), &found, &options)
        .err()
        .unwrap();
    assert!(
        format!("{err:#}").contains("stopped after 14 fixtures written"),
        "{err:#}"
    );
    let manifest = manifest::Manifest::read(&options.manifest).unwrap();
    let mut listed: Vec<String> = manifest
        .entries
        .iter()
        .map(|e| e.file.trim_start_matches("v9.1-pt/").to_owned())
        .collect();
    listed.sort();
    let mut on_disk: Vec<String> = std::fs::read_dir(&options.into)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| std::path::Path::new(name) != blocked.file_name().unwrap())
        .collect();
    on_disk.sort();
    assert_eq!(listed.len(), 14);
    assert_eq!(on_disk, listed, "fixtures and manifest entries differ");

    // Once the way is clear, the same harvest finishes the job.
    std::fs::remove_dir(&blocked).unwrap();
    let outcome = harvest::harvest(&super::tests::spec(), &found, &options).unwrap();
    assert!(
        outcome.report.contains("16 fixtures written, 14 unchanged"),
        "{}",
        outcome.report
    );
}

/// Runs `f` on another thread and fails the test if it has not finished in a
/// minute (room for a loaded machine; the work itself takes milliseconds): what
/// these tests guard against is a walk that never ends or blocks forever.
fn within_a_minute<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || send.send(f()));
    receive
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("still running after a minute: a link loop or a blocked read")
}

fn labels(dir: &std::path::Path) -> Vec<String> {
    let dir = dir.to_path_buf();
    within_a_minute(move || {
        collect_pages(&[dir])
            .unwrap()
            .into_iter()
            .map(|p| p.label)
            .collect()
    })
}

#[cfg(unix)]
#[test]
fn directory_links_that_loop_are_walked_once() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("page.md"), "# page\n").unwrap();
    symlink(".", tmp.path().join("self")).unwrap();
    assert_eq!(labels(tmp.path()), ["page.md"]);
    // Two loops made the walk exponential: it never finished.
    symlink(".", tmp.path().join("again")).unwrap();
    std::fs::create_dir(tmp.path().join("sub")).unwrap();
    std::fs::write(tmp.path().join("sub/other.md"), "# other\n").unwrap();
    symlink("..", tmp.path().join("sub/up")).unwrap();
    // A link that sorts before the real folder: the page keeps its real path.
    symlink("sub", tmp.path().join("a-link-to-sub")).unwrap();
    symlink("page.md", tmp.path().join("alias.md")).unwrap();
    assert_eq!(labels(tmp.path()), ["page.md", "sub/other.md"]);
}

#[cfg(unix)]
#[test]
fn fifos_and_other_special_files_are_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("page.md"), "# page\n").unwrap();
    let fifo = tmp.path().join("pipe.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    // Opening the FIFO would wait for a writer forever.
    assert_eq!(labels(tmp.path()), ["page.md"]);
    let err = within_a_minute(move || collect_pages(&[fifo]).err().unwrap().to_string());
    assert!(
        err.ends_with("not a regular file or a directory (a FIFO, socket or device is not read)"),
        "{err}"
    );
}

#[test]
fn a_page_over_the_size_limit_is_a_one_line_error() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big.txt");
    // Sparse: no disk space used, and not read.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(MAX_PAGE_BYTES + 1)
        .unwrap();
    for arg in [big.clone(), tmp.path().to_path_buf()] {
        let err = collect_pages(&[arg]).err().unwrap().to_string();
        assert_eq!(
            err,
            format!(
                "{}: 32.0 MiB, more than the 32 MiB a page may have",
                big.display()
            )
        );
    }
}

const ENVELOPE: &str =
    r#"{"code": 200, "response": {"status": 200, "message": "Password successfully deactivated"}}"#;

/// An answer of any enable or disable (no message, so no operation's own).
const STATUS_200: &str = r#"{"code": 200, "response": {"status": 200}}"#;

/// The issue's page: a Markdown link glued to the path. The example went to the
/// token request line before it, and was rejected for the wrong reason.
#[test]
fn a_request_line_with_a_link_in_it_is_settled_by_the_page_title() {
    let page = format!(
        "# POST | Disable password\n\n## Authentication\n\n`POST` `/api/oauth2/token`\n\n## Request\n\n\
         `POST [List passwords](/v3-32/docs/api-list-passwords)/api/mysafe/password/inactive/[identifier]`\n\n\
         ## Response\n\n```json\nHTTP/1.1 200 OK\n```\n```json\n{ENVELOPE}\n```\n"
    );
    assert_eq!(
        super::tests::check(&page),
        [
            "9: note: cannot read the request line `POST [List passwords](/v3-32/docs/api-list-passwords)/api/mysafe/password/inactive/[identifier]`; \
             using disable_password, which the page title names",
            "17: disable_password 200: accepted",
        ]
    );
}

#[test]
fn a_link_whose_text_is_the_path_is_read_as_the_path() {
    let page = format!(
        "# Notes\n\n`POST` [`/api/mysafe/note/active/[identifier]`](/v3-33/docs/api-post-enable-note) and \
         [**more**](x)\n\n```json\nHTTP/1.1 200 OK\n```\n```json\n{STATUS_200}\n```\n"
    );
    assert_eq!(super::tests::check(&page), ["9: enable_note 200: accepted"]);
}

#[test]
fn an_unreadable_request_line_is_settled_by_its_section_heading() {
    let page = format!(
        "# Disable or enable a note\n\n## Disable note\n\n### Request\n\n\
         POST [Notes](/v3/docs/notes)/api/mysafe/note/inactive/[identifier]\n\n\
         ```json\nHTTP/1.1 200 OK\n```\n```json\n{STATUS_200}\n```\n\n\
         ## Enable note\n\nPOST [Notes](/v3/docs/notes)/api/mysafe/note/active/[identifier]\n\n\
         ```json\nHTTP/1.1 200 OK\n```\n```json\n{STATUS_200}\n```\n\n\
         ## Other\n\nPOST [Notes](/v3/docs/notes)/api/mysafe/note/active/[identifier]\n\n\
         ```json\n{STATUS_200}\n```\n"
    );
    assert_eq!(
        super::tests::check(&page),
        [
            "7: note: cannot read the request line `POST [Notes](/v3/docs/notes)/api/mysafe/note/inactive/[identifier]`; \
             using disable_note, which the section heading `Disable note` names",
            "13: disable_note 200: accepted",
            "18: note: cannot read the request line `POST [Notes](/v3/docs/notes)/api/mysafe/note/active/[identifier]`; \
             using enable_note, which the section heading `Enable note` names",
            "24: enable_note 200: accepted",
            // A heading at the same level ends the section; the title names nothing.
            "32: REJECTED: no operation: the request line (line 29) cannot be read, and neither a \
             section heading nor the page title names one",
        ]
    );
}

#[test]
fn a_path_under_the_iso_prefix_is_the_spec_operation_with_a_note() {
    let page = format!(
        "# Passwords\n\n`POST` `/iso/mysafe/password/inactive/[identifier]`\n\n\
         ```json\nHTTP/1.1 200 OK\n```\n```json\n{ENVELOPE}\n```\n\n\
         `GET` `/iso/pam/device/14`\n\n```json\n{{\"code\": 200, \"device\": {{}}}}\n```\n"
    );
    assert_eq!(
        super::tests::check(&page),
        [
            "3: note: `POST /iso/mysafe/password/inactive/[identifier]` is under `/iso/`, a route \
             prefix some installations serve the API under; read as POST \
             /api/mysafe/password/inactive/{identifier} (disable_password)",
            "9: disable_password 200: accepted",
            "15: not in the spec: GET /iso/pam/device/14",
        ]
    );
}

#[test]
fn secrets_in_the_pages_urls_are_not_printed() {
    let page = format!(
        "# Disable password\n\n`POST` `/api/mysafe/password/inactive/[identifier]`\n\n\
         ### Example request\n\n\
         `POST https://admin:hunter2@pam.example.com/api/mysafe/password/active/10?access_token=eyJabc`\n\n\
         ```json\nHTTP/1.1 200 OK\n```\n```json\n{ENVELOPE}\n```\n\n\
         `GET` `https://ops:s3cr3t@pam.example.com/api/pam/device/14?client_secret=k3y&id=1`\n\n\
         ```json\n{{\"code\": 200, \"device\": {{}}}}\n```\n"
    );
    let report = super::tests::check(&page).join("\n");
    for secret in ["hunter2", "eyJabc", "s3cr3t", "k3y"] {
        assert!(!report.contains(secret), "{secret} printed: {report}");
    }
    assert!(
        report.contains(
            "`POST https://***@pam.example.com/api/mysafe/password/active/10?access_token=***`"
        ),
        "{report}"
    );
    assert!(
        report.contains(
            "not in the spec: GET https://***@pam.example.com/api/pam/device/14?client_secret=***&id=1"
        ),
        "{report}"
    );

    let (_tmp, options, pages) = super::tests::harvest_fixture_dir(&[("Page.md", &page)]);
    let outcome = harvest::harvest(&super::tests::spec(), &pages, &options).unwrap();
    assert!(!outcome.report.contains("s3cr3t"), "{}", outcome.report);
    assert!(
        outcome.report.contains("client_secret=***"),
        "{}",
        outcome.report
    );
}

/// Odd markup around links, request lines and URLs neither panics nor loops, in the
/// extractor, the locator or the redaction of what is printed.
#[test]
fn odd_links_request_lines_and_urls_do_not_panic() {
    let odd = [
        "[a](",
        "![",
        "](",
        "[](x)",
        "![](x)",
        "[[x](y)](z)",
        "POST [x](/y",
        "POST /",
        "POST [a](b)/c",
        "GET https://@",
        "GET ://",
        "a@b:c@",
        "?=",
        "token=",
        "Bearer",
        "Bearer ",
        "x=&y=",
        "\u{0}[{",
        "{\"a\": \"\\",
        "[{\"a\": 1}] [{",
        "# [x](y)\nPOST [l](u)/api/x\n{\"a\": 1}",
        "POST é/ü",
        "é=é",
        "https://é:é@é/é?token=é",
    ];
    let spec = super::tests::spec();
    for text in odd {
        let findings = locate::locate(&extract::page(text), &spec);
        for located in &findings.examples {
            check::verdict(&spec, &located.example, &located.target).unwrap();
        }
        let _ = crate::redact::secrets(text);
    }
}
