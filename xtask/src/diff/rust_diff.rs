//! Rust level: the public API of the generated client, listed item by item.
//!
//! Both sides are generated in memory by [`crate::codegen::generate`], so they come
//! from the same progenitor version and settings by construction, and no temporary
//! directory or `cargo` run is needed. The source is parsed with `syn` and reduced to
//! what a dependent can name: `types::*` structs with their fields and enums with their
//! variants, `Client` methods, and the operation builders' setters and `send`.
//! `types::builder` (progenitor's per-struct builders) mirrors the struct fields one
//! for one, so it is left out instead of reported twice, except for which of its
//! setters are required on the types that operations take as a body: a new required
//! setter compiles and then fails at run time, which no type change shows.
//!
//! A setter is required when its builder starts the value as an error
//! (`Err("... was not initialized")` in `new`, `Err("no value supplied ...")` in
//! `Default`), which `send()` (or the body's conversion) returns unless it is called.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, anyhow};
use quote::ToTokens;
use serde_json::Value;
use syn::{
    Expr, Fields, GenericArgument, GenericParam, ImplItem, Item, PathArguments, ReturnType, Stmt,
    Type, TypeParamBound, Visibility, WherePredicate,
};

use super::change::{Change, Level, Rule};
use super::lines::join;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Type,
    Field,
    Variant,
    Method,
    /// A setter of `types::builder::X` for a body type `X`: only whether it is
    /// required is reported.
    BodySetter,
}

/// One public item and what a dependent relies on about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiItem {
    pub kind: Kind,
    /// The type it belongs to: its changes are not repeated when that is added or removed.
    pub parent: Option<String>,
    /// `struct`, a field's type, a variant's payload or a method's signature.
    pub sig: String,
    /// A builder setter that must be called before `send()` succeeds.
    pub required: bool,
}

/// Public items keyed by path, e.g. `types::PasswordEntity.url`.
pub type Surface = BTreeMap<String, ApiItem>;

/// Lists the public items of generated client source.
pub fn surface(code: &str) -> Result<Surface> {
    let file = syn::parse_file(code).map_err(|e| anyhow!("generated code does not parse: {e}"))?;
    let mut out = Surface::new();
    // types::builder::X -> its fields, each with whether it is required.
    let mut struct_builders: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    for item in &file.items {
        match item {
            Item::Mod(m) if m.ident == "types" => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    data_type(&mut out, "types::", item);
                    if let Item::Mod(b) = item
                        && b.ident == "builder"
                    {
                        for item in b.content.iter().flat_map(|(_, items)| items) {
                            if let Some((ty, fields)) = default_fields(item) {
                                struct_builders.insert(ty, fields);
                            }
                        }
                    }
                }
            }
            Item::Mod(m) if m.ident == "builder" => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    match item {
                        Item::Struct(s) if is_pub(&s.vis) => {
                            let key = format!("builder::{}", s.ident);
                            insert_type(&mut out, key, "struct");
                        }
                        Item::Impl(i) => methods(&mut out, "builder::", i),
                        _ => {}
                    }
                }
            }
            Item::Struct(s) if is_pub(&s.vis) && s.ident == "Client" => {
                insert_type(&mut out, "Client".to_owned(), "struct");
            }
            Item::Impl(i) => methods(&mut out, "", i),
            _ => {}
        }
    }
    let bodies: BTreeSet<String> = out
        .iter()
        .filter(|(key, _)| key.starts_with("builder::") && key.ends_with("::body"))
        .filter_map(|(_, item)| {
            let ty = item.sig.strip_prefix("(types::")?.strip_suffix(')')?;
            Some(ty.to_owned())
        })
        .collect();
    for ty in bodies {
        for (field, required) in struct_builders.remove(&ty).unwrap_or_default() {
            out.insert(
                format!("types::builder::{ty}::{field}"),
                ApiItem {
                    kind: Kind::BodySetter,
                    parent: Some(format!("types::{ty}")),
                    sig: String::new(),
                    required,
                },
            );
        }
    }
    Ok(out)
}

