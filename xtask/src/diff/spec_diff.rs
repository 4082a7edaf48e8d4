//! Spec level: compares two OpenAPI 3.0 documents operation by operation.
//!
//! The comparison walks the documents' JSON, because the rules are about keywords
//! (`required`, `nullable`, `enum`, `maxLength`, ...) and a generic walk sees every
//! keyword. It needs nothing but a 3.0 document: no `operationId`, no single success
//! schema, no `responses` object is required, and a `$ref` that points nowhere is
//! compared as written. Operations are matched by method and path template, with the
//! names of path parameters left out (`/items/{id}` is `/items/{item_id}`), and named
//! by their `operationId` when they have one.
//!
//! Every change carries the JSON pointer of the node it is about, in the head
//! document, or in the base for what the head no longer has.
//!
//! oxidecomputer's `drift` was considered: it reads `openapiv3` 2.x (whose strict
//! types refuse documents this walk reads, such as `responses: null`), it reports any
//! change inside a string schema (an enum value, a format) as one "unhandled" change,
//! and it does not compare security requirements.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::change::{At, Change, Direction, Level, Rule, Side};
use super::lines::join;
use crate::spec::METHODS;

mod schema;

/// Every difference between `old` and `new` that a client of the API can notice.
pub fn compare(old: &Value, new: &Value) -> Vec<Change> {
    let mut cmp = Comparer {
        old,
        new,
        changes: BTreeSet::new(),
        visited: BTreeSet::new(),
        depth: 0,
    };
    let (o, n) = (Node::root(old), Node::root(new));
    cmp.operations(&o, &n);
    cmp.servers(&o, &n, "`servers`");
    cmp.security_schemes(&o, &n);
    let (ov, nv) = (o.at(&["info", "version"]), n.at(&["info", "version"]));
    if ov.as_ref().map(|v| v.v) != nv.as_ref().map(|v| v.v) {
        let detail = format!(
            "{} -> {}",
            show_opt(ov.as_ref().map(|v| v.v)),
            show_opt(nv.as_ref().map(|v| v.v))
        );
        cmp.push(
            Rule::ApiVersionChanged,
            "`info.version`",
            detail,
            ov.as_ref().or(o.get("info").as_ref()),
            nv.as_ref().or(n.get("info").as_ref()),
        );
    }
    cmp.changes.into_iter().collect()
}

/// A node of one side's document and its JSON pointer.
#[derive(Clone, Debug)]
pub(super) struct Node<'a> {
    pub v: &'a Value,
    pub p: String,
}

impl<'a> Node<'a> {
    fn root(v: &'a Value) -> Self {
        Node {
            v,
            p: String::new(),
        }
    }

    /// The member `key` of an object node.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        let v = self.v.as_object()?.get(key)?;
        Some(Node {
            v,
            p: join(&self.p, key),
        })
    }

    fn at(&self, keys: &[&str]) -> Option<Node<'a>> {
        keys.iter().try_fold(self.clone(), |n, k| n.get(k))
    }

    /// The members of an object node (none for anything else, `null` included).
    pub fn entries(&self) -> Vec<(&'a str, Node<'a>)> {
        let Some(map) = self.v.as_object() else {
            return Vec::new();
        };
        map.iter()
            .map(|(k, v)| {
                let p = join(&self.p, k);
                (k.as_str(), Node { v, p })
            })
            .collect()
    }

    /// The items of an array node.
    pub fn items(&self) -> Vec<Node<'a>> {
        let Some(list) = self.v.as_array() else {
            return Vec::new();
        };
        list.iter()
            .enumerate()
            .map(|(i, v)| Node {
                v,
                p: join(&self.p, &i.to_string()),
            })
            .collect()
    }

    /// Follows local `$ref`s; a reference that points nowhere (or outside the
    /// document) stays as it is. Bounded, so a reference cycle ends.
    pub fn resolve(self, doc: &'a Value) -> Node<'a> {
        let mut node = self;
        for _ in 0..16 {
            let Some(pointer) = ref_pointer(node.v) else {
                return node;
            };
            match doc.pointer(pointer) {
                Some(v) => {
                    node = Node {
                        v,
                        p: pointer.to_owned(),
                    }
                }
                None => return node,
            }
        }
        node
    }

    pub fn is_true(&self, key: &str) -> bool {
        is_true(self.v, key)
    }
}

