//! The doc checks on small pages written here, one per page format, and on the
//! vendor pages beside the workspace when they are there.

use std::path::PathBuf;

use super::*;

pub(super) fn spec() -> SpecIndex {
    load_spec(&crate::project_root().join(crate::spec::SPEC_PATH)).unwrap()
}

/// The report lines of one page given as text, without the page label.
pub(super) fn check(text: &str) -> Vec<String> {
    let page = PageFile {
        path: PathBuf::from("page.md"),
        label: "page".to_owned(),
        text: text.to_owned(),
    };
    let (report, _) = check_pages(&spec(), &[page]).unwrap();
    report
        .lines()
        .map(|l| l.strip_prefix("page:").unwrap_or(l).to_owned())
        .collect()
}

const ENVELOPE: &str = r#"{
    "code": 200,
    "response": { "status": 200, "message": "Password successfully deactivated" }
}"#;

fn fenced_page() -> String {
    format!(
        "# POST | Disable password\n\n## Request\n\n`POST` `api/mysafe/password/inactive/[identifier]`\n\n\
         ## Response\n\n```json\nHTTP/1.1 200 OK\n```\n\n```json\n{ENVELOPE}\n```\n"
    )
}

#[test]
fn fenced_markdown_with_status_in_its_own_block() {
    let page = fenced_page();
    assert_eq!(check(&page), ["14: disable_password 200: accepted"]);
}

fn bare_fences_page() -> String {
    format!(
        "# Inativar ou ativar uma senha\n\n```\nPOST {{/* api */}}{{/* mysafe */}}{{/* password */}}{{/* inactive */}}/[identifier]\n```\n\n\
         ```\nHTTP/1.1 200 OK\n```\n```\n{ENVELOPE}\n```\n\n\
         ```\nPOST {{/* api */}}{{/* mysafe */}}{{/* password */}}{{/* active */}}/[identifier]\n```\n\n\
         ```\nHTTP/1.1 400 Bad Request\n```\n```\n{{\"response\": {{\"status\": 400}}, \"exception\": {{\"code\": 1005}}}}\n```\n"
    )
}

#[test]
fn bare_fences_two_operations_each_example_under_its_own_request_line() {
    let page = bare_fences_page();
    assert_eq!(
        check(&page),
        [
            "11: disable_password 200: accepted",
            "25: enable_password 400: accepted"
        ]
    );
}

fn mangled_fences_page() -> String {
    format!(
        "## title: POST | Disable password\n\n## Response\n\n `json\nHTTP/1.1 200 OK\n` \n\n`json\n{ENVELOPE}\n`\n"
    )
}

#[test]
fn fences_mangled_to_single_backticks() {
    let page = mangled_fences_page();
    // No request line at all (the export dropped it): the title names the operation.
    assert_eq!(check(&page), ["10: disable_password 200: accepted"]);
}

fn html_page() -> String {
    "<h1>POST | Enable note</h1>\n<p><code><span style=\"color:orange\">POST</code></span> \
                <code>/api/mysafe/note/active[identifier]</code></p>\n\
                <pre><code class=\"language-json\">HTTP/1.1 200 OK\n\
                {&quot;code&quot;: 200, &quot;response&quot;: {&quot;status&quot;: 200, \
                &quot;message&quot;: &quot;&lt;b&gt;ok&lt;/b&gt;&quot;}}</code></pre>\n"
        .to_owned()
}

#[test]
fn json_inside_html_with_entities() {
    let page = html_page();
    // The page's message is no enable message of the spec's: reported as new.
    assert_eq!(
        check(&page),
        [
            "4: enable_note 200: accepted, new: message /response/message in neither list of x-outcome-messages"
        ]
    );
}

fn scraped_page() -> String {
    format!(
        "POST | Disable password\n  • 1 minute to read\n\nRequest\n\nPOST api/mysafe/password/inactive/[identifier]\n\n\
         Example request\n\nPOST {{{{url}}}}api/mysafe/password/inactive/10\n\nResponse\n\nHTTP/1.1 200 OK\n{ENVELOPE}\nInfo\n\n\
         If the password is already inactive...\n"
    )
}

#[test]
fn scraped_text_without_fences() {
    let page = scraped_page();
    assert_eq!(check(&page), ["15: disable_password 200: accepted"]);
}

