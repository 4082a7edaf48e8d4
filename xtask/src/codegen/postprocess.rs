//! Deterministic edits of progenitor's output, made with `syn` before formatting.
//!
//! progenitor 0.15.1 has no setting for any of these; each edit finds the exact
//! shape that version emits and fails with an error naming what it did not find, so
//! that a generator upgrade that changes the shape stops `cargo xtask codegen`
//! instead of being skipped silently.
//!
//! - Every builder's `send` becomes a crate-private `send_raw`, and a new `send`
//!   returns `Result<ResponseValue<T>, crate::Error>`: callers never meet
//!   progenitor's `Error`, whose `Display` prints raw bodies.
//! - `send_raw` keeps only its success arms, which decode through
//!   `crate::answer::decode` (it reports the status and redacts what it shows when a
//!   body does not decode). Error answers are decided in the hooks and never reach
//!   the generated decode.
//! - The generated `Client::new` (hard-coded timeouts, no login) goes, and
//!   `Client::new_with_client` becomes crate-private: `ClientBuilder` is the one way
//!   to make a client.
//! - progenitor's `Error` is imported privately instead of re-exported.
//! - Setters that convert into an integer path parameter say why a conversion
//!   failed (an `Identifier` that is not a number names itself).
//! - Headers every request of an operation sends (`api-version`) go straight onto
//!   the request instead of through a second header map that `.headers(..)` then
//!   merges in: fewer lines, and about 0.9 k instructions less per call (measured
//!   with callgrind, BENCHMARKS.md).

use anyhow::{Result, bail};
use quote::quote;
use syn::punctuated::Punctuated;
use syn::{
    Expr, ImplItem, ImplItemFn, Item, ItemImpl, ItemMod, ItemUse, Pat, Type, UseTree, Visibility,
    parse_quote,
};

/// Applies every edit to the generated file.
pub fn apply(file: &mut syn::File) -> Result<()> {
    private_progenitor_error(file)?;
    crate_private_constructors(file)?;
    let builder = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "builder" => Some(m),
        _ => None,
    });
    let Some(builder) = builder else {
        bail!("post-processing: progenitor's output has no `mod builder`");
    };
    builders(builder)
}

/// `pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};`
/// loses `Error`, which comes back as a private import.
fn private_progenitor_error(file: &mut syn::File) -> Result<()> {
    let position = file.items.iter().position(|item| {
        matches!(item, Item::Use(u) if matches!(u.vis, Visibility::Public(_)) && uses_progenitor_error(u))
    });
    let Some(position) = position else {
        bail!("post-processing: no `pub use progenitor_client::{{.., Error, ..}}` found");
    };
    let Item::Use(public) = &mut file.items[position] else {
        unreachable!("found above");
    };
    if let UseTree::Path(path) = &mut public.tree
        && let UseTree::Group(group) = &mut *path.tree
    {
        group.items = group
            .items
            .iter()
            .filter(|tree| !matches!(tree, UseTree::Name(n) if n.ident == "Error"))
            .cloned()
            .collect::<Punctuated<_, _>>();
    }
    let private: Item = parse_quote! {
        #[allow(unused_imports)]
        use progenitor_client::Error;
    };
    file.items.insert(position + 1, private);
    Ok(())
}

fn uses_progenitor_error(item: &ItemUse) -> bool {
    let UseTree::Path(path) = &item.tree else {
        return false;
    };
    let UseTree::Group(group) = &*path.tree else {
        return false;
    };
    path.ident == "progenitor_client"
        && group
            .items
            .iter()
            .any(|tree| matches!(tree, UseTree::Name(n) if n.ident == "Error"))
}

/// `impl Client { pub fn new(..); pub fn new_with_client(..) }`: `new` goes,
/// `new_with_client` becomes `pub(crate)` (`ClientBuilder` calls it).
fn crate_private_constructors(file: &mut syn::File) -> Result<()> {
    let constructors = file.items.iter_mut().find_map(|item| match item {
        Item::Impl(imp)
            if imp.trait_.is_none()
                && is_type(&imp.self_ty, "Client")
                && has_fn(imp, "new_with_client") =>
        {
            Some(imp)
        }
        _ => None,
    });
    let Some(constructors) = constructors else {
        bail!("post-processing: no `impl Client` with `new_with_client` found");
    };
    let before = constructors.items.len();
    constructors
        .items
        .retain(|item| !matches!(item, ImplItem::Fn(f) if f.sig.ident == "new"));
    if constructors.items.len() + 1 != before {
        bail!("post-processing: `impl Client` has no `new` to remove");
    }
    for item in &mut constructors.items {
        if let ImplItem::Fn(f) = item
            && f.sig.ident == "new_with_client"
        {
            f.vis = parse_quote!(pub(crate));
        }
    }
    Ok(())
}

