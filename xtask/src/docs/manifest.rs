//! `openapi/examples/manifest.toml`: where each fixture came from. Read with
//! `toml`, written by hand so that the layout (and the header comment) stays the
//! one a person wrote, and a harvest changes only the entries it means to.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use super::work;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub file: String,
    pub source: String,
    pub line: usize,
    pub doc_version: String,
    pub language: String,
    pub operation: String,
    pub kind: String,
    pub status: Option<u16>,
    pub correction: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// Everything before the first entry: the comment describing the fields.
    pub header: String,
    pub entries: Vec<Entry>,
}

impl Manifest {
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        Self::parse(&text).with_context(|| path.display().to_string())
    }

    pub fn parse(text: &str) -> Result<Self> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            example: Vec<Entry>,
        }
        let file: File = toml::from_str(text).context("not a valid manifest")?;
        let header = text[..text.find("[[example]]").unwrap_or(text.len())].to_owned();
        Ok(Self {
            header,
            entries: file.example,
        })
    }

    pub fn render(&self) -> String {
        let entries: Vec<String> = self.entries.iter().map(render_entry).collect();
        format!("{}{}", self.header, entries.join("\n"))
    }

    /// Adds `entry`, or replaces the entry for the same file in place.
    #[cfg(test)]
    pub fn upsert(&mut self, entry: Entry) {
        self.upsert_all([entry]);
    }

    /// Adds each of `entries`, or replaces the entry for the same file in place,
    /// finding entries by hash, so the work is linear in the number of entries.
    pub fn upsert_all(&mut self, entries: impl IntoIterator<Item = Entry>) {
        let mut by_file: HashMap<String, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(n, e)| (e.file.clone(), n))
            .collect();
        work::add(self.entries.len());
        for entry in entries {
            work::add(1);
            match by_file.get(&entry.file) {
                Some(&n) => self.entries[n] = entry,
                None => {
                    by_file.insert(entry.file.clone(), self.entries.len());
                    self.entries.push(entry);
                }
            }
        }
    }
}

fn render_entry(e: &Entry) -> String {
    let mut out = String::from("[[example]]\n");
    let mut field = |name: &str, value: String| out.push_str(&format!("{name} = {value}\n"));
    field("file", quote(&e.file));
    field("source", quote(&e.source));
    field("line", e.line.to_string());
    field("doc_version", quote(&e.doc_version));
    field("language", quote(&e.language));
    field("operation", quote(&e.operation));
    field("kind", quote(&e.kind));
    if let Some(status) = e.status {
        field("status", status.to_string());
    }
    if let Some(correction) = &e.correction {
        field("correction", quote(correction));
    }
    out
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_manifest_renders_back_byte_for_byte() {
        let path = crate::project_root().join("openapi/examples/manifest.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let manifest = Manifest::parse(&text).unwrap();
        assert!(!manifest.entries.is_empty());
        assert_eq!(manifest.render(), text);
    }

    #[test]
    fn corrections_with_quotes_survive_a_round_trip() {
        let mut manifest = Manifest::parse("# header\n\n").unwrap();
        manifest.upsert(Entry {
            file: "a.json".into(),
            source: "p.md".into(),
            line: 3,
            doc_version: "1".into(),
            language: "en".into(),
            operation: "op".into(),
            kind: "response".into(),
            status: Some(200),
            correction: Some(r#"`"token": 452180` quoted as "452180" \ ok"#.into()),
        });
        let again = Manifest::parse(&manifest.render()).unwrap();
        assert_eq!(again, manifest);
    }
}
