//! What a difference is: its level, its class, and the rule that classified it.
//!
//! Every rule is a variant of [`Rule`] with its class and its reason, so the report
//! can print the rule beside each change and a reviewer can argue with it.

use std::fmt;

/// How a change affects a client of the API (or a dependent of the crate).
/// The order is the report's order: breaking changes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Breaking,
    NeedsReview,
    Compatible,
}

impl Class {
    pub fn label(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::NeedsReview => "needs review",
            Class::Compatible => "compatible",
        }
    }

    /// The name used in JSON output (stable, no spaces).
    pub fn key(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::NeedsReview => "needs_review",
            Class::Compatible => "compatible",
        }
    }
}

/// Where a change was seen: in the OpenAPI document or in the generated Rust API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Spec,
    Rust,
}

impl Level {
    pub fn key(self) -> &'static str {
        match self {
            Level::Spec => "spec",
            Level::Rust => "rust",
        }
    }
}

/// Request data flows from the client to the server, response data the other way:
/// the same edit (a field made required, an enum value added) breaks one direction
/// and not the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    Request,
    Response,
}

macro_rules! rules {
    ($($variant:ident = $id:literal, $class:ident, $why:literal;)*) => {
        /// A classification rule. The id is stable (it appears in JSON output).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $($variant,)* }

        impl Rule {
            #[cfg(test)]
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            pub fn class(self) -> Class {
                match self { $(Rule::$variant => Class::$class,)* }
            }

            /// Why the rule gives its class.
            pub fn why(self) -> &'static str {
                match self { $(Rule::$variant => $why,)* }
            }
        }
    };
}