fn is_type(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}

fn has_fn(imp: &ItemImpl, name: &str) -> bool {
    imp.items
        .iter()
        .any(|item| matches!(item, ImplItem::Fn(f) if f.sig.ident == name))
}

/// Every operation builder: `send` split into `send_raw` and `send`, integer setters
/// that explain a failed conversion.
fn builders(module: &mut ItemMod) -> Result<()> {
    let Some((_, items)) = &mut module.content else {
        bail!("post-processing: `mod builder` has no body");
    };
    let mut sends = 0;
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        for item in &mut imp.items {
            if let ImplItem::Fn(f) = item {
                explain_integer_conversion(f);
            }
        }
        let Some(index) = imp
            .items
            .iter()
            .position(|item| matches!(item, ImplItem::Fn(f) if f.sig.ident == "send"))
        else {
            continue;
        };
        let ImplItem::Fn(send) = &mut imp.items[index] else {
            unreachable!("found above");
        };
        fixed_headers_inline(send);
        let wrapper = split_send(send)?;
        imp.items.insert(index, ImplItem::Fn(wrapper));
        sends += 1;
    }
    if sends == 0 {
        bail!("post-processing: no builder in `mod builder` has a `send`");
    }
    Ok(())
}

/// Turns `send` into `send_raw` and returns the public `send` that wraps it.
fn split_send(send: &mut ImplItemFn) -> Result<ImplItemFn> {
    let name = send.sig.ident.to_string();
    let success = success_type(send).ok_or_else(|| {
        anyhow::anyhow!(
            "post-processing: `{name}` does not return `Result<ResponseValue<T>, Error<E>>`"
        )
    })?;
    keep_success_arms(send)?;
    let docs: Vec<syn::Attribute> = send
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .cloned()
        .collect();
    send.attrs.retain(|a| !a.path().is_ident("doc"));
    send.sig.ident = syn::Ident::new("send_raw", send.sig.ident.span());
    send.vis = parse_quote!(pub(crate));
    let wrapper: ImplItemFn = parse_quote! {
        #(#docs)*
        ///
        /// Fails with [`crate::Error`]: MySafe's refusal, a gateway or
        /// authentication failure, a transport failure or timeout, or an answer
        /// that does not decode.
        pub async fn send(self) -> Result<ResponseValue<#success>, crate::Error> {
            self.send_raw().await.map_err(crate::answer::recover)
        }
    };
    Ok(wrapper)
}