/// The fields of a struct builder's `impl Default for X`, each with whether it
/// starts as an error (a required setter).
fn default_fields(item: &Item) -> Option<(String, Vec<(String, bool)>)> {
    let Item::Impl(imp) = item else { return None };
    let is_default = imp
        .trait_
        .as_ref()
        .and_then(|(_, path, _)| path.segments.last())
        .is_some_and(|s| s.ident == "Default");
    let Type::Path(self_ty) = &*imp.self_ty else {
        return None;
    };
    if !is_default {
        return None;
    }
    let ty = self_ty.path.segments.last()?.ident.to_string();
    let f = imp.items.iter().find_map(|i| match i {
        ImplItem::Fn(f) if f.sig.ident == "default" => Some(f),
        _ => None,
    })?;
    Some((ty, initialized_fields(&f.block)))
}

/// `Self { a: Err(..), b: Ok(..) }` at the end of a constructor: each field and
/// whether it starts as an error.
fn initialized_fields(block: &syn::Block) -> Vec<(String, bool)> {
    let Some(Stmt::Expr(Expr::Struct(init), None)) = block.stmts.last() else {
        return Vec::new();
    };
    init.fields
        .iter()
        .filter_map(|f| {
            let syn::Member::Named(name) = &f.member else {
                return None;
            };
            let is_err = matches!(&f.expr, Expr::Call(call)
                if matches!(&*call.func, Expr::Path(p)
                    if p.path.segments.last().is_some_and(|s| s.ident == "Err")));
            Some((name.to_string(), is_err))
        })
        .collect()
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn insert_type(out: &mut Surface, key: String, sig: &str) {
    let item = ApiItem {
        kind: Kind::Type,
        parent: None,
        sig: sig.to_owned(),
        required: false,
    };
    out.insert(key, item);
}

fn data_type(out: &mut Surface, prefix: &str, item: &Item) {
    let none = BTreeMap::new();
    match item {
        Item::Struct(s) if is_pub(&s.vis) => {
            let key = format!("{prefix}{}", s.ident);
            insert_type(out, key.clone(), "struct");
            for (i, field) in s.fields.iter().enumerate() {
                if !is_pub(&field.vis) {
                    continue;
                }
                let name = field
                    .ident
                    .as_ref()
                    .map_or_else(|| i.to_string(), ToString::to_string);
                out.insert(
                    format!("{key}.{name}"),
                    ApiItem {
                        kind: Kind::Field,
                        parent: Some(key.clone()),
                        sig: ty(&field.ty, &none),
                        required: false,
                    },
                );
            }
        }
        Item::Enum(e) if is_pub(&e.vis) => {
            let key = format!("{prefix}{}", e.ident);
            insert_type(out, key.clone(), "enum");
            for v in &e.variants {
                let sig = match &v.fields {
                    Fields::Unit => String::new(),
                    Fields::Unnamed(f) => format!(
                        "({})",
                        f.unnamed
                            .iter()
                            .map(|f| ty(&f.ty, &none))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Fields::Named(f) => format!(
                        "{{ {} }}",
                        f.named
                            .iter()
                            .map(|f| format!(
                                "{}: {}",
                                f.ident
                                    .as_ref()
                                    .map(ToString::to_string)
                                    .unwrap_or_default(),
                                ty(&f.ty, &none)
                            ))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                out.insert(
                    format!("{key}::{}", v.ident),
                    ApiItem {
                        kind: Kind::Variant,
                        parent: Some(key.clone()),
                        sig,
                        required: false,
                    },
                );
            }
        }
        Item::Type(t) if is_pub(&t.vis) => {
            let sig = format!("type = {}", ty(&t.ty, &none));
            insert_type(out, format!("{prefix}{}", t.ident), &sig);
        }
        _ => {}
    }
}

/// The public inherent methods of `impl X` blocks. Constructors of builders (`new`)
/// are left out: dependents get builders from `Client` methods.
fn methods(out: &mut Surface, prefix: &str, imp: &syn::ItemImpl) {
    if imp.trait_.is_some() {
        return;
    }
    let Type::Path(self_ty) = &*imp.self_ty else {
        return;
    };
    let Some(last) = self_ty.path.segments.last() else {
        return;
    };
    let owner = format!("{prefix}{}", last.ident);
    // The builder's required setters: the fields its `new` starts as errors.
    let required: BTreeSet<String> = imp
        .items
        .iter()
        .filter_map(|i| match i {
            ImplItem::Fn(f) if !prefix.is_empty() && f.sig.ident == "new" => Some(f),
            _ => None,
        })
        .flat_map(|f| initialized_fields(&f.block))
        .filter_map(|(name, is_err)| is_err.then_some(name))
        .collect();
    if !prefix.is_empty() || last.ident == "Client" {
        for item in &imp.items {
            let ImplItem::Fn(f) = item else { continue };
            if !is_pub(&f.vis) || (!prefix.is_empty() && f.sig.ident == "new") {
                continue;
            }
            out.insert(
                format!("{owner}::{}", f.sig.ident),
                ApiItem {
                    kind: Kind::Method,
                    parent: Some(owner.clone()),
                    sig: signature(&f.sig),
                    required: required.contains(&f.sig.ident.to_string()),
                },
            );
        }
    }
}

/// `(i64)` for a setter generic over `V: TryInto<i64>`, `() -> builder::Foo` for a
/// `Client` method, `async () -> Result<..>` for `send`.
fn signature(sig: &syn::Signature) -> String {
    let subst = generic_bounds(sig);
    let args: Vec<String> = sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            syn::FnArg::Receiver(_) => None,
            syn::FnArg::Typed(t) => Some(ty(&t.ty, &subst)),
        })
        .collect();
    let mut out = String::new();
    if sig.asyncness.is_some() {
        out.push_str("async ");
    }
    out.push_str(&format!("({})", args.join(", ")));
    if let ReturnType::Type(_, ret) = &sig.output {
        let ret = ty(ret, &subst);
        if ret != "Self" {
            out.push_str(&format!(" -> {ret}"));
        }
    }
    out
}

/// What each generic type parameter stands for: `T` for `V: TryInto<T>` (the
/// setters' pattern), `impl Bound` otherwise.
fn generic_bounds(sig: &syn::Signature) -> BTreeMap<String, String> {
    let mut bounds: BTreeMap<String, Vec<&TypeParamBound>> = BTreeMap::new();
    for param in &sig.generics.params {
        if let GenericParam::Type(t) = param {
            bounds
                .entry(t.ident.to_string())
                .or_default()
                .extend(t.bounds.iter());
        }
    }
    for pred in sig.generics.where_clause.iter().flat_map(|w| &w.predicates) {
        let WherePredicate::Type(p) = pred else {
            continue;
        };
        let Type::Path(tp) = &p.bounded_ty else {
            continue;
        };
        if let Some(ident) = tp.path.get_ident()
            && let Some(list) = bounds.get_mut(&ident.to_string())
        {
            list.extend(p.bounds.iter());
        }
    }
    let none = BTreeMap::new();
    bounds
        .into_iter()
        .map(|(name, list)| {
            let shown: Vec<String> = list
                .iter()
                .filter_map(|b| match b {
                    TypeParamBound::Trait(t) => Some(path(&t.path, &none)),
                    _ => None,
                })
                .collect();
            let one = shown
                .iter()
                .find_map(|b| b.strip_prefix("TryInto<").and_then(|b| b.strip_suffix('>')))
                .map(str::to_owned)
                .unwrap_or_else(|| format!("impl {}", shown.join(" + ")));
            (name, one)
        })
        .collect()
}

/// A type as a reader writes it: `Option<String>` for
/// `::std::option::Option<::std::string::String>`, lifetimes left out.
pub fn ty(t: &Type, subst: &BTreeMap<String, String>) -> String {
    match t {
        Type::Path(p) if p.qself.is_none() => path(&p.path, subst),
        Type::Reference(r) => {
            let m = if r.mutability.is_some() { "mut " } else { "" };
            format!("&{m}{}", ty(&r.elem, subst))
        }
        Type::Tuple(t) => format!(
            "({})",
            t.elems
                .iter()
                .map(|e| ty(e, subst))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::Slice(s) => format!("[{}]", ty(&s.elem, subst)),
        Type::Paren(p) => ty(&p.elem, subst),
        Type::Group(g) => ty(&g.elem, subst),
        other => compact(&other.to_token_stream().to_string()),
    }
}

fn path(p: &syn::Path, subst: &BTreeMap<String, String>) -> String {
    if let Some(ident) = p.get_ident()
        && let Some(s) = subst.get(&ident.to_string())
    {
        return s.clone();
    }
    let segs: Vec<&syn::PathSegment> = p.segments.iter().collect();
    let first = segs
        .first()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    // std paths are shown by their last segment (as the prelude and common `use`s
    // name them); `crate::`, `self::` and `super::` say nothing to a reader.
    let start = match first.as_str() {
        "std" | "core" | "alloc" => segs.len().saturating_sub(1),
        _ => segs
            .iter()
            .take_while(|s| matches!(s.ident.to_string().as_str(), "crate" | "self" | "super"))
            .count(),
    };
    segs[start..]
        .iter()
        .map(|s| {
            let mut out = s.ident.to_string();
            match &s.arguments {
                PathArguments::None => {}
                PathArguments::AngleBracketed(a) => {
                    let args: Vec<String> = a
                        .args
                        .iter()
                        .filter_map(|arg| match arg {
                            GenericArgument::Type(t) => Some(ty(t, subst)),
                            GenericArgument::Lifetime(_) => None,
                            other => Some(compact(&other.to_token_stream().to_string())),
                        })
                        .collect();
                    if !args.is_empty() {
                        out.push_str(&format!("<{}>", args.join(", ")));
                    }
                }
                PathArguments::Parenthesized(p) => {
                    let inputs: Vec<String> = p.inputs.iter().map(|t| ty(t, subst)).collect();
                    out.push_str(&format!("({})", inputs.join(", ")));
                    if let ReturnType::Type(_, r) = &p.output {
                        out.push_str(&format!(" -> {}", ty(r, subst)));
                    }
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join("::")
}

/// Token text without the spaces `proc_macro2` puts between every token.
fn compact(tokens: &str) -> String {
    tokens
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& ", "&")
}

/// The differences between two surfaces. A type that appears or disappears is one
/// change; its fields, variants and methods are not listed again.
pub fn compare(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut push = |rule, key: &str, detail: String| {
        changes.push(Change::new(Level::Rust, rule, key, detail));
    };
    for (key, o) in old {
        match new.get(key) {
            None => {
                if o.kind == Kind::BodySetter
                    || o.parent.as_ref().is_some_and(|p| !new.contains_key(p))
                {
                    continue;
                }
                push(Rule::RustItemRemoved, key, described("removed", o));
            }
            Some(n) => {
                if n.sig != o.sig || n.kind != o.kind {
                    let detail = format!("{} -> {}", shown(o), shown(n));
                    push(Rule::RustItemChanged, key, detail);
                }
                if n.required && !o.required {
                    let detail = "made required: `send()` fails without it".to_owned();
                    push(Rule::RustSetterMadeRequired, key, detail);
                }
            }
        }
    }
    for (key, n) in new {
        if old.contains_key(key) || n.parent.as_ref().is_some_and(|p| !old.contains_key(p)) {
            continue;
        }
        let rule = match n.kind {
            _ if n.required => Rule::RustRequiredSetterAdded,
            Kind::BodySetter => continue,
            Kind::Field => Rule::RustFieldAdded,
            Kind::Variant => Rule::RustVariantAdded,
            Kind::Type | Kind::Method => Rule::RustItemAdded,
        };
        let detail = match n.kind {
            Kind::BodySetter => {
                "added, required: the body's conversion fails without it".to_owned()
            }
            _ if n.required => format!(
                "{}, required: `send()` fails without it",
                described("added", n)
            ),
            _ => described("added", n),
        };
        push(rule, key, detail);
    }
    changes
}

/// Lower-case letters and digits only: how Rust names and spec names are matched
/// (`PasswordEntity` is `password_entity`, `list_notes` is `listNotes`).
fn norm(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The JSON pointer of the spec construct a Rust item comes from, found by name
/// (`types::Foo.bar` is schema `Foo`'s property `bar`, `builder::ListNotes::limit`
/// the `limit` parameter of operation `list_notes`). `None` for generated names the
/// spec does not spell (inline types).
pub fn spec_pointer(key: &str, doc: &Value) -> Option<String> {
    let find = |node: &Value, name: &str| -> Option<String> {
        let name = norm(name);
        node.as_object()?.keys().find(|k| norm(k) == name).cloned()
    };
    let schema = |name: &str| -> Option<(String, &Value)> {
        let schemas = doc.pointer("/components/schemas")?;
        let key = find(schemas, name)?;
        Some((join("/components/schemas", &key), &schemas[&key]))
    };
    let operation = |id: &str| -> Option<(String, &Value)> {
        let id = norm(id);
        for (path, item) in doc.get("paths")?.as_object()? {
            for (method, op) in item.as_object().into_iter().flatten() {
                if op.get("operationId").and_then(Value::as_str).map(norm) == Some(id.clone()) {
                    return Some((join(&join("/paths", path), method), op));
                }
            }
        }
        None
    };
    if let Some(rest) = key.strip_prefix("types::builder::") {
        let (ty, field) = rest.split_once("::")?;
        let (at, s) = schema(ty)?;
        let props = s.get("properties")?;
        return Some(join(&join(&at, "properties"), &find(props, field)?));
    }
    if let Some(rest) = key.strip_prefix("types::") {
        if let Some((ty, field)) = rest.split_once('.') {
            let (at, s) = schema(ty)?;
            let Some(props) = s.get("properties") else {
                return Some(at);
            };
            return Some(
                find(props, field).map_or(at.clone(), |p| join(&join(&at, "properties"), &p)),
            );
        }
        if let Some((ty, variant)) = rest.split_once("::") {
            let (at, s) = schema(ty)?;
            let values = s.get("enum").and_then(Value::as_array);
            let i = values.and_then(|v| {
                v.iter()
                    .position(|x| x.as_str().is_some_and(|x| norm(x) == norm(variant)))
            });
            return Some(i.map_or(at.clone(), |i| join(&join(&at, "enum"), &i.to_string())));
        }
        return schema(rest).map(|(at, _)| at);
    }
    let (op_name, member) = match key.strip_prefix("Client::") {
        Some(method) => (method, None),
        None => {
            let rest = key.strip_prefix("builder::")?;
            match rest.split_once("::") {
                Some((op, member)) => (op, Some(member)),
                None => (rest, None),
            }
        }
    };
    let (at, op) = operation(op_name)?;
    let Some(member) = member else {
        return Some(at);
    };
    if member.starts_with("body") {
        return Some(join(&at, "requestBody"));
    }
    let params = op.get("parameters").and_then(Value::as_array);
    let i = params.and_then(|list| {
        list.iter().position(|p| {
            p.get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| norm(n) == norm(member))
        })
    });
    Some(i.map_or(at.clone(), |i| {
        join(&join(&at, "parameters"), &i.to_string())
    }))
}

fn shown(item: &ApiItem) -> String {
    if item.sig.is_empty() {
        "(unit)".to_owned()
    } else {
        item.sig.clone()
    }
}

fn described(what: &str, item: &ApiItem) -> String {
    match item.kind {
        Kind::BodySetter => what.to_owned(),
        _ if item.sig.is_empty() => what.to_owned(),
        // `added (struct)`, not `added: struct`: the kind is not a signature.
        Kind::Type => format!("{what} ({})", item.sig),
        _ => format!("{what}: {}", item.sig),
    }
}

#[cfg(test)]
mod tests;