/// The JSON pointer of a local `$ref` (`#/components/...`).
pub(super) fn ref_pointer(v: &Value) -> Option<&str> {
    v.get("$ref")?.as_str()?.strip_prefix('#')
}

pub(super) struct Comparer<'a> {
    pub old: &'a Value,
    pub new: &'a Value,
    // A set: a schema shared by many operations reports each change once.
    changes: BTreeSet<Change>,
    // Pairs of referenced schemas already compared, per direction; this also ends
    // the walk through recursive schemas, renamed ones included.
    pub visited: BTreeSet<(String, String, Direction)>,
    // How deep the schema walk is, so that a document nested without end cannot
    // exhaust the stack.
    pub depth: usize,
}

/// An operation and where it lives.
struct Operation<'a> {
    method: &'static str,
    path: &'a str,
    item: Node<'a>,
    op: Node<'a>,
}

impl Operation<'_> {
    fn id(&self) -> Option<&str> {
        self.op.v.get("operationId").and_then(Value::as_str)
    }

    fn shown(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }
}

/// `/items/{}` for `/items/{id}`: the template without its parameter names.
fn path_key(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                out.push('{');
            }
            '}' => {
                in_name = false;
                out.push('}');
            }
            _ if in_name => {}
            c => out.push(c),
        }
    }
    out
}

/// The names of the path template's parameters, in order.
fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
        .collect()
}

/// Operations keyed by method and path template (parameter names left out).
fn operations<'a>(doc: &'a Value) -> BTreeMap<(String, &'static str), Operation<'a>> {
    let mut ops = BTreeMap::new();
    let root = Node::root(doc);
    let Some(paths) = root.get("paths") else {
        return ops;
    };
    for (path, item) in paths.entries() {
        let item = item.resolve(doc);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            if !op.v.is_object() {
                continue;
            }
            let mut key = (path_key(path), method);
            if ops.contains_key(&key) {
                // Two templates that differ only in parameter names: keep both.
                key.0 = path.to_owned();
            }
            let item = item.clone();
            ops.insert(
                key,
                Operation {
                    method,
                    path,
                    item,
                    op,
                },
            );
        }
    }
    ops
}