#[test]
fn two_examples_in_one_block_and_a_trailing_comment() {
    let page = "`POST` `api/mysafe/password/active/[identifier]`\n\n```\nHTTP/1.1 200 OK\n\
                {\"response\": {\"status\": 200}} // the usual answer\n\
                HTTP/1.1 400 Bad Request\n\
                {\"response\": {\"status\": 400}, \"exception\": {\"code\": 1006}}\n\
                {\"response\": {\"status\": 400}, \"exception\": {\"code\": 1005}}\n```\n";
    assert_eq!(
        check(page),
        [
            "5: enable_password 200: accepted",
            "7: enable_password 400: accepted",
            "8: enable_password 400: accepted"
        ]
    );
}

#[test]
fn a_page_with_no_example_is_reported() {
    assert_eq!(
        check("# First steps\n\nNothing to see.\n"),
        [" no JSON example"]
    );
}

#[test]
fn invalid_json_names_its_page_line() {
    let page = "`GET` `api/mysafe/password/[identifier]`\n\n```json\nHTTP/1.1 200 OK\n```\n```json\n{\n  \
                \"response\": {},\n  \"password_entity\": {\n    \"identifier\": \"1\",\n    \
                \"secret_key\": JBSWY3DPEHPK3PXP\n  }\n}\n```\n";
    assert_eq!(
        check(page),
        ["7: get_password 200: REJECTED: not valid JSON: line 11, column 19: expected value"]
    );
}

#[test]
fn invalid_json_that_is_only_missing_quotes_is_also_checked_with_them() {
    let page = "`GET` `api/mysafe/password/[identifier]`\n\n```json\nHTTP/1.1 200 OK\n```\n```json\n{\n  \
                \"response\": {},\n  \"password_entity\": {\n    \"identifier\": \"1\",\n    \
                \"secret_key\": JBSWY3DPEHPK3PXP,\n    \"token\": 452180\n  }\n}\n```\n";
    assert_eq!(
        check(page),
        [
            "7: get_password 200: REJECTED: not valid JSON: line 11, column 19: expected value; \
          with its bare words quoted, also /password_entity/token: expected null or string, found integer"
        ]
    );
}

#[test]
fn a_mismatch_names_the_pointer_and_the_reason_but_not_the_value() {
    let page = "`GET` `api/mysafe/password/[identifier]`\n\n```json\nHTTP/1.1 200 OK\n```\n```json\n\
                {\"response\": {}, \"password_entity\": {\"identifier\": \"1\", \"token\": 452180}}\n```\n";
    let report = check(page);
    assert_eq!(
        report,
        [
            "7: get_password 200: REJECTED: /password_entity/token: expected null or string, found integer"
        ]
    );
    assert!(
        !report[0].contains("452180"),
        "a secret's value leaked: {report:?}"
    );
}

#[test]
fn unknown_keys_are_accepted_as_new_and_missing_required_ones_are_rejected() {
    let page = "`POST` `api/mysafe/note`\n\n### Example request\n\n```json\n\
                {\"name\": \"n\", \"note\": \"x\", \"colour\": \"blue\"}\n```\n\n\
                ### Example request\n\n```json\n{\"name\": \"n\"}\n```\n";
    assert_eq!(
        check(page),
        [
            "6: create_note request: accepted, new: /colour",
            "12: create_note request: REJECTED: /: required property \"note\" is missing"
        ]
    );
}

#[test]
fn the_section_gives_the_status_when_no_status_line_does() {
    let page = "`GET` `/api/mysafe/password/197`\n\n## Response\n\n```json\n\
                {\"response\": {\"status\": 200}, \"password_entity\": {\"identifier\": \"197\"}}\n```\n\n\
                ## Errors\n\n```json\n{\"response\": {\"status\": 400}, \"exception\": {\"code\": 1005}}\n```\n\n\
                <summary><b><span style=\"color:red\">404</span> - Not Found</b>.</summary>\n\n\
                ```json\n{\"message\": \"no Route matched with those values\"}\n```\n";
    assert_eq!(
        check(page),
        [
            "6: get_password 200: accepted",
            "12: get_password 400: accepted",
            "18: get_password 404: accepted"
        ]
    );
}

