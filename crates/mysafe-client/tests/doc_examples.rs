//! Pins the generated types against every JSON example of the vendor's docs.
//!
//! Each fixture in `openapi/examples/` is decoded into the generated type that the
//! spec gives its operation and status, and the typed value is snapshotted. A change
//! to the spec, the generator or the fixtures shows up as a snapshot diff to review
//! with `cargo insta review`.

mod common;

use std::collections::BTreeMap;

use common::{Example, SpecIndex, manifest};
use mysafe_client::types;
use serde_json::Value;

/// Decodes a fixture into the type named by the spec and returns the typed value's
/// `Debug` text and the value serialized back to JSON.
type Decoder = fn(&str) -> Result<(String, Value), serde_json::Error>;

fn decode<T>(text: &str) -> Result<(String, Value), serde_json::Error>
where
    T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    let typed: T = serde_json::from_str(text)?;
    Ok((format!("{typed:#?}"), serde_json::to_value(&typed)?))
}

/// The generated type for each schema a fixture can be decoded as. A schema that a
/// fixture needs and that is missing here fails the test with its name.
fn decoders() -> BTreeMap<&'static str, Decoder> {
    macro_rules! table {
        ($($name:ident),* $(,)?) => {
            BTreeMap::from([$((stringify!($name), decode::<types::$name> as Decoder)),*])
        };
    }
    table![
        ApiSecretListResponse,
        ApiSecretResponse,
        ApiSecretWriteResponse,
        CreateApiSecretRequest,
        CreateNoteRequest,
        CreatePasswordRequest,
        ErrorBody,
        NoteListResponse,
        NoteResponse,
        PasswordListResponse,
        PasswordResponse,
        StatusResponse,
        TokenRequest,
        TokenResponse,
        UpdateApiSecretRequest,
        UpdateNoteRequest,
        UpdatePasswordRequest,
    ]
}

/// Decodes one fixture, failing with its file name and the serde error.
fn decode_fixture(spec: &SpecIndex, example: &Example) -> (String, Value) {
    let schema = spec
        .schema_for(example)
        .unwrap_or_else(|e| panic!("{}: {e}", example.file));
    let decoder = decoders()
        .get(schema.as_str())
        .copied()
        .unwrap_or_else(|| panic!("{}: no decoder for schema {schema}", example.file));
    let text = std::fs::read_to_string(example.path())
        .unwrap_or_else(|e| panic!("{}: cannot read: {e}", example.file));
    decoder(&text).unwrap_or_else(|e| panic!("{}: does not decode as {schema}: {e}", example.file))
}

#[test]
fn every_fixture_decodes_into_its_generated_type() {
    let spec = SpecIndex::load();
    let examples = manifest();
    insta::glob!("../../../openapi/examples", "**/*.json", |path| {
        let example = examples
            .iter()
            .find(|e| e.path() == path)
            .unwrap_or_else(|| panic!("{}: fixture has no entry in manifest.toml", path.display()));
        let schema = spec.schema_for(example).unwrap();
        let (debug, _) = decode_fixture(&spec, example);
        insta::with_settings!({
            description => format!(
                "{} {} {} as {schema}; from {} line {} (docs {}, {}){}",
                example.operation,
                example.kind,
                example.status.map(|s| s.to_string()).unwrap_or_default(),
                example.source,
                example.line,
                example.doc_version,
                example.language,
                example
                    .correction
                    .as_deref()
                    .map(|c| format!("; corrected: {c}"))
                    .unwrap_or_default(),
            ),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(debug);
        });
    });
}

#[test]
fn every_manifest_entry_has_its_fixture() {
    let examples = manifest();
    assert!(!examples.is_empty());
    for example in &examples {
        assert!(
            example.path().is_file(),
            "manifest names a missing fixture: {}",
            example.file
        );
    }
    let mut files: Vec<_> = examples.iter().map(|e| e.file.as_str()).collect();
    files.sort();
    let total = files.len();
    files.dedup();
    assert_eq!(
        files.len(),
        total,
        "a fixture is listed twice in manifest.toml"
    );
}

/// Which keys of the doc examples the generated types do not carry back out. The
/// list is pinned: a spec change that starts dropping a documented key shows here.
#[test]
fn round_trip_losses_are_pinned() {
    let spec = SpecIndex::load();
    let mut report = String::new();
    for example in manifest() {
        let (_, reserialized) = decode_fixture(&spec, &example);
        let text = std::fs::read_to_string(example.path()).unwrap();
        let original: Value = serde_json::from_str(&text).unwrap();
        let mut losses = Vec::new();
        compare("", &original, &reserialized, &mut losses);
        for loss in losses {
            report.push_str(&format!("{}: {loss}\n", example.file));
        }
    }
    if report.is_empty() {
        report.push_str("no key is lost\n");
    }
    insta::assert_snapshot!(report);
}

/// Records what `after` lost or changed relative to `before`, by JSON pointer.
fn compare(at: &str, before: &Value, after: &Value, out: &mut Vec<String>) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            for (key, value) in b {
                let here = format!("{at}/{key}");
                match a.get(key) {
                    Some(other) => compare(&here, value, other, out),
                    None if value.is_null() => out.push(format!("{here}: null comes back absent")),
                    None if value.as_array().is_some_and(Vec::is_empty) => {
                        out.push(format!("{here}: [] comes back absent"))
                    }
                    None => out.push(format!("{here}: dropped")),
                }
            }
        }
        (Value::Array(b), Value::Array(a)) if b.len() == a.len() => {
            for (i, (x, y)) in b.iter().zip(a).enumerate() {
                compare(&format!("{at}/{i}"), x, y, out);
            }
        }
        _ if before == after => {}
        _ => out.push(format!("{at}: {before} comes back as {after}")),
    }
}

/// The API surface the spec defines, one line per operation, so that adding,
/// removing or retyping an operation is visible in review.
#[test]
fn api_surface_is_pinned() {
    let spec = SpecIndex::load();
    insta::assert_snapshot!(spec.surface());
}

/// The spec points at every fixture with an `externalValue`, and at nothing else.
#[test]
fn the_spec_references_every_fixture_and_only_fixtures() {
    let spec = std::fs::read_to_string(common::workspace_root().join("openapi/mysafe.yaml"))
        .expect("openapi/mysafe.yaml");
    let referenced: std::collections::BTreeSet<&str> = spec
        .lines()
        .filter_map(|l| l.trim().strip_prefix("externalValue: examples/"))
        .collect();
    let listed: std::collections::BTreeSet<String> =
        manifest().into_iter().map(|e| e.file).collect();
    let listed: std::collections::BTreeSet<&str> = listed.iter().map(String::as_str).collect();
    let unreferenced: Vec<_> = listed.difference(&referenced).collect();
    let dangling: Vec<_> = referenced.difference(&listed).collect();
    assert!(
        unreferenced.is_empty(),
        "fixtures no externalValue points at: {unreferenced:?}"
    );
    assert!(
        dangling.is_empty(),
        "externalValues naming no fixture of the manifest: {dangling:?}"
    );
}

/// Every operation has at least one doc example pinned.
#[test]
fn every_operation_has_a_fixture() {
    let spec = SpecIndex::load();
    let examples = manifest();
    let missing: Vec<&str> = spec
        .operation_ids()
        .into_iter()
        .filter(|id| !examples.iter().any(|e| e.operation == *id))
        .collect();
    assert!(
        missing.is_empty(),
        "operations without a fixture: {missing:?}"
    );
}