pub(super) fn is_true(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn code(v: &(impl std::fmt::Display + ?Sized)) -> String {
    format!("`{v}`")
}

impl<'a> Comparer<'a> {
    /// Records a change, located at the head's node or, without one, the base's.
    pub fn push(
        &mut self,
        rule: Rule,
        subject: &str,
        detail: impl Into<String>,
        old: Option<&Node<'_>>,
        new: Option<&Node<'_>>,
    ) {
        let at = match (new, old) {
            (Some(n), _) => Some(At {
                side: Side::Head,
                pointer: n.p.clone(),
            }),
            (None, Some(o)) => Some(At {
                side: Side::Base,
                pointer: o.p.clone(),
            }),
            (None, None) => None,
        };
        self.changes
            .insert(Change::new(Level::Spec, rule, subject, detail).at(at));
    }

    /// `deprecated` set or withdrawn on an operation, parameter or schema.
    pub fn deprecation(&mut self, o: &Node<'_>, n: &Node<'_>, subject: &str) {
        match (o.is_true("deprecated"), n.is_true("deprecated")) {
            (false, true) => {
                let at = n.get("deprecated");
                self.push(
                    Rule::Deprecated,
                    subject,
                    "deprecated",
                    Some(o),
                    at.as_ref(),
                );
            }
            (true, false) => self.push(
                Rule::Reactivated,
                subject,
                "no longer deprecated",
                Some(o),
                Some(n),
            ),
            _ => {}
        }
    }

    fn operations(&mut self, o: &Node<'a>, n: &Node<'a>) {
        let mut old_ops = operations(self.old);
        let mut new_ops = operations(self.new);
        let keys: Vec<_> = old_ops.keys().cloned().collect();
        let mut matched = Vec::new();
        for key in keys {
            if new_ops.contains_key(&key) {
                let (Some(a), Some(b)) = (old_ops.remove(&key), new_ops.remove(&key)) else {
                    continue;
                };
                matched.push((a, b));
            }
        }
        // What is left on both sides with the same id has moved.
        let moved: Vec<_> = old_ops
            .iter()
            .filter_map(|(ok, op)| {
                let id = op.id()?;
                let nk = new_ops.iter().find(|(_, n)| n.id() == Some(id))?.0.clone();
                Some((ok.clone(), nk))
            })
            .collect();
        for (ok, nk) in moved {
            let (Some(a), Some(b)) = (old_ops.remove(&ok), new_ops.remove(&nk)) else {
                continue;
            };
            let subject = format!("operation {}", code(a.id().unwrap_or_default()));
            let detail = format!("moved from {} to {}", a.shown(), b.shown());
            self.push(
                Rule::OperationMoved,
                &subject,
                detail,
                Some(&a.op),
                Some(&b.op),
            );
            matched.push((a, b));
        }
        for a in old_ops.values() {
            let subject = format!("operation {}", code(a.id().unwrap_or(&a.shown())));
            let at = Some(&a.op);
            self.push(
                Rule::OperationRemoved,
                &subject,
                format!("removed ({})", a.shown()),
                at,
                None,
            );
        }
        for b in new_ops.values() {
            let subject = format!("operation {}", code(b.id().unwrap_or(&b.shown())));
            let detail = format!("added ({})", b.shown());
            self.push(Rule::OperationAdded, &subject, detail, None, Some(&b.op));
        }
        for (a, b) in &matched {
            self.operation(a, b, o, n);
        }
    }

    fn operation(&mut self, a: &Operation<'a>, b: &Operation<'a>, o: &Node<'a>, n: &Node<'a>) {
        let name = b.id().or(a.id()).map_or_else(|| b.shown(), str::to_owned);
        let subject = format!("operation {}", code(&name));
        if a.id() != b.id() && (a.method, a.path) == (b.method, b.path) {
            let detail = format!(
                "operationId {} -> {}",
                a.id().unwrap_or("(none)"),
                b.id().unwrap_or("(none)")
            );
            let at = b.op.get("operationId");
            self.push(
                Rule::OperationIdChanged,
                &subject,
                detail,
                Some(&a.op),
                at.as_ref(),
            );
        }
        let (old_names, new_names) = (template_names(a.path), template_names(b.path));
        if old_names != new_names && old_names.len() == new_names.len() {
            for (x, y) in old_names.iter().zip(&new_names).filter(|(x, y)| x != y) {
                self.push(
                    Rule::PathParameterRenamed,
                    &format!("{subject}: path parameter {}", code(y)),
                    format!("renamed from `{x}` ({} -> {})", a.path, b.path),
                    Some(&a.item),
                    Some(&b.item),
                );
            }
        }
        self.deprecation(&a.op, &b.op, &subject);
        self.parameters(&subject, a, b);
        self.request_body(&subject, &a.op, &b.op);
        self.responses(&subject, &a.op, &b.op);
        self.security(&subject, &a.op, &b.op);
        let own_servers = |op: &Operation<'a>| op.op.get("servers").or(op.item.get("servers"));
        if own_servers(a).is_some() || own_servers(b).is_some() {
            let (os, ns) = (
                own_servers(a).unwrap_or_else(|| o.clone()),
                own_servers(b).unwrap_or_else(|| n.clone()),
            );
            // `servers` of the document itself when the operation has none.
            let pick = |node: Node<'a>| -> Node<'a> {
                if node.p.ends_with("/servers") {
                    node
                } else {
                    node.get("servers").unwrap_or(node)
                }
            };
            self.server_lists(&pick(os), &pick(ns), &format!("{subject}: servers"));
        }
    }

    fn parameters(&mut self, subject: &str, a: &Operation<'a>, b: &Operation<'a>) {
        let old = parameters(self.old, a);
        let new = parameters(self.new, b);
        let name_of = |key: &(String, String), op: &Operation<'_>| -> String {
            match key
                .1
                .strip_prefix('#')
                .and_then(|i| i.parse::<usize>().ok())
            {
                Some(i) => template_names(op.path)
                    .get(i)
                    .map_or_else(|| key.1.clone(), |s| (*s).to_owned()),
                None => key.1.clone(),
            }
        };
        for (key, op) in &old {
            let shown = name_of(key, b);
            let subject = format!("{subject}: {} parameter {}", key.0, code(&shown));
            let Some(np) = new.get(key) else {
                self.push(Rule::ParameterRemoved, &subject, "removed", Some(op), None);
                continue;
            };
            let required = |p: &Node<'_>| p.is_true("required") || key.0 == "path";
            match (required(op), required(np)) {
                (false, true) => self.push(
                    Rule::ParameterMadeRequired,
                    &subject,
                    "made required",
                    Some(op),
                    np.get("required").as_ref().or(Some(np)),
                ),
                (true, false) => self.push(
                    Rule::ParameterMadeOptional,
                    &subject,
                    "made optional",
                    Some(op),
                    Some(np),
                ),
                _ => {}
            }
            self.deprecation(op, np, &subject);
            self.serialization(op, np, &key.0, &subject);
            if let (Some(os), Some(ns)) = (parameter_schema(op), parameter_schema(np)) {
                self.schema(&os, &ns, &subject, Direction::Request);
            }
        }
        for (key, np) in &new {
            if old.contains_key(key) {
                continue;
            }
            let shown = name_of(key, b);
            let subject = format!("{subject}: {} parameter {}", key.0, code(&shown));
            if np.is_true("required") || key.0 == "path" {
                self.push(
                    Rule::RequiredParameterAdded,
                    &subject,
                    "added, required",
                    None,
                    Some(np),
                );
            } else {
                self.push(
                    Rule::OptionalParameterAdded,
                    &subject,
                    "added, optional",
                    None,
                    Some(np),
                );
            }
        }
    }

    /// `style`, `explode` and `allowReserved`, compared as the methods in effect
    /// (writing out a default is no change; explode makes no difference to a
    /// single value).
    fn serialization(&mut self, o: &Node<'a>, n: &Node<'a>, place: &str, subject: &str) {
        let (os, oe) = serialization(o.v, place);
        let (ns, ne) = serialization(n.v, place);
        if os != ns {
            let at = n.get("style");
            self.push(
                Rule::ParameterStyleChanged,
                subject,
                format!("style {os} -> {ns}"),
                Some(o),
                at.as_ref().or(Some(n)),
            );
        } else if oe != ne {
            let scalar = |p: &Node<'a>, doc: &'a Value| {
                parameter_schema(p).is_some_and(|s| is_scalar(s.resolve(doc).v))
            };
            if !(scalar(o, self.old) && scalar(n, self.new)) {
                let at = n.get("explode");
                self.push(
                    Rule::ParameterExplodeChanged,
                    subject,
                    format!("explode {oe} -> {ne}"),
                    Some(o),
                    at.as_ref().or(Some(n)),
                );
            }
        }
        if place == "query" {
            match (o.is_true("allowReserved"), n.is_true("allowReserved")) {
                (false, true) => self.push(
                    Rule::AllowReservedAdded,
                    subject,
                    "allowReserved set",
                    Some(o),
                    n.get("allowReserved").as_ref(),
                ),
                (true, false) => self.push(
                    Rule::AllowReservedRemoved,
                    subject,
                    "allowReserved unset",
                    Some(o),
                    Some(n),
                ),
                _ => {}
            }
        }
    }

    fn request_body(&mut self, subject: &str, o: &Node<'a>, n: &Node<'a>) {
        let subject = format!("{subject}: request body");
        let ob = o.get("requestBody").map(|b| b.resolve(self.old));
        let nb = n.get("requestBody").map(|b| b.resolve(self.new));
        match (ob, nb) {
            (None, None) => {}
            (Some(ob), None) => self.push(
                Rule::RequestBodyRemoved,
                &subject,
                "removed",
                Some(&ob),
                None,
            ),
            (None, Some(nb)) => {
                let rule = if nb.is_true("required") {
                    (Rule::RequestBodyAddedRequired, "added, required")
                } else {
                    (Rule::RequestBodyAddedOptional, "added, optional")
                };
                self.push(rule.0, &subject, rule.1, None, Some(&nb));
            }
            (Some(ob), Some(nb)) => {
                match (ob.is_true("required"), nb.is_true("required")) {
                    (false, true) => self.push(
                        Rule::RequestBodyMadeRequired,
                        &subject,
                        "made required",
                        Some(&ob),
                        nb.get("required").as_ref(),
                    ),
                    (true, false) => self.push(
                        Rule::RequestBodyMadeOptional,
                        &subject,
                        "made optional",
                        Some(&ob),
                        Some(&nb),
                    ),
                    _ => {}
                }
                self.content(&ob, &nb, &subject, Direction::Request);
            }
        }
    }

    /// Compares the media types of a body and the schemas of those on both sides.
    fn content(&mut self, o: &Node<'a>, n: &Node<'a>, subject: &str, dir: Direction) {
        let oc = o.get("content");
        let nc = n.get("content");
        let old: BTreeMap<&str, Node<'a>> = oc.iter().flat_map(|c| c.entries()).collect();
        let new: BTreeMap<&str, Node<'a>> = nc.iter().flat_map(|c| c.entries()).collect();
        let (removed, added, schema_added, schema_removed) = match dir {
            Direction::Request => (
                Rule::RequestMediaTypeRemoved,
                Rule::RequestMediaTypeAdded,
                Rule::RequestSchemaAdded,
                Rule::RequestSchemaRemoved,
            ),
            Direction::Response => (
                Rule::ResponseMediaTypeRemoved,
                Rule::ResponseMediaTypeAdded,
                Rule::ResponseSchemaAdded,
                Rule::ResponseSchemaRemoved,
            ),
        };
        for (media, om) in &old {
            let Some(nm) = new.get(media) else {
                let detail = format!("content type {media} removed");
                self.push(removed, subject, detail, Some(om), None);
                continue;
            };
            match (om.get("schema"), nm.get("schema")) {
                (Some(os), Some(ns)) => self.schema(&os, &ns, subject, dir),
                (None, Some(ns)) => {
                    let detail = format!("content type {media}: schema added");
                    self.push(schema_added, subject, detail, Some(om), Some(&ns));
                }
                (Some(os), None) => {
                    let detail = format!("content type {media}: schema removed");
                    self.push(schema_removed, subject, detail, Some(&os), Some(nm));
                }
                (None, None) => {}
            }
        }
        for (media, nm) in &new {
            if !old.contains_key(media) {
                let detail = format!("content type {media} added");
                self.push(added, subject, detail, None, Some(nm));
            }
        }
    }

    fn responses(&mut self, subject: &str, o: &Node<'a>, n: &Node<'a>) {
        let old: BTreeMap<&str, Node<'a>> = o
            .get("responses")
            .iter()
            .flat_map(|r| r.entries())
            .collect();
        let new: BTreeMap<&str, Node<'a>> = n
            .get("responses")
            .iter()
            .flat_map(|r| r.entries())
            .collect();
        for (status, resp) in &old {
            let subject = format!("{subject}: response {status}");
            let success = status.starts_with('2');
            let Some(nresp) = new.get(status) else {
                let rule = if success {
                    Rule::SuccessResponseRemoved
                } else {
                    Rule::ErrorResponseRemoved
                };
                self.push(rule, &subject, "removed", Some(resp), None);
                continue;
            };
            let ob = resp.clone().resolve(self.old);
            let nb = nresp.clone().resolve(self.new);
            match (has_body(ob.v), has_body(nb.v)) {
                (true, false) => self.push(
                    Rule::ResponseBodyRemoved,
                    &subject,
                    "body removed",
                    Some(&ob),
                    Some(&nb),
                ),
                (false, true) => {
                    let at = nb.get("content");
                    self.push(
                        Rule::ResponseBodyAdded,
                        &subject,
                        "body added",
                        Some(&ob),
                        at.as_ref(),
                    )
                }
                _ => self.content(&ob, &nb, &subject, Direction::Response),
            }
            self.headers(&ob, &nb, &subject);
        }
        for (status, nresp) in &new {
            if old.contains_key(status) {
                continue;
            }
            let subject = format!("{subject}: response {status}");
            let rule = if status.starts_with('2') {
                Rule::SuccessResponseAdded
            } else {
                Rule::ErrorResponseAdded
            };
            self.push(rule, &subject, "added", None, Some(nresp));
        }
    }

    /// Response headers, whose names are case-insensitive.
    fn headers(&mut self, o: &Node<'a>, n: &Node<'a>, subject: &str) {
        let collect = |resp: &Node<'a>, doc: &'a Value| -> BTreeMap<String, (String, Node<'a>)> {
            resp.get("headers")
                .iter()
                .flat_map(|h| h.entries())
                .map(|(name, h)| (name.to_lowercase(), (name.to_owned(), h.resolve(doc))))
                .collect()
        };
        let old = collect(o, self.old);
        let new = collect(n, self.new);
        for (key, (name, oh)) in &old {
            let Some((new_name, nh)) = new.get(key) else {
                let subject = format!("{subject}: header {}", code(name));
                let rule = if oh.is_true("required") {
                    Rule::RequiredResponseHeaderRemoved
                } else {
                    Rule::OptionalResponseHeaderRemoved
                };
                self.push(rule, &subject, "removed", Some(oh), None);
                continue;
            };
            let subject = format!("{subject}: header {}", code(new_name));
            match (oh.is_true("required"), nh.is_true("required")) {
                (true, false) => self.push(
                    Rule::ResponseHeaderMadeOptional,
                    &subject,
                    "made optional",
                    Some(oh),
                    Some(nh),
                ),
                (false, true) => self.push(
                    Rule::ResponseHeaderMadeRequired,
                    &subject,
                    "made required",
                    Some(oh),
                    nh.get("required").as_ref(),
                ),
                _ => {}
            }
            self.deprecation(oh, nh, &subject);
            if let (Some(os), Some(ns)) = (oh.get("schema"), nh.get("schema")) {
                self.schema(&os, &ns, &subject, Direction::Response);
            }
        }
        for (key, (name, nh)) in &new {
            if !old.contains_key(key) {
                let subject = format!("{subject}: header {}", code(name));
                let detail = if nh.is_true("required") {
                    "added, required"
                } else {
                    "added, optional"
                };
                self.push(Rule::ResponseHeaderAdded, &subject, detail, None, Some(nh));
            }
        }
    }

    fn security(&mut self, subject: &str, o: &Node<'a>, n: &Node<'a>) {
        let old = effective_security(self.old, o);
        let new = effective_security(self.new, n);
        let subject = format!("{subject}: security");
        match (old, new) {
            (None, None) => {}
            (Some((oa, on)), None) => {
                let detail = format!("{} -> none", show_security(&oa));
                // On the head operation's `security: []`, or the operation itself.
                let at = n.get("security").unwrap_or_else(|| n.clone());
                self.push(
                    Rule::SecurityRemoved,
                    &subject,
                    detail,
                    Some(&on),
                    Some(&at),
                );
            }
            (None, Some((na, nn))) => {
                let detail = format!("none -> {}", show_security(&na));
                self.push(Rule::SecurityAdded, &subject, detail, Some(o), Some(&nn));
            }
            (Some((oa, on)), Some((na, nn))) => {
                for (schemes, scopes) in &oa {
                    let Some(new_scopes) = na.get(schemes) else {
                        let detail = format!("{} removed", show_alternative(schemes));
                        self.push(
                            Rule::SecurityAlternativeRemoved,
                            &subject,
                            detail,
                            Some(&on),
                            Some(&nn),
                        );
                        continue;
                    };
                    for (scheme, old_scopes) in scopes {
                        let empty = BTreeSet::new();
                        let new_scopes = new_scopes.get(scheme).unwrap_or(&empty);
                        for scope in new_scopes.difference(old_scopes) {
                            let detail = format!("scope `{scope}` added to {scheme}");
                            self.push(
                                Rule::SecurityScopeAdded,
                                &subject,
                                detail,
                                Some(&on),
                                Some(&nn),
                            );
                        }
                        for scope in old_scopes.difference(new_scopes) {
                            let detail = format!("scope `{scope}` removed from {scheme}");
                            self.push(
                                Rule::SecurityScopeRemoved,
                                &subject,
                                detail,
                                Some(&on),
                                Some(&nn),
                            );
                        }
                    }
                }
                for schemes in na.keys().filter(|s| !oa.contains_key(*s)) {
                    let detail = format!("{} added", show_alternative(schemes));
                    self.push(
                        Rule::SecurityAlternativeAdded,
                        &subject,
                        detail,
                        Some(&on),
                        Some(&nn),
                    );
                }
            }
        }
    }

    fn security_schemes(&mut self, o: &Node<'a>, n: &Node<'a>) {
        let pick = |root: &Node<'a>| -> BTreeMap<&'a str, Node<'a>> {
            root.at(&["components", "securitySchemes"])
                .iter()
                .flat_map(|s| s.entries())
                .collect()
        };
        let (old, new) = (pick(o), pick(n));
        let names: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
        for name in names {
            let subject = format!("security scheme {}", code(name));
            let os = old.get(name).map(|s| s.clone().resolve(self.old));
            let ns = new.get(name).map(|s| s.clone().resolve(self.new));
            match (&os, &ns) {
                (Some(a), None) => self.push(
                    Rule::SecuritySchemeRemoved,
                    &subject,
                    "removed",
                    Some(a),
                    None,
                ),
                (None, Some(b)) => {
                    self.push(Rule::SecuritySchemeAdded, &subject, "added", None, Some(b))
                }
                (Some(a), Some(b)) => {
                    let (x, y) = (without_docs(a.v), without_docs(b.v));
                    if x != y {
                        self.push(
                            Rule::SecuritySchemeChanged,
                            &subject,
                            format!("{x} -> {y}"),
                            Some(a),
                            Some(b),
                        );
                    }
                }
                (None, None) => {}
            }
        }
    }

    /// The document's `servers`.
    fn servers(&mut self, o: &Node<'a>, n: &Node<'a>, subject: &str) {
        let (os, ns) = (o.get("servers"), n.get("servers"));
        if os.is_none() && ns.is_none() {
            return;
        }
        self.server_lists(
            &os.unwrap_or_else(|| o.clone()),
            &ns.unwrap_or_else(|| n.clone()),
            subject,
        );
    }

    /// Two `servers` lists, compared by URL (a node that is no list has none).
    fn server_lists(&mut self, o: &Node<'a>, n: &Node<'a>, subject: &str) {
        let urls = |list: &Node<'a>| -> BTreeMap<String, Node<'a>> {
            list.items()
                .into_iter()
                .filter_map(|s| Some((s.v.get("url")?.as_str()?.to_owned(), s)))
                .collect()
        };
        let (old, new) = (urls(o), urls(n));
        for (url, s) in &old {
            if !new.contains_key(url) {
                self.push(
                    Rule::ServerRemoved,
                    subject,
                    format!("{url} removed"),
                    Some(s),
                    Some(n),
                );
            }
        }
        for (url, s) in &new {
            if !old.contains_key(url) {
                self.push(
                    Rule::ServerAdded,
                    subject,
                    format!("{url} added"),
                    None,
                    Some(s),
                );
            }
        }
    }
}