#[test]
fn a_request_line_that_contradicts_the_example_request_is_settled_by_the_title() {
    let page = format!(
        "# POST | Enable API secret\n\n## Request\n\n`POST` `/api/mysafe/password/active/[identifier]`\n\n\
         ### Example request\n\n`POST` `{{{{url}}}}/api/mysafe/secretapi/active/5`\n\n## Response\n\n\
         ```json\nHTTP/1.1 200 OK\n```\n```json\n{ENVELOPE}\n```\n"
    );
    let report = check(&page);
    assert_eq!(report.len(), 2, "{report:?}");
    assert!(
        report[0].starts_with("9: note: the request line (line 5) says")
            && report[0].ends_with("using enable_api_secret, which the page title names"),
        "{report:?}"
    );
    assert_eq!(
        report[1],
        "17: enable_api_secret 200: accepted, new: message /response/message in neither list of x-outcome-messages"
    );
}

#[test]
fn a_method_the_spec_does_not_have_on_that_path_is_noted() {
    let page = "`POST` `api/mysafe/password/update/[identifier]`\n\n```json\nHTTP/1.1 200 OK\n```\n```json\n\
                {\"response\": {}, \"password_entity\": {\"identifier\": \"9\"}}\n```\n";
    assert_eq!(
        check(page),
        [
            "1: note: the page says POST, the spec has PUT /api/mysafe/password/update/{identifier} (update_password); using update_password",
            "7: update_password 200: accepted"
        ]
    );
}

#[test]
fn an_operation_the_spec_does_not_have_is_reported_as_such() {
    let page =
        "GET `/api/pam/device/14`\n\n```json\n{\"code\": 200, \"device\": {\"id\": \"14\"}}\n```\n";
    assert_eq!(check(page), ["4: not in the spec: GET /api/pam/device/14"]);
}

#[test]
fn a_markdown_link_is_not_an_example() {
    let page =
        "[Passwords](/v3-33/docs/api-mysafe-passwords)\n[\"a\" link\n{{url}}api/mysafe/note\n";
    assert_eq!(check(page), [" no JSON example"]);
}

/// Every committed fixture is accepted by the spec it is committed with.
#[test]
fn every_committed_fixture_is_valid_against_the_spec() {
    let root = crate::project_root();
    let manifest = manifest::Manifest::read(&root.join("openapi/examples/manifest.toml")).unwrap();
    let spec = spec();
    for entry in &manifest.entries {
        let text =
            std::fs::read_to_string(root.join("openapi/examples").join(&entry.file)).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let op = spec.operation(&entry.operation).unwrap();
        let schema = match entry.status {
            None => op.body.as_ref(),
            Some(status) => op.responses.get(&status).and_then(Option::as_ref),
        };
        let problems = spec.validate(schema.unwrap(), &value).unwrap();
        assert!(problems.is_empty(), "{}: {problems:?}", entry.file);
    }
}

pub(super) fn vendor_docs() -> Option<PathBuf> {
    let dir = crate::project_root().join("../shared/vendor-docs");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: {} is absent (CI and the maintainers have it beside the clone)",
            dir.display()
        );
        None
    }
}

/// The full `docs check` report on the vendor pages, pinned: a change of the spec
/// or of the extractor that moves a verdict shows up in review.
#[test]
fn the_vendor_pages_report_is_pinned() {
    let Some(dir) = vendor_docs() else { return };
    let pages = collect_pages(&[dir]).unwrap();
    let (report, summary) = check_pages(&spec(), &pages).unwrap();
    insta::assert_snapshot!(format!("{report}{summary}\n"));
}

