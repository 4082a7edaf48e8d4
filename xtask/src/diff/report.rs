//! The report: verdict, and the changes as text, Markdown (a PR comment), JSON, or
//! GitHub workflow annotations.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use serde_json::json;

use super::Document;
use super::change::{At, Change, Class, Level, Rule, Side};
use super::lines::LineIndex;
use super::oasdiff;

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
    /// Which head was used, e.g. "working tree".
    pub head: String,
    /// Sorted: breaking first, then needs review, then compatible.
    pub changes: Vec<Change>,
    /// Why the Rust API was not compared, when it was not (one line).
    pub rust_not_compared: Option<String>,
    /// The specs' paths relative to the repository root: base, head.
    files: [String; 2],
    /// The line of each change's location.
    lines: HashMap<At, usize>,
}

impl Report {
    pub fn new(base: String, head: String, changes: Vec<Change>) -> Self {
        let mut report = Report {
            base,
            head,
            changes: Vec::new(),
            rust_not_compared: None,
            files: [
                crate::spec::SPEC_PATH.to_owned(),
                crate::spec::SPEC_PATH.to_owned(),
            ],
            lines: HashMap::new(),
        };
        report.set_changes(changes);
        report
    }

    pub fn set_changes(&mut self, mut changes: Vec<Change>) {
        changes.sort();
        changes.dedup();
        self.changes = changes;
    }

    /// Finds the file and line of every change in the documents it came from.
    pub fn locate(&mut self, old: &Document, new: &Document) {
        self.files = [old.side.file.clone(), new.side.file.clone()];
        let mut index: [Option<LineIndex>; 2] = [None, None];
        for at in self.changes.iter().filter_map(|c| c.at.as_ref()) {
            let (slot, text) = match at.side {
                Side::Base => (0, &old.side.text),
                Side::Head => (1, &new.side.text),
            };
            let index = index[slot].get_or_insert_with(|| LineIndex::new(text));
            if let Some(line) = index.line(&at.pointer) {
                self.lines.insert(at.clone(), line);
            }
        }
    }

    /// The file and (when known) line a change is written at.
    fn place(&self, change: &Change) -> Option<(&str, Option<usize>)> {
        let at = change.at.as_ref()?;
        let file = match at.side {
            Side::Base => &self.files[0],
            Side::Head => &self.files[1],
        };
        Some((file, self.lines.get(at).copied()))
    }

    fn compared(&self) -> String {
        format!("base: {}; head: {}", self.base, self.head)
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
        let mut out = String::new();
        if let Some(reason) = &self.rust_not_compared {
            let _ = writeln!(out, "Rust API not compared: {reason}");
        }
        if self.changes.is_empty() {
            let _ = writeln!(out, "no API changes ({})", plain(&self.compared()));
            return out;
        }
        let _ = writeln!(
            out,
            "API changes from {} to {}: {}",
            plain(&self.base),
            plain(&self.head),
            self.summary()
        );
        let _ = writeln!(out, "verdict: {} bump ({BUMP_RULE})", self.bump().key());
        for (level, title) in self.levels() {
            let _ = writeln!(out, "\n{}:", plain(&title));
            if let (Level::Rust, Some(reason)) = (level, &self.rust_not_compared) {
                let _ = writeln!(out, "  not compared: {reason}");
                continue;
            }
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
            let _ = writeln!(out, "  {}", rule_line(rule));
        }
        out
    }

    pub fn markdown(&self) -> String {
        let not_compared = self
            .rust_not_compared
            .as_ref()
            .map(|reason| format!("**Rust API not compared:** {}\n\n", cell(reason)))
            .unwrap_or_default();
        if self.changes.is_empty() {
            return format!(
                "**API change report: no API changes** ({})\n\n{not_compared}",
                self.compared()
            )
            .trim_end()
            .to_owned()
                + "\n";
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "**API change report: {} → {} bump** ({})\n",
            self.summary(),
            self.bump().key(),
            self.compared()
        );
        out.push_str(&not_compared);
        let _ = writeln!(out, "_{BUMP_RULE}._");
        for (level, title) in self.levels() {
            let _ = writeln!(out, "\n#### {title}\n");
            if let (Level::Rust, Some(reason)) = (level, &self.rust_not_compared) {
                let _ = writeln!(out, "Not compared: {}.", cell(reason));
                continue;
            }
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
            let _ = write!(
                out,
                "- `{}` ({}): {}",
                rule.id(),
                rule.class().label(),
                rule.why()
            );
            if let Some(why) = oasdiff::differs(rule) {
                let _ = write!(out, ". _Differs from oasdiff:_ {why}");
            }
            out.push('\n');
        }
        let _ = writeln!(out, "\n</details>");
        out
    }