rules! {
    OperationRemoved = "operation-removed", Breaking,
        "calls to it fail and its Client method disappears";
    OperationAdded = "operation-added", Compatible,
        "nothing existing changes";
    OperationMoved = "operation-moved", Breaking,
        "an operation's method or path changed: existing clients call the old one";
    ParameterRemoved = "parameter-removed", Breaking,
        "its builder setter disappears and the server no longer reads it";
    RequiredParameterAdded = "parameter-added-required", Breaking,
        "existing calls do not send it";
    OptionalParameterAdded = "parameter-added-optional", Compatible,
        "existing calls stay valid without it";
    ParameterMadeRequired = "parameter-made-required", Breaking,
        "calls that left it out now fail";
    ParameterMadeOptional = "parameter-made-optional", Compatible,
        "calls that send it stay valid";
    RequestBodyAddedRequired = "request-body-added-required", Breaking,
        "existing calls send no body";
    RequestBodyAddedOptional = "request-body-added-optional", Compatible,
        "existing calls stay valid without it";
    RequestBodyRemoved = "request-body-removed", Breaking,
        "the body setter disappears and the server no longer reads it";
    RequestBodyMadeRequired = "request-body-made-required", Breaking,
        "calls without a body now fail";
    RequestBodyMadeOptional = "request-body-made-optional", Compatible,
        "calls with a body stay valid";
    MediaTypeRemoved = "media-type-removed", Breaking,
        "clients that send or expect this content type fail";
    MediaTypeAdded = "media-type-added", Compatible,
        "the existing content types still work";
    RequestFieldAddedRequired = "request-field-added-required", Breaking,
        "existing requests do not carry it";
    RequestFieldAddedOptional = "request-field-added-optional", Compatible,
        "existing requests stay valid";
    RequestFieldRemoved = "request-field-removed", Breaking,
        "clients still send it and its Rust field disappears";
    RequestFieldMadeRequired = "request-field-made-required", Breaking,
        "requests that left it out now fail";
    RequestFieldMadeOptional = "request-field-made-optional", Compatible,
        "requests that carry it stay valid";
    ResponseFieldAdded = "response-field-added", Compatible,
        "clients ignore what they do not know";
    ResponseFieldRemoved = "response-field-removed", Breaking,
        "clients relied on it";
    ResponseFieldMadeOptional = "response-field-made-optional", Breaking,
        "clients relied on it being present";
    ResponseFieldMadeRequired = "response-field-made-required", Compatible,
        "clients already handled it present";
    ResponseMadeNullable = "response-made-nullable", Breaking,
        "clients relied on a value, not null";
    ResponseMadeNonNullable = "response-made-non-nullable", Compatible,
        "clients already handled a value";
    RequestMadeNullable = "request-made-nullable", Compatible,
        "the server accepts more than before";
    RequestMadeNonNullable = "request-made-non-nullable", Breaking,
        "clients that send null now fail";
    TypeChanged = "type-changed", Breaking,
        "the value no longer decodes (or encodes) as before";
    FormatChanged = "format-changed", Breaking,
        "the format narrows the value and picks the Rust type (int32 is i32, password is Secret)";
    RequestEnumValueAdded = "request-enum-value-added", Compatible,
        "the server accepts more values";
    RequestEnumValueRemoved = "request-enum-value-removed", Breaking,
        "clients that send it now fail";
    ResponseEnumValueAdded = "response-enum-value-added", Breaking,
        "generated enums are exhaustive: an older client cannot decode the new value";
    ResponseEnumValueRemoved = "response-enum-value-removed", Compatible,
        "clients receive a subset of what they handled";
    ConstraintChanged = "constraint-changed", NeedsReview,
        "a validation keyword changed; whether it narrows what is valid depends on the keyword and values";
    Deprecated = "deprecated", Compatible,
        "a deprecation warns and changes nothing yet";
    SuccessResponseRemoved = "success-response-removed", Breaking,
        "clients now treat that status as unexpected";
    SuccessResponseAdded = "success-response-added", Compatible,
        "the client accepts one more status";
    ResponseBodyRemoved = "response-body-removed", Breaking,
        "clients relied on the body";
    ResponseBodyAdded = "response-body-added", Compatible,
        "clients that ignored the body still work";
    ErrorResponseAdded = "error-response-added", Compatible,
        "a documented error decodes into the error type instead of arriving as unexpected";
    ErrorResponseRemoved = "error-response-removed", NeedsReview,
        "the server should no longer send it, but if it does the client sees an unexpected response instead of a typed error";
    SecurityAdded = "security-added", Breaking,
        "an operation that needed no credentials now needs them";
    SecurityRemoved = "security-removed", Compatible,
        "credentials that are sent are ignored";
    SecurityChanged = "security-changed", NeedsReview,
        "the credentials an operation accepts changed; whether a client's still work depends on the schemes";
    SecuritySchemeChanged = "security-scheme-changed", NeedsReview,
        "a security scheme was added, removed or redefined";
    ApiVersionChanged = "api-version-changed", NeedsReview,
        "every request sends `info.version` in the `api-version` header; what the server does with it is not in the spec";
    RustItemRemoved = "rust-item-removed", Breaking,
        "code that names it stops compiling";
    RustItemChanged = "rust-item-changed", Breaking,
        "code that uses it with the old type stops compiling";
    RustItemAdded = "rust-item-added", Compatible,
        "nothing that compiled stops compiling";
    RustFieldAdded = "rust-field-added", NeedsReview,
        "struct literals and exhaustive patterns of the type stop compiling; code that uses the builders or reads fields does not notice";
    RustVariantAdded = "rust-variant-added", Breaking,
        "generated enums are exhaustive: a match without a wildcard arm stops compiling";
}

/// One difference between the base and the working tree.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Change {
    // Field order is the sort order of the report.
    pub class: Class,
    pub level: Level,
    /// What changed: an operation, a schema field, a Rust item.
    pub subject: String,
    /// How it changed, e.g. "made required" or `Option<String> -> String`.
    pub detail: String,
    pub rule: Rule,
}

impl Change {
    pub fn new(
        level: Level,
        rule: Rule,
        subject: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Change {
            class: rule.class(),
            level,
            subject: subject.into(),
            detail: detail.into(),
            rule,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.detail)
    }
}