/// `let mut header_map = HeaderMap::with_capacity(n);` followed only by
/// unconditional `header_map.append(name, value);` statements, and the request
/// chain's `.headers(header_map)`: the appends become `.header(name, value)` calls in
/// its place. Any other use of `header_map` (an optional header parameter appends
/// it conditionally) leaves the function as it is.
fn fixed_headers_inline(send: &mut ImplItemFn) {
    let stmts = &send.block.stmts;
    let Some(declared) = stmts.iter().position(|stmt| {
        let text = quote!(#stmt).to_string().replace(' ', "");
        text.starts_with("letmutheader_map=::reqwest::header::HeaderMap::with_capacity(")
    }) else {
        return;
    };
    let mut appends = Vec::new();
    let mut index = declared + 1;
    while let Some(syn::Stmt::Expr(Expr::MethodCall(call), Some(_))) = stmts.get(index) {
        let receiver = &call.receiver;
        if call.method != "append" || quote!(#receiver).to_string() != "header_map" {
            break;
        }
        appends.push(call.args.clone());
        index += 1;
    }
    // Every other mention of `header_map` must be the one `.headers(header_map)`.
    let rest: String = stmts[index..]
        .iter()
        .map(|stmt| quote!(#stmt).to_string())
        .collect();
    if appends.is_empty()
        || rest.matches("header_map").count() != 1
        || !rest.contains(". headers (header_map)")
    {
        return;
    }
    let mut replaced = false;
    for stmt in &mut send.block.stmts[index..] {
        replace_headers_call(stmt, &appends, &mut replaced);
    }
    if replaced {
        send.block.stmts.drain(declared..index);
    }
}

/// Finds `<chain>.headers(header_map)` in `stmt` and puts `.header(name, value)`
/// calls there instead.
fn replace_headers_call(
    stmt: &mut syn::Stmt,
    appends: &[Punctuated<Expr, syn::Token![,]>],
    replaced: &mut bool,
) {
    fn walk(expr: &mut Expr, appends: &[Punctuated<Expr, syn::Token![,]>], replaced: &mut bool) {
        match expr {
            Expr::MethodCall(call) => {
                let is_headers = call.method == "headers"
                    && call.args.len() == 1
                    && quote!(#call)
                        .to_string()
                        .ends_with(". headers (header_map)");
                if is_headers {
                    let mut chain = (*call.receiver).clone();
                    for args in appends {
                        chain = parse_quote!(#chain.header(#args));
                    }
                    *expr = chain;
                    *replaced = true;
                } else {
                    walk(&mut call.receiver, appends, replaced);
                }
            }
            Expr::Try(t) => walk(&mut t.expr, appends, replaced),
            _ => {}
        }
    }
    if let syn::Stmt::Local(local) = stmt
        && let Some(init) = &mut local.init
    {
        walk(&mut init.expr, appends, replaced);
    }
}

/// `T` of `Result<ResponseValue<T>, _>`.
fn success_type(send: &ImplItemFn) -> Option<Type> {
    let syn::ReturnType::Type(_, ty) = &send.sig.output else {
        return None;
    };
    let result = last_segment(ty, "Result")?;
    let syn::GenericArgument::Type(value) = generic(result, 0)? else {
        return None;
    };
    let response_value = last_segment(value, "ResponseValue")?;
    match generic(response_value, 0)? {
        syn::GenericArgument::Type(inner) => Some(inner.clone()),
        _ => None,
    }
}

fn last_segment<'a>(ty: &'a Type, name: &str) -> Option<&'a syn::PathSegment> {
    let Type::Path(p) = ty else { return None };
    p.path.segments.last().filter(|s| s.ident == name)
}

fn generic(segment: &syn::PathSegment, index: usize) -> Option<&syn::GenericArgument> {
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().nth(index),
        _ => None,
    }
}

/// The final `match response.status().as_u16() { .. }` keeps its 2xx arms, each
/// decoding through `crate::answer::decode(client, response)`, and its fallback.
fn keep_success_arms(send: &mut ImplItemFn) -> Result<()> {
    let name = send.sig.ident.to_string();
    let Some(syn::Stmt::Expr(Expr::Match(matched), None)) = send.block.stmts.last_mut() else {
        bail!("post-processing: `{name}` does not end with a match on the status");
    };
    let mut successes = 0;
    let mut fallback = false;
    let mut kept = Vec::new();
    for mut arm in std::mem::take(&mut matched.arms) {
        match status_of(&arm.pat) {
            Some(200..=299) => {
                // A body to decode goes through the crate's decode; an answer
                // without one (`ResponseValue::empty`) or a stream stays as it is.
                if is_from_response(&arm.body) {
                    arm.body =
                        Box::new(parse_quote!(crate::answer::decode(client, response).await));
                } else if mentions_from_response(&arm.body) {
                    bail!(
                        "post-processing: a success arm of `{name}` uses `ResponseValue::from_response` in an unknown way"
                    );
                }
                successes += 1;
                kept.push(arm);
            }
            Some(_) => {}
            None if matches!(arm.pat, Pat::Wild(_)) => {
                fallback = true;
                kept.push(arm);
            }
            None => bail!("post-processing: `{name}` matches on something other than status codes"),
        }
    }
    if successes == 0 || !fallback {
        bail!("post-processing: `{name}` has no success arm or no fallback arm");
    }
    matched.arms = kept;
    Ok(())
}

fn status_of(pat: &Pat) -> Option<u16> {
    match pat {
        Pat::Lit(lit) => match &lit.lit {
            syn::Lit::Int(int) => int.base10_parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

/// `ResponseValue::from_response(response).await`, in braces or not.
fn is_from_response(body: &Expr) -> bool {
    let text = quote!(#body).to_string().replace(' ', "");
    let text = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(&text);
    text == "ResponseValue::from_response(response).await"
}

fn mentions_from_response(body: &Expr) -> bool {
    quote!(#body).to_string().contains("from_response")
}

/// `pub fn identifier<V>(mut self, value: V) -> Self where V: TryInto<i64>` with
/// `.map_err(|_| "conversion to `i64` for identifier failed".to_string())` gets
/// `V::Error: Display` and the reason in its message. Every type that converts into
/// `i64` (integers, `crate::Identifier`) has a displayable error.
fn explain_integer_conversion(setter: &mut ImplItemFn) {
    let Some(where_clause) = &mut setter.sig.generics.where_clause else {
        return;
    };
    let converts_to_i64 = where_clause.predicates.iter().any(|p| {
        let text = quote!(#p).to_string().replace(' ', "");
        text == "V:std::convert::TryInto<i64>"
    });
    if !converts_to_i64 {
        return;
    }
    where_clause
        .predicates
        .push(parse_quote!(V::Error: ::std::fmt::Display));
    for stmt in &mut setter.block.stmts {
        let syn::Stmt::Expr(Expr::Assign(assign), _) = stmt else {
            continue;
        };
        let Expr::MethodCall(map_err) = &mut *assign.right else {
            continue;
        };
        if map_err.method != "map_err" {
            continue;
        }
        let Some(Expr::Closure(closure)) = map_err.args.first() else {
            continue;
        };
        let Expr::MethodCall(to_string) = &*closure.body else {
            continue;
        };
        let Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(message),
            ..
        }) = &*to_string.receiver
        else {
            continue;
        };
        let message = format!("{}: {{}}", message.value());
        map_err.args[0] = parse_quote!(|e| format!(#message, e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated() -> String {
        let spec = crate::spec::parse(&super::super::tests::spec_text()).unwrap();
        super::super::generate(&spec.openapi).unwrap()
    }

    #[test]
    fn send_returns_the_crate_error_and_send_raw_is_private() {
        let code = generated();
        let file = syn::parse_file(&code).unwrap();
        let builder = file
            .items
            .iter()
            .find_map(|i| match i {
                Item::Mod(m) if m.ident == "builder" => Some(m),
                _ => None,
            })
            .unwrap();
        let mut sends = 0;
        for item in &builder.content.as_ref().unwrap().1 {
            let Item::Impl(imp) = item else { continue };
            for item in &imp.items {
                let ImplItem::Fn(f) = item else { continue };
                let ret = &f.sig.output;
                let ret = quote!(#ret).to_string().replace(' ', "").replace(",>", ">");
                match f.sig.ident.to_string().as_str() {
                    "send" => {
                        sends += 1;
                        assert!(matches!(f.vis, Visibility::Public(_)));
                        assert!(ret.ends_with(",crate::Error>"), "{ret}");
                    }
                    "send_raw" => {
                        assert!(matches!(f.vis, Visibility::Restricted(_)));
                        assert!(ret.ends_with("Error<types::ErrorBody>>"), "{ret}");
                    }
                    _ => {}
                }
            }
        }
        assert_eq!(sends, 19, "one send per operation");
    }

    #[test]
    fn only_success_arms_are_decoded_by_the_generated_code() {
        let code = generated();
        assert!(
            !code.contains("Error::ErrorResponse"),
            "no error arm is left"
        );
        assert!(!code.contains("ResponseValue::from_response"));
        assert_eq!(
            code.matches("crate::answer::decode(client, response)")
                .count(),
            20,
            "19 operations, update_api_secret with two success statuses"
        );
    }

    #[test]
    fn no_public_constructor_and_no_public_progenitor_error() {
        let code = generated();
        assert!(!code.contains("pub fn new(baseurl"), "Client::new is gone");
        assert!(code.contains("pub(crate) fn new_with_client("));
        assert!(
            code.contains("pub use progenitor_client::{ByteStream, ClientInfo, ResponseValue};")
        );
        assert!(code.contains("\nuse progenitor_client::Error;"));
    }

    #[test]
    fn fixed_headers_go_straight_onto_the_request() {
        let code = generated();
        assert!(!code.contains("header_map"), "no second header map is left");
        assert_eq!(
            code.matches(".header(\n                    ::reqwest::header::HeaderName::from_static(\"api-version\"),").count(),
            19,
            "every operation sends api-version"
        );
    }

    #[test]
    fn integer_setters_say_why_a_conversion_failed() {
        let code = generated();
        assert!(
            code.contains("V::Error: ::std::fmt::Display"),
            "bound added"
        );
        assert!(
            code.contains(r#"format!("conversion to `i64` for identifier failed: {}", e)"#),
            "message"
        );
        assert!(!code.contains("for identifier failed\".to_string()"));
    }

    #[test]
    fn an_unexpected_shape_is_an_error_not_a_silent_skip() {
        let mut file: syn::File = parse_quote! {
            pub use progenitor_client::{ByteStream, ClientInfo, ResponseValue};
        };
        let error = apply(&mut file).unwrap_err().to_string();
        assert!(error.contains("no `pub use progenitor_client"), "{error}");

        let mut file: syn::File = parse_quote! {
            pub use progenitor_client::{ClientInfo, Error, ResponseValue};
            impl Client {
                pub fn new() -> Self { todo!() }
                pub fn new_with_client() -> Self { todo!() }
            }
            pub mod builder {
                impl<'a> Thing<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::X>, Error<types::ErrorBody>> {
                        match response.status().as_u16() {
                            200u16 => something_else(ResponseValue::from_response(response)).await,
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
            }
        };
        let error = apply(&mut file).unwrap_err().to_string();
        assert!(
            error.contains("uses `ResponseValue::from_response` in an unknown way"),
            "{error}"
        );
    }
}