/// Harvesting the seed pages again gives the committed seed fixtures and manifest
/// entries, byte for byte.
#[test]
fn harvesting_the_seed_pages_reproduces_the_committed_fixtures() {
    let Some(dir) = vendor_docs() else { return };
    let root = crate::project_root();
    let committed = manifest::Manifest::read(&root.join("openapi/examples/manifest.toml")).unwrap();
    let seed: Vec<_> = committed
        .entries
        .iter()
        .filter(|e| e.source.starts_with("seed-pages/"))
        .cloned()
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let manifest_path = tmp.path().join("manifest.toml");
    std::fs::write(&manifest_path, &committed.header).unwrap();
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.join("seed-pages"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    for page in pages {
        // Each seed page has its own doc version and language, which the manifest keeps.
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        let entry = seed
            .iter()
            .find(|e| e.source == format!("seed-pages/{name}"))
            .unwrap();
        let options = HarvestOptions {
            into: tmp.path().join("seed"),
            manifest: manifest_path.clone(),
            source_root: dir.clone(),
            doc_version: Some(entry.doc_version.clone()),
            language: Some(entry.language.clone()),
        };
        let outcome =
            harvest::harvest(&spec(), &collect_pages(&[page]).unwrap(), &options).unwrap();
        assert!(!outcome.needs_hand_work, "{}", outcome.report);
    }
    let harvested = manifest::Manifest::read(&manifest_path).unwrap();
    assert_eq!(harvested.entries, seed);
    let expected = manifest::Manifest {
        header: committed.header.clone(),
        entries: seed.clone(),
    };
    assert_eq!(
        std::fs::read_to_string(&manifest_path).unwrap(),
        expected.render()
    );
    for entry in &seed {
        let ours = std::fs::read(tmp.path().join(&entry.file)).unwrap();
        let theirs = std::fs::read(root.join("openapi/examples").join(&entry.file)).unwrap();
        assert!(
            ours == theirs,
            "{} differs from the committed fixture",
            entry.file
        );
    }
    let written = std::fs::read_dir(tmp.path().join("seed")).unwrap().count();
    assert_eq!(
        written,
        seed.len(),
        "harvest wrote fixtures the manifest does not list"
    );
}

/// Writes `pages` (name, text) into a fresh directory with an empty manifest.
pub(super) fn harvest_fixture_dir(
    pages: &[(&str, &str)],
) -> (tempfile::TempDir, HarvestOptions, Vec<PageFile>) {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs/v9.1-pt");
    std::fs::create_dir_all(&docs).unwrap();
    for (name, text) in pages {
        std::fs::write(docs.join(name), text).unwrap();
    }
    std::fs::create_dir_all(tmp.path().join("examples")).unwrap();
    std::fs::write(tmp.path().join("examples/manifest.toml"), "# fixtures\n\n").unwrap();
    let options = HarvestOptions {
        into: tmp.path().join("examples/v9.1-pt"),
        manifest: tmp.path().join("examples/manifest.toml"),
        source_root: tmp.path().join("docs"),
        doc_version: None,
        language: None,
    };
    let pages = collect_pages(&[docs]).unwrap();
    (tmp, options, pages)
}

#[test]
fn harvest_writes_fixtures_and_manifest_entries_from_every_format() {
    let two_in_html = "<h1>POST | Enable note</h1>\n<code>POST /api/mysafe/note/active/[identifier]</code>\n\
                       <pre><code>HTTP/1.1 400 Bad Request\n\
                       {&quot;response&quot;: {&quot;status&quot;: 400}, &quot;exception&quot;: {&quot;code&quot;: 1005}} // not found\n\
                       {&quot;response&quot;: {&quot;status&quot;: 400}, &quot;exception&quot;: {&quot;code&quot;: 1005}}\n\
                       </code></pre>\n";
    let create = "POST | Create note\n\nPOST api/mysafe/note\n\nExample request\n\n{\"name\": \"n\", \"note\": \"x\"}\n\
                  Response\n\nHTTP/1.1 201 CREATED\n{\"response\": {}, \"note_entity\": {\"identifier\": \"8\"}}\n";
    let (tmp, options, pages) = harvest_fixture_dir(&[
        ("Notes_enable.html", two_in_html),
        ("Notes_create.txt", create),
        ("Empty.md", "# Nothing here\n"),
    ]);
    let outcome = harvest::harvest(&spec(), &pages, &options).unwrap();
    assert!(!outcome.needs_hand_work, "{}", outcome.report);
    let manifest = manifest::Manifest::read(&options.manifest).unwrap();
    let files: Vec<(&str, &str, usize, Option<u16>)> = manifest
        .entries
        .iter()
        .map(|e| (e.file.as_str(), e.kind.as_str(), e.line, e.status))
        .collect();
    assert_eq!(
        files,
        [
            (
                "v9.1-pt/notes-create-create_note-request.json",
                "request",
                7,
                None
            ),
            (
                "v9.1-pt/notes-create-create_note-201.json",
                "response",
                11,
                Some(201)
            ),
            (
                "v9.1-pt/notes-enable-enable_note-400-1005.json",
                "response",
                4,
                Some(400)
            ),
            (
                "v9.1-pt/notes-enable-enable_note-400-1005-2.json",
                "response",
                5,
                Some(400)
            ),
        ]
    );
    assert!(
        manifest
            .entries
            .iter()
            .all(|e| e.doc_version == "9.1" && e.language == "pt")
    );
    assert_eq!(manifest.entries[0].source, "v9.1-pt/Notes_create.txt");
    // The fixture is the page's text; entities decoded, the trailing comment left out.
    let first_error = std::fs::read_to_string(
        tmp.path()
            .join("examples/v9.1-pt/notes-enable-enable_note-400-1005.json"),
    )
    .unwrap();
    assert_eq!(
        first_error,
        "{\"response\": {\"status\": 400}, \"exception\": {\"code\": 1005}}\n"
    );

    // A second harvest changes nothing.
    let before = std::fs::read_to_string(&options.manifest).unwrap();
    let again = harvest::harvest(&spec(), &pages, &options).unwrap();
    assert!(
        again.report.contains("0 fixtures written, 4 unchanged"),
        "{}",
        again.report
    );
    assert_eq!(std::fs::read_to_string(&options.manifest).unwrap(), before);
}

#[test]
fn harvest_skips_invalid_json_until_a_person_corrects_it() {
    let page = "`GET` `api/mysafe/note/[identifier]`\n\n```json\nHTTP/1.1 200 OK\n```\n```json\n\
                {\"response\": {}, \"note_entity\": {\"identifier\": 2}}\n```\n\
                ```json\nHTTP/1.1 400 Bad Request\n```\n```json\n{\"response\": {\"status\": 400}, oops}\n```\n";
    let (tmp, options, pages) = harvest_fixture_dir(&[("Note.md", page)]);
    let outcome = harvest::harvest(&spec(), &pages, &options).unwrap();
    assert!(outcome.needs_hand_work);
    assert!(
        outcome
            .report
            .contains("Note.md:13: get_note 400: SKIPPED: not valid JSON: line 13"),
        "{}",
        outcome.report
    );
    // A valid example the spec rejects is still harvested, with the verdict shown.
    assert!(
        outcome.report.contains(
            "but the spec REJECTS it: /note_entity/identifier: expected string, found integer"
        ),
        "{}",
        outcome.report
    );

    // The person writes the fixture and records the correction: harvest keeps it.
    let mut manifest = manifest::Manifest::read(&options.manifest).unwrap();
    let fixed = "v9.1-pt/note-get_note-400.json";
    std::fs::write(
        tmp.path().join("examples").join(fixed),
        "{\"response\": {\"status\": 400}}\n",
    )
    .unwrap();
    manifest.upsert(manifest::Entry {
        file: fixed.to_owned(),
        source: "v9.1-pt/Note.md".to_owned(),
        line: 13,
        doc_version: "9.1".to_owned(),
        language: "pt".to_owned(),
        operation: "get_note".to_owned(),
        kind: "response".to_owned(),
        status: Some(400),
        correction: Some("`oops` removed".to_owned()),
    });
    std::fs::write(&options.manifest, manifest.render()).unwrap();
    let outcome = harvest::harvest(&spec(), &pages, &options).unwrap();
    assert!(!outcome.needs_hand_work, "{}", outcome.report);
    assert!(
        outcome
            .report
            .contains("kept v9.1-pt/note-get_note-400.json (corrected by hand)")
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("examples").join(fixed)).unwrap(),
        "{\"response\": {\"status\": 400}}\n"
    );
}

