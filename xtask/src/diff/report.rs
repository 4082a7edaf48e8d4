//! The report: verdict, and the changes as text, Markdown (a PR comment) or JSON.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::json;

use super::change::{Change, Class, Level, Rule};

/// The version bump a set of changes calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bump {
    None,
    Patch,
    Minor,
}

impl Bump {
    pub fn key(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
        }
    }
}

/// The versioning rule, printed with every verdict.
pub const BUMP_RULE: &str = "mysafe-client is 0.x: under Cargo's rules a breaking change \
    bumps the minor version (0.y.z -> 0.(y+1).0) and anything else the patch version; \
    a needs-review change counts as breaking until a reviewer clears it";

pub struct Report {
    /// Which base was used, e.g. "merge base of HEAD and `main` (abc1234)".
    pub base: String,
    /// Sorted: breaking first, then needs review, then compatible.
    pub changes: Vec<Change>,
}

impl Report {
    pub fn new(base: String, mut changes: Vec<Change>) -> Self {
        changes.sort();
        changes.dedup();
        Report { base, changes }
    }

    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    pub fn has_breaking(&self) -> bool {
        self.count(Class::Breaking) > 0
    }

    pub fn bump(&self) -> Bump {
        if self.has_breaking() || self.count(Class::NeedsReview) > 0 {
            Bump::Minor
        } else if self.changes.is_empty() {
            Bump::None
        } else {
            Bump::Patch
        }
    }

    fn summary(&self) -> String {
        format!(
            "{} breaking, {} needs review, {} compatible",
            self.count(Class::Breaking),
            self.count(Class::NeedsReview),
            self.count(Class::Compatible)
        )
    }

    fn level(&self, level: Level) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.level == level)
    }

    fn rules(&self) -> BTreeSet<Rule> {
        self.changes.iter().map(|c| c.rule).collect()
    }

    pub fn text(&self) -> String {
        if self.changes.is_empty() {
            return format!("no API changes (base: {})\n", plain(&self.base));
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "API changes against {}: {}",
            plain(&self.base),
            self.summary()
        );
        let _ = writeln!(out, "verdict: {} bump ({BUMP_RULE})", self.bump().key());
        for (level, title) in LEVELS {
            let _ = writeln!(out, "\n{}:", plain(title));
            let mut any = false;
            for c in self.level(level) {
                any = true;
                let _ = writeln!(
                    out,
                    "  {:<12}  {}: {}  [{}]",
                    c.class.label(),
                    plain(&c.subject),
                    c.detail,
                    c.rule.id()
                );
            }
            if !any {
                let _ = writeln!(out, "  no changes");
            }
        }
        let _ = writeln!(out, "\nrules:");
        for rule in self.rules() {
            let _ = writeln!(
                out,
                "  {} ({}): {}",
                rule.id(),
                rule.class().label(),
                rule.why()
            );
        }
        out
    }

    pub fn markdown(&self) -> String {
        if self.changes.is_empty() {
            return format!(
                "**API change report: no API changes** (base: {})\n",
                self.base
            );
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "**API change report: {} → {} bump** (base: {})\n",
            self.summary(),
            self.bump().key(),
            self.base
        );
        let _ = writeln!(out, "_{BUMP_RULE}._");
        for (level, title) in LEVELS {
            let _ = writeln!(out, "\n#### {title}\n");
            let rows: Vec<&Change> = self.level(level).collect();
            if rows.is_empty() {
                let _ = writeln!(out, "No changes.");
                continue;
            }
            let _ = writeln!(out, "| class | where | change | rule |");
            let _ = writeln!(out, "| --- | --- | --- | --- |");
            for c in rows {
                let class = match c.class {
                    Class::Breaking => "**breaking**".to_owned(),
                    other => other.label().to_owned(),
                };
                let detail = match level {
                    Level::Spec => cell(&c.detail),
                    Level::Rust => rust_detail(&c.detail),
                };
                let _ = writeln!(
                    out,
                    "| {class} | {} | {detail} | `{}` |",
                    subject(&c.subject),
                    c.rule.id()
                );
            }
        }
        let _ = writeln!(out, "\n<details><summary>Rules applied</summary>\n");
        for rule in self.rules() {
            let _ = writeln!(
                out,
                "- `{}` ({}): {}",
                rule.id(),
                rule.class().label(),
                rule.why()
            );
        }
        let _ = writeln!(out, "\n</details>");
        out
    }

    pub fn json(&self) -> String {
        let changes: Vec<_> = self
            .changes
            .iter()
            .map(|c| {
                json!({
                    "level": c.level.key(),
                    "class": c.class.key(),
                    "subject": plain(&c.subject),
                    "change": c.detail,
                    "rule": c.rule.id(),
                })
            })
            .collect();
        let rules: Vec<_> = self
            .rules()
            .into_iter()
            .map(|r| json!({ "id": r.id(), "class": r.class().key(), "why": r.why() }))
            .collect();
        let doc = json!({
            "base": plain(&self.base),
            "summary": {
                "breaking": self.count(Class::Breaking),
                "needs_review": self.count(Class::NeedsReview),
                "compatible": self.count(Class::Compatible),
            },
            "verdict": { "bump": self.bump().key(), "rule": BUMP_RULE },
            "changes": changes,
            "rules": rules,
        });
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
        s.push('\n');
        s
    }
}

const LEVELS: [(Level, &str); 2] = [
    (Level::Spec, "API (`openapi/mysafe.yaml`)"),
    (Level::Rust, "Rust API (`mysafe-client`)"),
];

/// Text without Markdown code marks.
fn plain(s: &str) -> String {
    s.replace('`', "")
}

/// Escapes what would end a table cell or be read as HTML.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn subject(s: &str) -> String {
    if s.contains('`') {
        cell(s)
    } else {
        format!("`{}`", s.replace('|', "\\|"))
    }
}

/// Rust signatures go in code spans, where `<` and `>` are literal.
fn rust_detail(detail: &str) -> String {
    let code = |s: &str| format!("`{}`", s.replace('|', "\\|"));
    for word in ["added", "removed"] {
        if detail == word || detail.starts_with(&format!("{word} (")) {
            return detail.to_owned();
        }
        if let Some(rest) = detail.strip_prefix(word).and_then(|r| r.strip_prefix(": ")) {
            return format!("{word}: {}", code(rest));
        }
    }
    // `old -> new`: one span, since a signature may itself contain `->`.
    code(detail)
}