/// The parameters of an operation, path-level ones included (the operation's own
/// win), keyed by location and name; a path parameter by its place in the path
/// template (`#0`, `#1`), so that renaming it is no removal.
fn parameters<'a>(doc: &'a Value, op: &Operation<'a>) -> BTreeMap<(String, String), Node<'a>> {
    let names = template_names(op.path);
    let mut out = BTreeMap::new();
    for list in [op.item.get("parameters"), op.op.get("parameters")] {
        for p in list.iter().flat_map(|l| l.items()) {
            let p = p.resolve(doc);
            let place = p.v.get("in").and_then(Value::as_str).unwrap_or("?");
            let name = p.v.get("name").and_then(Value::as_str).unwrap_or("?");
            let key = match names.iter().position(|n| *n == name) {
                Some(i) if place == "path" => format!("#{i}"),
                _ => name.to_owned(),
            };
            out.insert((place.to_owned(), key), p);
        }
    }
    out
}

/// A parameter's schema: its own, or that of its (single) media type.
fn parameter_schema<'a>(p: &Node<'a>) -> Option<Node<'a>> {
    p.get("schema").or_else(|| {
        p.get("content")?
            .entries()
            .into_iter()
            .next()?
            .1
            .get("schema")
    })
}

/// The style and explode a parameter uses, defaults applied (OpenAPI 3.0: form for
/// query and cookie, simple for path and header; explode only for form).
fn serialization(p: &Value, place: &str) -> (String, bool) {
    let style = match p.get("style").and_then(Value::as_str) {
        Some(s) => s.to_owned(),
        None if matches!(place, "query" | "cookie") => "form".to_owned(),
        None => "simple".to_owned(),
    };
    let explode = p
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form");
    (style, explode)
}