#[test]
fn harvest_refuses_a_directory_outside_the_manifests() {
    let (tmp, mut options, pages) = harvest_fixture_dir(&[("Empty.md", "# x\n")]);
    options.into = tmp.path().join("elsewhere");
    let err = harvest::harvest(&spec(), &pages, &options).err().unwrap();
    assert!(err.to_string().contains("fixtures must go inside"), "{err}");
}

#[test]
fn pages_without_a_version_directory_need_the_options() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("manifest.toml"), "").unwrap();
    std::fs::write(
        tmp.path().join("page.md"),
        "`POST` `/api/mysafe/note/active/1`\n\n{\"response\": {}}\n",
    )
    .unwrap();
    let options = HarvestOptions {
        into: tmp.path().join("out"),
        manifest: tmp.path().join("manifest.toml"),
        source_root: tmp.path().to_path_buf(),
        doc_version: None,
        language: None,
    };
    let pages = collect_pages(&[tmp.path().join("page.md")]).unwrap();
    let err = harvest::harvest(&spec(), &pages, &options).err().unwrap();
    assert!(
        err.to_string()
            .contains("pass --doc-version and --language"),
        "{err}"
    );
}

#[test]
fn unusable_input_is_an_error_not_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = collect_pages(&[tmp.path().join("missing.md")])
        .err()
        .unwrap();
    assert!(missing.to_string().contains("cannot read"), "{missing}");
    let empty = collect_pages(&[tmp.path().to_path_buf()]).err().unwrap();
    assert!(empty.to_string().contains("no pages"), "{empty}");
    std::fs::write(tmp.path().join("bad.md"), [0xff, 0xfe, b'{']).unwrap();
    let binary = collect_pages(&[tmp.path().join("bad.md")]).err().unwrap();
    assert!(binary.to_string().contains("not UTF-8"), "{binary}");
}

