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
    // Operations.
    OperationRemoved = "operation-removed", Breaking,
        "calls to it fail and its Client method disappears";
    OperationAdded = "operation-added", Compatible,
        "nothing existing changes";
    OperationMoved = "operation-moved", Breaking,
        "an operation id moved to another method or path: existing clients call the old one";
    OperationIdChanged = "operation-id-changed", Compatible,
        "the same method and path answer as before; only the generated method name follows the id (see the Rust rows)";
    PathParameterRenamed = "path-parameter-renamed", Compatible,
        "a path parameter's name is not on the wire; only its Rust setter name follows it (see the Rust rows)";
    Deprecated = "deprecated", Compatible,
        "a deprecation warns and changes nothing yet";
    Reactivated = "reactivated", Compatible,
        "a deprecation was withdrawn";
    // Parameters.
    ParameterRemoved = "parameter-removed", NeedsReview,
        "the server no longer reads it: calls that still send it may be rejected or have it ignored";
    RequiredParameterAdded = "parameter-added-required", Breaking,
        "existing calls do not send it";
    OptionalParameterAdded = "parameter-added-optional", Compatible,
        "existing calls stay valid without it";
    ParameterMadeRequired = "parameter-made-required", Breaking,
        "calls that left it out now fail";
    ParameterMadeOptional = "parameter-made-optional", Compatible,
        "calls that send it stay valid";
    ParameterStyleChanged = "parameter-style-changed", Breaking,
        "the value is serialized differently: the server no longer parses what existing clients send";
    ParameterExplodeChanged = "parameter-explode-changed", Breaking,
        "arrays and objects are serialized differently: the server no longer parses what existing clients send";
    AllowReservedAdded = "parameter-allow-reserved-added", Compatible,
        "the server accepts reserved characters unencoded as well as encoded";
    AllowReservedRemoved = "parameter-allow-reserved-removed", Breaking,
        "clients that send reserved characters unencoded are no longer understood";
    // Request bodies and media types.
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
    RequestMediaTypeRemoved = "request-media-type-removed", Breaking,
        "clients that send this content type are refused";
    RequestMediaTypeAdded = "request-media-type-added", Compatible,
        "the content types clients send still work";
    ResponseMediaTypeRemoved = "response-media-type-removed", Breaking,
        "clients that ask for or expect this content type no longer get it";
    ResponseMediaTypeAdded = "response-media-type-added", Compatible,
        "clients still get the content type they ask for";
    RequestSchemaAdded = "request-schema-added", Breaking,
        "a body that had no schema now has one: bodies that do not match it are refused";
    RequestSchemaRemoved = "request-schema-removed", Compatible,
        "the server accepts any body of that content type";
    ResponseSchemaAdded = "response-schema-added", Compatible,
        "the body is described where it was not: what clients received stays valid";
    ResponseSchemaRemoved = "response-schema-removed", Breaking,
        "the body is no longer described: clients that decode it cannot rely on its shape";
    // Object fields.
    RequestFieldAddedRequired = "request-field-added-required", Breaking,
        "existing requests do not carry it";
    RequestFieldAddedOptional = "request-field-added-optional", Compatible,
        "existing requests stay valid";
    RequestFieldRemoved = "request-field-removed", NeedsReview,
        "the server no longer reads it: requests that still carry it may be rejected or have it ignored";
    RequestFieldMadeRequired = "request-field-made-required", Breaking,
        "requests that left it out now fail";
    RequestFieldMadeOptional = "request-field-made-optional", Compatible,
        "requests that carry it stay valid";
    ResponseFieldAdded = "response-field-added", Compatible,
        "clients ignore what they do not know";
    ResponseRequiredFieldRemoved = "response-required-field-removed", Breaking,
        "clients relied on it being present";
    ResponseOptionalFieldRemoved = "response-optional-field-removed", Compatible,
        "clients already handled its absence (its Rust field disappears: see the Rust rows)";
    ResponseFieldMadeOptional = "response-field-made-optional", Breaking,
        "clients relied on it being present";
    ResponseFieldMadeRequired = "response-field-made-required", Compatible,
        "clients already handled it present";
    RequestFieldBecameReadOnly = "request-field-became-read-only", NeedsReview,
        "the server now ignores it in requests: clients that set it lose what they sent (the generated type still has the field)";
    ResponseFieldBecameWriteOnly = "response-field-became-write-only", NeedsReview,
        "the server stops returning it: clients that read it get nothing (the generated type still has the field)";
    ReadWriteOnlyChanged = "read-write-only-changed", Compatible,
        "readOnly or writeOnly changed without taking the field away from this direction";
    // Values.
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
    RequestBecameEnum = "request-became-enum", Breaking,
        "the server accepts only the listed values: clients that send others now fail";
    ResponseEnumValueAdded = "response-enum-value-added", NeedsReview,
        "the server may send a value clients do not handle (the generated enum gains a variant: see the Rust rows)";
    ResponseEnumValueRemoved = "response-enum-value-removed", Compatible,
        "clients receive a subset of what they handled";
    DefaultChanged = "default-changed", NeedsReview,
        "a default is behaviour: the server applies it to requests that leave the value out, and the generated types fill it in for responses that do";
    DefaultAdded = "default-added", Compatible,
        "a value left out now has a documented meaning";
    RequestConstraintTightened = "request-constraint-tightened", Breaking,
        "a request value that was valid can now be refused";
    RequestConstraintLoosened = "request-constraint-loosened", Compatible,
        "every request value that was valid still is";
    ResponseConstraintLoosened = "response-constraint-loosened", Breaking,
        "the server may send values clients (and the generated types' checks) did not expect";
    ResponseConstraintTightened = "response-constraint-tightened", Compatible,
        "the server sends a subset of what clients handled";
    ConstraintChanged = "constraint-changed", NeedsReview,
        "a validation keyword changed in a way that is neither wider nor narrower by inspection (a pattern, a composition keyword)";
    // Responses.
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
    ResponseHeaderAdded = "response-header-added", Compatible,
        "clients ignore headers they do not read";
    RequiredResponseHeaderRemoved = "response-header-removed-required", Breaking,
        "clients relied on it being sent";
    OptionalResponseHeaderRemoved = "response-header-removed-optional", NeedsReview,
        "clients that read it when present no longer get it";
    ResponseHeaderMadeOptional = "response-header-made-optional", Breaking,
        "clients relied on it being sent";
    ResponseHeaderMadeRequired = "response-header-made-required", Compatible,
        "clients already handled it present";
    // Security, servers, version.
    SecurityAdded = "security-added", Breaking,
        "an operation that needed no credentials now needs them";
    SecurityRemoved = "security-removed", Compatible,
        "credentials that are sent are ignored";
    SecurityAlternativeRemoved = "security-alternative-removed", Breaking,
        "clients that authenticate this way are refused";
    SecurityAlternativeAdded = "security-alternative-added", Compatible,
        "the credentials clients send still work";
    SecurityScopeAdded = "security-scope-added", Breaking,
        "tokens without the new scope are refused";
    SecurityScopeRemoved = "security-scope-removed", Compatible,
        "tokens with the old scopes still work";
    SecuritySchemeChanged = "security-scheme-changed", NeedsReview,
        "a security scheme was redefined: whether the credentials clients send still work depends on the change";
    SecuritySchemeAdded = "security-scheme-added", Compatible,
        "a scheme no operation used before; its use is judged per operation";
    SecuritySchemeRemoved = "security-scheme-removed", Compatible,
        "a scheme definition went away; the operations that used it are judged on their own";
    ServerAdded = "server-added", Compatible,
        "clients keep using the server they were configured with";
    ServerRemoved = "server-removed", NeedsReview,
        "clients configured with this base URL may no longer reach the API (the generated client takes its base URL from the caller)";
    ApiVersionChanged = "api-version-changed", NeedsReview,
        "every request sends `info.version` in the `api-version` header; what the server does with it is not in the spec";
    // The generated Rust API.
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
    RustRequiredSetterAdded = "rust-required-setter-added", Breaking,
        "existing code still compiles, but `send()` (or the body's conversion) fails at run time until the new setter is called";
    RustSetterMadeRequired = "rust-setter-made-required", Breaking,
        "existing code that does not call the setter still compiles, but `send()` (or the body's conversion) fails at run time";
}

/// Which of the two documents a location is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    Base,
    Head,
}

impl Side {
    pub fn key(self) -> &'static str {
        match self {
            Side::Base => "base",
            Side::Head => "head",
        }
    }
}

/// Where a change is written: a JSON pointer into one side's document. Changes
/// point at the head's node, or at the base's for what the head no longer has.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct At {
    pub side: Side,
    pub pointer: String,
}

/// One difference between the base and the head.
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
    /// Where in the documents, when known.
    pub at: Option<At>,
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
            at: None,
        }
    }

    pub fn at(mut self, at: Option<At>) -> Self {
        self.at = at;
        self
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.detail)
    }
}