    pub fn json(&self) -> String {
        let changes: Vec<_> = self
            .changes
            .iter()
            .map(|c| {
                let location = c.at.as_ref().zip(self.place(c)).map(|(at, (file, line))| {
                    json!({
                        "side": at.side.key(),
                        "file": file,
                        "pointer": at.pointer,
                        "line": line,
                    })
                });
                json!({
                    "level": c.level.key(),
                    "class": c.class.key(),
                    "subject": plain(&c.subject),
                    "change": c.detail,
                    "rule": c.rule.id(),
                    "location": location,
                })
            })
            .collect();
        let rules: Vec<_> = self
            .rules()
            .into_iter()
            .map(|r| {
                json!({
                    "id": r.id(),
                    "class": r.class().key(),
                    "why": r.why(),
                    "differs_from_oasdiff": oasdiff::differs(r),
                })
            })
            .collect();
        let doc = json!({
            "base": plain(&self.base),
            "head": plain(&self.head),
            "files": { "base": self.files[0], "head": self.files[1] },
            "rust_api": {
                "compared": self.rust_not_compared.is_none(),
                "reason": self.rust_not_compared,
            },
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

impl Report {
    /// One workflow command per change (`::error`, `::warning`, `::notice` for
    /// breaking, needs review, compatible), on the line of the spec it is about.
    pub fn github(&self) -> String {
        let mut out = String::new();
        if let Some(reason) = &self.rust_not_compared {
            let _ = writeln!(
                out,
                "::warning title=Rust API not compared::{}",
                escape_data(reason)
            );
        }
        if self.changes.is_empty() {
            let _ = writeln!(
                out,
                "::notice title=API diff::{}",
                escape_data(&format!("no API changes ({})", plain(&self.compared())))
            );
            return out;
        }
        for c in &self.changes {
            let command = match c.class {
                Class::Breaking => "error",
                Class::NeedsReview => "warning",
                Class::Compatible => "notice",
            };
            let mut props = Vec::new();
            let (file, line) = self.place(c).unwrap_or((&self.files[1], None));
            props.push(format!("file={}", escape_property(file)));
            if let Some(line) = line {
                props.push(format!("line={line}"));
            }
            props.push(format!("title={}", escape_property(c.rule.id())));
            let message = format!("{}: {}", plain(&c.subject), c.detail);
            let _ = writeln!(
                out,
                "::{command} {}::{}",
                props.join(","),
                escape_data(&message)
            );
        }
        out
    }

    fn levels(&self) -> [(Level, String); 2] {
        [
            (Level::Spec, format!("API (`{}`)", self.files[1])),
            (Level::Rust, "Rust API (`mysafe-client`)".to_owned()),
        ]
    }
}

/// A workflow command's message: `%`, CR and LF escaped, as GitHub requires.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: its message escapes, and `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `id (class): why`, and how it differs from oasdiff when it does.
fn rule_line(rule: Rule) -> String {
    let mut line = format!("{} ({}): {}", rule.id(), rule.class().label(), rule.why());
    if let Some(why) = oasdiff::differs(rule) {
        line.push_str(&format!(" [differs from oasdiff: {why}]"));
    }
    line
}

/// Every rule, the oasdiff rule ids it covers, and what oasdiff detects that the
/// rules do not (`cargo xtask diff --list-rules`).
pub fn rules_list() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} rules; they cover {} oasdiff rule ids.\n",
        Rule::ALL.len(),
        oasdiff::covered()
    );
    for &rule in Rule::ALL {
        let _ = writeln!(out, "{}", rule_line(rule));
        let ids: Vec<String> = oasdiff::ids_of(rule)
            .map(|(id, level)| format!("{id} ({})", level.key()))
            .collect();
        if !ids.is_empty() {
            let _ = writeln!(out, "    oasdiff: {}", ids.join(", "));
        }
    }
    let _ = writeln!(out, "\nnot detected (oasdiff detects them):");
    for class in oasdiff::UNDETECTED {
        let _ = writeln!(out, "  - {class}");
    }
    out
}

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