/// Whether every value a schema allows is a single value (explode does not apply).
fn is_scalar(schema: &Value) -> bool {
    let composed = ["allOf", "anyOf", "oneOf"]
        .iter()
        .any(|k| schema.get(k).is_some());
    let typed = schema.get("type").and_then(Value::as_str);
    !composed && matches!(typed, Some("string" | "number" | "integer" | "boolean"))
}

fn has_body(response: &Value) -> bool {
    response
        .get("content")
        .and_then(Value::as_object)
        .is_some_and(|c| !c.is_empty())
}

pub(super) fn show_opt(v: Option<&Value>) -> String {
    match v {
        None => "(none)".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// One way to authenticate: the schemes it needs, each with its scopes.
type Alternative = BTreeMap<String, BTreeSet<String>>;

/// The security requirements of an operation (its own, or the document's) keyed by
/// the schemes each alternative needs, with the node they are written at; `None`
/// when the operation can be called without credentials (no requirement, or an
/// empty alternative `{}`).
fn effective_security<'a>(
    doc: &'a Value,
    op: &Node<'a>,
) -> Option<(BTreeMap<BTreeSet<String>, Alternative>, Node<'a>)> {
    let list = op
        .get("security")
        .or_else(|| Node::root(doc).get("security"))?;
    let mut out = BTreeMap::new();
    for alt in list.items() {
        // An alternative that is not an object requires nothing nameable: skip it.
        let Some(map) = alt.v.as_object() else {
            continue;
        };
        let alternative: Alternative = map
            .iter()
            .map(|(scheme, scopes)| {
                let scopes = scopes
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect();
                (scheme.clone(), scopes)
            })
            .collect();
        if alternative.is_empty() {
            return None;
        }
        out.insert(alternative.keys().cloned().collect(), alternative);
    }
    if out.is_empty() {
        return None;
    }
    Some((out, list))
}

fn show_alternative(schemes: &BTreeSet<String>) -> String {
    schemes.iter().cloned().collect::<Vec<_>>().join(" + ")
}

fn show_security(req: &BTreeMap<BTreeSet<String>, Alternative>) -> String {
    req.keys()
        .map(show_alternative)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A security scheme without its description, which is documentation only.
fn without_docs(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(map) = v.as_object_mut() {
        map.remove("description");
    }
    v
}

#[cfg(test)]
mod tests;