#[test]
fn harvest_writes_one_fixture_per_example_from_each_page_format() {
    let (tmp, options, pages) = harvest_fixture_dir(&[
        ("fenced.md", &fenced_page()),
        ("bare.md", &bare_fences_page()),
        ("mangled.txt", &mangled_fences_page()),
        ("inline.html", &html_page()),
        ("scraped.txt", &scraped_page()),
    ]);
    let outcome = harvest::harvest(&spec(), &pages, &options).unwrap();
    assert!(!outcome.needs_hand_work, "{}", outcome.report);
    let manifest = manifest::Manifest::read(&options.manifest).unwrap();
    let files: Vec<&str> = manifest.entries.iter().map(|e| e.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "v9.1-pt/bare-disable_password-200.json",
            "v9.1-pt/bare-enable_password-400-1005.json",
            "v9.1-pt/fenced-disable_password-200.json",
            "v9.1-pt/inline-enable_note-200.json",
            "v9.1-pt/mangled-disable_password-200.json",
            "v9.1-pt/scraped-disable_password-200.json",
        ]
    );
    let read =
        |file: &str| std::fs::read_to_string(tmp.path().join("examples").join(file)).unwrap();
    for file in [&files[0], &files[2], &files[4], &files[5]] {
        assert_eq!(read(file), format!("{ENVELOPE}\n"), "{file}");
    }
    assert_eq!(
        read(files[3]),
        "{\"code\": 200, \"response\": {\"status\": 200, \"message\": \"<b>ok</b>\"}}\n"
    );
}

/// Whatever a page holds, reading it does not panic: odd markup, and every
/// truncation of the vendor pages.
#[test]
fn reading_any_text_does_not_panic() {
    let odd = [
        "{/*/}",
        "{/* a */",
        "{\"a\": [",
        "[{",
        "&#xFFFFFFFF; &#99999999; &;",
        "<",
        "<a",
        "HTTP/",
        "HTTP/1.1 9",
        "POST /",
        "`",
        "```",
        "{\"é\": é}",
        "{\"a\": b\u{e9}}",
        "400 -",
        "# ",
        "**",
        "{\"k\": x\ny}",
    ];
    for text in odd {
        let _ = extract::page(text);
    }
    let Some(dir) = vendor_docs() else { return };
    let spec = spec();
    for page in collect_pages(&[dir]).unwrap() {
        let text = &page.text;
        for cut in (0..text.len())
            .step_by(97)
            .filter(|&n| text.is_char_boundary(n))
        {
            let findings = locate::locate(&extract::page(&text[..cut]), &spec);
            for located in &findings.examples {
                check::verdict(&spec, &located.example, &located.target).unwrap();
            }
        }
    }
}
