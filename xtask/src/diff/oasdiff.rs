//! How the rules line up with oasdiff's (the reference for classifying OpenAPI
//! changes): which oasdiff rule ids each rule detects, at which oasdiff level, where
//! we classify differently on purpose and why, and what oasdiff detects that we do
//! not. `cargo xtask diff --list-rules` prints it; the tests in `oasdiff/tests.rs`
//! check it against the rules (every difference in class is explained, no id is
//! claimed twice) and count the ids covered.
//!
//! Ids and levels are oasdiff's `checker/rules.go` and
//! `checker/check_request_parameter_serialization_updated.go` (oasdiff v1.28 era).

#[cfg(test)]
use super::change::Class;
use super::change::Rule;

/// oasdiff's severity levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Err,
    Warn,
    Info,
}

impl Level {
    /// The class that corresponds to the level: ERR is breaking, WARN cannot be
    /// decided (our "needs review"), INFO is compatible.
    #[cfg(test)]
    pub fn class(self) -> Class {
        match self {
            Level::Err => Class::Breaking,
            Level::Warn => Class::NeedsReview,
            Level::Info => Class::Compatible,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Level::Err => "ERR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
        }
    }
}

use Level::{Err, Info, Warn};

/// (oasdiff rule id, its level, the rule of ours that detects the same change).
pub const MAPPING: &[(&str, Level, Rule)] = &[
    // Operations.
    ("api-path-removed-without-deprecation", Err, Rule::OperationRemoved),
    ("api-removed-without-deprecation", Err, Rule::OperationRemoved),
    ("api-path-removed-with-deprecation", Info, Rule::OperationRemoved),
    ("api-removed-with-deprecation", Info, Rule::OperationRemoved),
    ("endpoint-added", Info, Rule::OperationAdded),
    ("api-operation-id-removed", Info, Rule::OperationIdChanged),
    ("api-operation-id-added", Info, Rule::OperationIdChanged),
    ("endpoint-deprecated", Info, Rule::Deprecated),
    ("endpoint-deprecated-with-sunset", Info, Rule::Deprecated),
    ("request-parameter-deprecated", Info, Rule::Deprecated),
    ("request-property-deprecated", Info, Rule::Deprecated),
    ("request-property-deprecated-with-sunset", Info, Rule::Deprecated),
    ("response-property-deprecated", Info, Rule::Deprecated),
    ("response-property-deprecated-with-sunset", Info, Rule::Deprecated),
    ("endpoint-reactivated", Info, Rule::Reactivated),
    ("request-parameter-reactivated", Info, Rule::Reactivated),
    ("request-property-reactivated", Info, Rule::Reactivated),
    ("response-property-reactivated", Info, Rule::Reactivated),
    // Parameters.
    ("request-parameter-removed", Warn, Rule::ParameterRemoved),
    ("request-parameter-removed-with-deprecation", Info, Rule::ParameterRemoved),
    ("new-required-request-parameter", Err, Rule::RequiredParameterAdded),
    ("new-request-path-parameter", Err, Rule::RequiredParameterAdded),
    ("new-required-request-default-parameter-to-existing-path", Err, Rule::RequiredParameterAdded),
    ("new-optional-request-parameter", Info, Rule::OptionalParameterAdded),
    ("new-optional-request-default-parameter-to-existing-path", Info, Rule::OptionalParameterAdded),
    ("request-parameter-became-required", Err, Rule::ParameterMadeRequired),
    ("request-parameter-became-optional", Info, Rule::ParameterMadeOptional),
    ("request-parameter-style-changed", Err, Rule::ParameterStyleChanged),
    ("request-parameter-explode-changed", Err, Rule::ParameterExplodeChanged),
    ("request-parameter-became-allow-reserved", Info, Rule::AllowReservedAdded),
    ("request-parameter-became-not-allow-reserved", Err, Rule::AllowReservedRemoved),
    // Request bodies and media types.
    ("request-body-added-required", Err, Rule::RequestBodyAddedRequired),
    ("request-body-added-optional", Info, Rule::RequestBodyAddedOptional),
    ("request-body-removed", Err, Rule::RequestBodyRemoved),
    ("request-body-became-required", Err, Rule::RequestBodyMadeRequired),
    ("request-body-became-optional", Info, Rule::RequestBodyMadeOptional),
    ("request-body-media-type-removed", Err, Rule::RequestMediaTypeRemoved),
    ("request-body-media-type-added", Info, Rule::RequestMediaTypeAdded),
    ("response-media-type-removed", Err, Rule::ResponseMediaTypeRemoved),
    ("response-media-type-added", Info, Rule::ResponseMediaTypeAdded),
    ("request-body-media-type-schema-added", Err, Rule::RequestSchemaAdded),
    ("request-body-media-type-schema-removed", Info, Rule::RequestSchemaRemoved),
    ("response-body-media-type-schema-added", Info, Rule::ResponseSchemaAdded),
    ("response-body-media-type-schema-removed", Err, Rule::ResponseSchemaRemoved),
    // Object fields.
    ("new-required-request-property", Err, Rule::RequestFieldAddedRequired),
    ("new-required-request-property-with-default", Err, Rule::RequestFieldAddedRequired),
    ("new-optional-request-property", Info, Rule::RequestFieldAddedOptional),
    ("request-property-removed", Warn, Rule::RequestFieldRemoved),
    ("request-property-became-required", Err, Rule::RequestFieldMadeRequired),
    ("request-property-became-required-with-default", Err, Rule::RequestFieldMadeRequired),
    ("request-property-became-optional", Info, Rule::RequestFieldMadeOptional),
    ("response-optional-property-added", Info, Rule::ResponseFieldAdded),
    ("response-required-property-added", Info, Rule::ResponseFieldAdded),
    ("response-optional-write-only-property-added", Info, Rule::ResponseFieldAdded),
    ("response-required-write-only-property-added", Info, Rule::ResponseFieldAdded),
    ("response-required-property-removed", Err, Rule::ResponseRequiredFieldRemoved),
    ("response-optional-property-removed", Info, Rule::ResponseOptionalFieldRemoved),
    ("response-optional-write-only-property-removed", Info, Rule::ResponseOptionalFieldRemoved),
    ("response-property-became-optional", Err, Rule::ResponseFieldMadeOptional),
    ("response-property-became-required", Info, Rule::ResponseFieldMadeRequired),
    ("request-optional-property-became-read-only", Info, Rule::RequestFieldBecameReadOnly),
    ("request-required-property-became-read-only", Info, Rule::RequestFieldBecameReadOnly),
    ("response-optional-property-became-write-only", Info, Rule::ResponseFieldBecameWriteOnly),
    ("response-required-property-became-write-only", Info, Rule::ResponseFieldBecameWriteOnly),
    ("request-optional-property-became-not-read-only", Info, Rule::ReadWriteOnlyChanged),
    ("request-required-property-became-not-read-only", Info, Rule::ReadWriteOnlyChanged),
    ("request-optional-property-became-write-only", Info, Rule::ReadWriteOnlyChanged),
    ("request-required-property-became-write-only", Info, Rule::ReadWriteOnlyChanged),
    ("request-optional-property-became-not-write-only", Info, Rule::ReadWriteOnlyChanged),
    ("request-required-property-became-not-write-only", Info, Rule::ReadWriteOnlyChanged),
    ("response-optional-property-became-read-only", Info, Rule::ReadWriteOnlyChanged),
    ("response-required-property-became-read-only", Info, Rule::ReadWriteOnlyChanged),
    ("response-optional-property-became-not-read-only", Info, Rule::ReadWriteOnlyChanged),
    ("response-required-property-became-not-read-only", Info, Rule::ReadWriteOnlyChanged),
    ("response-optional-property-became-not-write-only", Info, Rule::ReadWriteOnlyChanged),
    ("response-required-property-became-not-write-only", Warn, Rule::ReadWriteOnlyChanged),
    // Nullability.
    ("response-property-became-nullable", Err, Rule::ResponseMadeNullable),
    ("response-body-became-nullable", Err, Rule::ResponseMadeNullable),
    ("response-header-became-nullable", Err, Rule::ResponseMadeNullable),
    ("response-property-became-not-nullable", Info, Rule::ResponseMadeNonNullable),
    ("response-body-became-not-nullable", Info, Rule::ResponseMadeNonNullable),
    ("response-header-became-not-nullable", Info, Rule::ResponseMadeNonNullable),
    ("request-property-became-nullable", Info, Rule::RequestMadeNullable),
    ("request-body-became-nullable", Info, Rule::RequestMadeNullable),
    ("request-parameter-became-nullable", Info, Rule::RequestMadeNullable),
    ("request-property-became-not-nullable", Err, Rule::RequestMadeNonNullable),
    ("request-body-became-not-nullable", Err, Rule::RequestMadeNonNullable),
    ("request-parameter-became-not-nullable", Err, Rule::RequestMadeNonNullable),
    // Types and formats (oasdiff folds a format change into its type change).
    ("request-parameter-type-changed", Err, Rule::TypeChanged),
    ("request-property-type-changed", Err, Rule::TypeChanged),
    ("request-body-type-changed", Err, Rule::TypeChanged),
    ("response-property-type-changed", Err, Rule::TypeChanged),
    ("response-body-type-changed", Err, Rule::TypeChanged),
    ("response-header-type-changed", Err, Rule::TypeChanged),
    // Enums.
    ("request-parameter-enum-value-added", Info, Rule::RequestEnumValueAdded),
    ("request-property-enum-value-added", Info, Rule::RequestEnumValueAdded),
    ("request-parameter-enum-value-removed", Err, Rule::RequestEnumValueRemoved),
    ("request-property-enum-value-removed", Err, Rule::RequestEnumValueRemoved),
    ("request-body-enum-value-removed", Err, Rule::RequestEnumValueRemoved),
    ("request-parameter-became-enum", Err, Rule::RequestBecameEnum),
    ("request-property-became-enum", Err, Rule::RequestBecameEnum),
    ("request-body-became-enum", Err, Rule::RequestBecameEnum),
    ("response-property-enum-value-added", Warn, Rule::ResponseEnumValueAdded),
    ("response-property-enum-value-removed", Info, Rule::ResponseEnumValueRemoved),
    ("response-mediatype-enum-value-removed", Info, Rule::ResponseEnumValueRemoved),
    // Defaults.
    ("request-parameter-default-value-changed", Info, Rule::DefaultChanged),
    ("request-parameter-default-value-removed", Info, Rule::DefaultChanged),
    ("request-property-default-value-changed", Info, Rule::DefaultChanged),
    ("request-property-default-value-removed", Info, Rule::DefaultChanged),
    ("request-body-default-value-changed", Info, Rule::DefaultChanged),
    ("request-body-default-value-removed", Info, Rule::DefaultChanged),
    ("response-property-default-value-changed", Info, Rule::DefaultChanged),
    ("response-property-default-value-removed", Info, Rule::DefaultChanged),
    ("response-body-default-value-changed", Info, Rule::DefaultChanged),
    ("response-body-default-value-removed", Info, Rule::DefaultChanged),
    ("request-parameter-default-value-added", Info, Rule::DefaultAdded),
    ("request-property-default-value-added", Info, Rule::DefaultAdded),
    ("request-body-default-value-added", Info, Rule::DefaultAdded),
    ("response-property-default-value-added", Info, Rule::DefaultAdded),
    ("response-body-default-value-added", Info, Rule::DefaultAdded),
    // Request constraints, tightened.
    ("request-parameter-max-length-set", Err, Rule::RequestConstraintTightened),
    ("request-parameter-max-length-decreased", Err, Rule::RequestConstraintTightened),
    ("request-parameter-min-length-increased", Err, Rule::RequestConstraintTightened),
    ("request-parameter-max-set", Err, Rule::RequestConstraintTightened),
    ("request-parameter-max-decreased", Err, Rule::RequestConstraintTightened),
    ("request-parameter-min-set", Err, Rule::RequestConstraintTightened),
    ("request-parameter-min-increased", Err, Rule::RequestConstraintTightened),
    ("request-parameter-exclusive-max-set", Err, Rule::RequestConstraintTightened),
    ("request-parameter-exclusive-max-decreased", Err, Rule::RequestConstraintTightened),
    ("request-parameter-exclusive-min-set", Err, Rule::RequestConstraintTightened),
    ("request-parameter-exclusive-min-increased", Err, Rule::RequestConstraintTightened),
    ("request-parameter-max-items-decreased", Err, Rule::RequestConstraintTightened),
    ("request-parameter-min-items-set", Err, Rule::RequestConstraintTightened),
    ("request-parameter-min-items-increased", Err, Rule::RequestConstraintTightened),
    ("request-parameter-pattern-added", Err, Rule::RequestConstraintTightened),
    ("request-property-max-length-set", Err, Rule::RequestConstraintTightened),
    ("request-property-max-length-decreased", Err, Rule::RequestConstraintTightened),
    ("request-property-min-length-increased", Err, Rule::RequestConstraintTightened),
    ("request-property-max-set", Err, Rule::RequestConstraintTightened),
    ("request-property-max-decreased", Err, Rule::RequestConstraintTightened),
    ("request-property-min-set", Err, Rule::RequestConstraintTightened),
    ("request-property-min-increased", Err, Rule::RequestConstraintTightened),
    ("request-property-exclusive-max-set", Err, Rule::RequestConstraintTightened),
    ("request-property-exclusive-max-decreased", Err, Rule::RequestConstraintTightened),
    ("request-property-exclusive-min-set", Err, Rule::RequestConstraintTightened),
    ("request-property-exclusive-min-increased", Err, Rule::RequestConstraintTightened),
    ("request-property-max-items-set", Err, Rule::RequestConstraintTightened),
    ("request-property-max-items-decreased", Err, Rule::RequestConstraintTightened),
    ("request-property-min-items-set", Err, Rule::RequestConstraintTightened),
    ("request-property-min-items-increased", Err, Rule::RequestConstraintTightened),
    ("request-property-max-properties-set", Err, Rule::RequestConstraintTightened),
    ("request-property-max-properties-decreased", Err, Rule::RequestConstraintTightened),
    ("request-property-min-properties-increased", Err, Rule::RequestConstraintTightened),
    ("request-property-unique-items-set", Err, Rule::RequestConstraintTightened),
    ("request-property-multiple-of-set", Err, Rule::RequestConstraintTightened),
    ("request-property-multiple-of-changed", Err, Rule::RequestConstraintTightened),
    ("request-property-pattern-added", Err, Rule::RequestConstraintTightened),
    ("request-body-max-length-set", Err, Rule::RequestConstraintTightened),
    ("request-body-max-length-decreased", Err, Rule::RequestConstraintTightened),
    ("request-body-min-length-increased", Err, Rule::RequestConstraintTightened),
    ("request-body-max-set", Err, Rule::RequestConstraintTightened),
    ("request-body-max-decreased", Err, Rule::RequestConstraintTightened),
    ("request-body-min-set", Err, Rule::RequestConstraintTightened),
    ("request-body-min-increased", Err, Rule::RequestConstraintTightened),
    ("request-body-exclusive-max-set", Err, Rule::RequestConstraintTightened),
    ("request-body-exclusive-max-decreased", Err, Rule::RequestConstraintTightened),
    ("request-body-exclusive-min-set", Err, Rule::RequestConstraintTightened),
    ("request-body-exclusive-min-increased", Err, Rule::RequestConstraintTightened),
    ("request-body-max-items-set", Err, Rule::RequestConstraintTightened),
    ("request-body-max-items-decreased", Err, Rule::RequestConstraintTightened),
    ("request-body-min-items-set", Err, Rule::RequestConstraintTightened),
    ("request-body-min-items-increased", Err, Rule::RequestConstraintTightened),
    ("request-body-max-properties-set", Err, Rule::RequestConstraintTightened),
    ("request-body-max-properties-decreased", Err, Rule::RequestConstraintTightened),
    ("request-body-min-properties-increased", Err, Rule::RequestConstraintTightened),
    ("request-body-unique-items-set", Err, Rule::RequestConstraintTightened),
    ("request-body-multiple-of-set", Err, Rule::RequestConstraintTightened),
    ("request-body-multiple-of-changed", Err, Rule::RequestConstraintTightened),
    // Request constraints, loosened.
    ("request-parameter-max-length-increased", Info, Rule::RequestConstraintLoosened),
    ("request-parameter-min-length-decreased", Info, Rule::RequestConstraintLoosened),
    ("request-parameter-max-increased", Info, Rule::RequestConstraintLoosened),
    ("request-parameter-min-decreased", Info, Rule::RequestConstraintLoosened),
    ("request-parameter-exclusive-max-increased", Info, Rule::RequestConstraintLoosened),
    ("request-parameter-exclusive-min-decreased", Info, Rule::RequestConstraintLoosened),
    ("request-parameter-max-items-increased", Info, Rule::RequestConstraintLoosened),
    ("request-parameter-min-items-decreased", Info, Rule::RequestConstraintLoosened),
    ("request-parameter-pattern-removed", Info, Rule::RequestConstraintLoosened),
    ("request-property-max-length-increased", Info, Rule::RequestConstraintLoosened),
    ("request-property-min-length-decreased", Info, Rule::RequestConstraintLoosened),
    ("request-property-max-increased", Info, Rule::RequestConstraintLoosened),
    ("request-property-min-decreased", Info, Rule::RequestConstraintLoosened),
    ("request-property-exclusive-max-increased", Info, Rule::RequestConstraintLoosened),
    ("request-property-exclusive-min-decreased", Info, Rule::RequestConstraintLoosened),
    ("request-property-max-items-increased", Info, Rule::RequestConstraintLoosened),
    ("request-property-max-properties-increased", Info, Rule::RequestConstraintLoosened),
    ("request-property-unique-items-unset", Info, Rule::RequestConstraintLoosened),
    ("request-property-multiple-of-unset", Info, Rule::RequestConstraintLoosened),
    ("request-property-multiple-of-generalized", Info, Rule::RequestConstraintLoosened),
    ("request-property-pattern-removed", Info, Rule::RequestConstraintLoosened),
    ("request-body-max-length-increased", Info, Rule::RequestConstraintLoosened),
    ("request-body-min-length-decreased", Info, Rule::RequestConstraintLoosened),
    ("request-body-max-increased", Info, Rule::RequestConstraintLoosened),
    ("request-body-min-decreased", Info, Rule::RequestConstraintLoosened),
    ("request-body-exclusive-max-increased", Info, Rule::RequestConstraintLoosened),
    ("request-body-exclusive-min-decreased", Info, Rule::RequestConstraintLoosened),
    ("request-body-max-items-increased", Info, Rule::RequestConstraintLoosened),
    ("request-body-max-properties-increased", Info, Rule::RequestConstraintLoosened),
    ("request-body-unique-items-unset", Info, Rule::RequestConstraintLoosened),
    ("request-body-multiple-of-unset", Info, Rule::RequestConstraintLoosened),
    ("request-body-multiple-of-generalized", Info, Rule::RequestConstraintLoosened),
    // Response constraints, loosened.
    ("response-property-max-length-increased", Err, Rule::ResponseConstraintLoosened),
    ("response-property-max-length-unset", Err, Rule::ResponseConstraintLoosened),
    ("response-property-min-length-decreased", Err, Rule::ResponseConstraintLoosened),
    ("response-property-max-increased", Err, Rule::ResponseConstraintLoosened),
    ("response-property-min-decreased", Err, Rule::ResponseConstraintLoosened),
    ("response-property-exclusive-max-increased", Err, Rule::ResponseConstraintLoosened),
    ("response-property-exclusive-min-decreased", Err, Rule::ResponseConstraintLoosened),
    ("response-property-min-items-decreased", Err, Rule::ResponseConstraintLoosened),
    ("response-property-min-items-unset", Err, Rule::ResponseConstraintLoosened),
    ("response-property-max-items-increased", Err, Rule::ResponseConstraintLoosened),
    ("response-property-max-properties-increased", Err, Rule::ResponseConstraintLoosened),
    ("response-property-min-properties-decreased", Err, Rule::ResponseConstraintLoosened),
    ("response-property-unique-items-unset", Err, Rule::ResponseConstraintLoosened),
    ("response-property-multiple-of-unset", Err, Rule::ResponseConstraintLoosened),
    ("response-property-multiple-of-changed", Err, Rule::ResponseConstraintLoosened),
    ("response-property-pattern-removed", Err, Rule::ResponseConstraintLoosened),
    ("response-body-max-length-increased", Err, Rule::ResponseConstraintLoosened),
    ("response-body-max-length-unset", Err, Rule::ResponseConstraintLoosened),
    ("response-body-min-length-decreased", Err, Rule::ResponseConstraintLoosened),
    ("response-body-max-increased", Err, Rule::ResponseConstraintLoosened),
    ("response-body-min-decreased", Err, Rule::ResponseConstraintLoosened),
    ("response-body-exclusive-max-increased", Err, Rule::ResponseConstraintLoosened),
    ("response-body-exclusive-min-decreased", Err, Rule::ResponseConstraintLoosened),
    ("response-body-min-items-decreased", Err, Rule::ResponseConstraintLoosened),
    ("response-body-min-items-unset", Err, Rule::ResponseConstraintLoosened),
    ("response-body-max-items-increased", Err, Rule::ResponseConstraintLoosened),
    ("response-body-max-properties-increased", Err, Rule::ResponseConstraintLoosened),
    ("response-body-min-properties-decreased", Err, Rule::ResponseConstraintLoosened),
    ("response-body-unique-items-unset", Err, Rule::ResponseConstraintLoosened),
    ("response-body-multiple-of-unset", Err, Rule::ResponseConstraintLoosened),
    ("response-body-multiple-of-changed", Err, Rule::ResponseConstraintLoosened),
    // Response constraints, tightened.
    ("response-property-pattern-added", Info, Rule::ResponseConstraintTightened),
    ("response-property-multiple-of-specialized", Info, Rule::ResponseConstraintTightened),
    ("response-body-multiple-of-specialized", Info, Rule::ResponseConstraintTightened),
    // Constraints that cannot be judged by inspection.
    ("request-parameter-pattern-changed", Warn, Rule::ConstraintChanged),
    ("request-property-pattern-changed", Warn, Rule::ConstraintChanged),
    ("response-property-pattern-changed", Warn, Rule::ConstraintChanged),
    // Responses and their headers.
    ("response-success-status-removed", Err, Rule::SuccessResponseRemoved),
    ("response-success-status-added", Info, Rule::SuccessResponseAdded),
    ("response-non-success-status-removed", Info, Rule::ErrorResponseRemoved),
    ("response-non-success-status-added", Info, Rule::ErrorResponseAdded),
    ("response-header-added", Info, Rule::ResponseHeaderAdded),
    ("required-response-header-removed", Err, Rule::RequiredResponseHeaderRemoved),
    ("optional-response-header-removed", Warn, Rule::OptionalResponseHeaderRemoved),
    ("response-header-became-optional", Err, Rule::ResponseHeaderMadeOptional),
    // Security.
    ("api-security-removed", Err, Rule::SecurityAlternativeRemoved),
    ("api-global-security-removed", Err, Rule::SecurityAlternativeRemoved),
    ("api-security-added", Info, Rule::SecurityAlternativeAdded),
    ("api-global-security-added", Info, Rule::SecurityAlternativeAdded),
    ("api-security-scope-added", Err, Rule::SecurityScopeAdded),
    ("api-global-security-scope-added", Err, Rule::SecurityScopeAdded),
    ("api-security-scope-removed", Info, Rule::SecurityScopeRemoved),
    ("api-global-security-scope-removed", Info, Rule::SecurityScopeRemoved),
    ("api-security-component-added", Info, Rule::SecuritySchemeAdded),
    ("api-security-component-removed", Info, Rule::SecuritySchemeRemoved),
    ("api-security-component-type-changed", Info, Rule::SecuritySchemeChanged),
    ("api-security-component-oauth-url-changed", Info, Rule::SecuritySchemeChanged),
    ("api-security-component-oauth-token-url-changed", Info, Rule::SecuritySchemeChanged),
    ("api-security-component-oauth-scope-added", Info, Rule::SecuritySchemeChanged),
    ("api-security-component-oauth-scope-removed", Info, Rule::SecuritySchemeChanged),
    ("api-security-component-oauth-scope-changed", Info, Rule::SecuritySchemeChanged),
];

/// Why a rule gives another class than oasdiff's level for some of the ids it
/// covers. Every such rule has an entry (checked by a test).
pub const DIFFERS: &[(Rule, &str)] = &[
    (
        Rule::OperationRemoved,
        "oasdiff is INFO when the operation was deprecated first; we stay breaking: a deprecated operation still has callers, and its Client method still disappears",
    ),
    (
        Rule::ParameterRemoved,
        "oasdiff is INFO when the parameter was deprecated first; we keep needs review, as for any removed parameter",
    ),
    (
        Rule::RequestFieldBecameReadOnly,
        "oasdiff is INFO; progenitor generates one type for both directions, so clients keep setting the field and nothing tells them the server ignores it",
    ),
    (
        Rule::ResponseFieldBecameWriteOnly,
        "oasdiff is INFO; the server stops returning the field while the generated type keeps it, so readers silently get nothing",
    ),
    (
        Rule::ReadWriteOnlyChanged,
        "oasdiff is WARN for a required response field that stops being writeOnly; we see a field that now also flows in responses, which clients ignore until they read it",
    ),
    (
        Rule::DefaultChanged,
        "oasdiff is INFO; a changed or removed default changes what the server does for requests that leave the value out, and progenitor's types fill response defaults in, so a reviewer should look",
    ),
    (
        Rule::ErrorResponseRemoved,
        "oasdiff is INFO; our client decodes documented errors into its error type, and one the server still sends arrives as unexpected instead",
    ),
    (
        Rule::SecuritySchemeChanged,
        "oasdiff is INFO; a scheme that changes type, URLs or scopes changes which credentials work, which the spec cannot tell",
    ),
];

/// What oasdiff detects that these rules do not (or do not at oasdiff's precision).
pub const UNDETECTED: &[&str] = &[
    "sunset dates and stability levels (x-sunset, x-stability-level: api-sunset-*, *-sunset-*, *-stability-*, api-deprecated-sunset-*)",
    "x-extensible-enum values (*-x-extensible-enum-value-removed)",
    "discriminators (*-discriminator-*)",
    "allOf/anyOf/oneOf members one by one (*-all-of-*, *-any-of-*, *-one-of-*, *-wrapped-in-one-of*): a change to a composition keyword is one needs-review row",
    "properties of object-valued parameters and headers (request-parameter-property-*, new-required-request-header-property, request-header-property-*)",
    "widening and narrowing of types and formats (*-type-generalized, *-type-specialized, *-type-compatible, *-list-of-types-*): every type or format change is breaking",
    "media type names made more general or specific (response-media-type-name-*): seen as one removed and one added",
    "readOnly request properties exempted from constraint and enum rules (request-read-only-property-*): progenitor sends them, so their constraints are judged like any other",
    "response header type widening (response-header-type-generalized, -specialized, -compatible)",
    "schemas removed from components (api-schema-removed) and tags (api-tag-*): no wire change; the Rust rows show removed types",
    "version policy (api-version-not-bumped, api-version-decreased, api-major-version-not-bumped)",
    "OpenAPI 3.1 and 3.2 keywords (webhooks, const, if/then/else, prefixItems, contains, dependent*, patternProperties, propertyNames, unevaluated*, content*, itemSchema): this tool reads 3.0 documents",
];

/// How many distinct oasdiff rule ids the rules cover.
pub fn covered() -> usize {
    let mut ids: Vec<&str> = MAPPING.iter().map(|(id, ..)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// The oasdiff ids a rule covers.
pub fn ids_of(rule: Rule) -> impl Iterator<Item = (&'static str, Level)> {
    MAPPING
        .iter()
        .filter(move |(_, _, r)| *r == rule)
        .map(|(id, level, _)| (*id, *level))
}

/// Why the rule differs from oasdiff, when it does.
pub fn differs(rule: Rule) -> Option<&'static str> {
    DIFFERS.iter().find(|(r, _)| *r == rule).map(|(_, why)| *why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_difference_is_explained() {
        for (id, level, rule) in MAPPING {
            if level.class() != rule.class() {
                assert!(
                    differs(*rule).is_some(),
                    "{id} is {} in oasdiff but {} is {}: add a DIFFERS entry",
                    level.key(),
                    rule.id(),
                    rule.class().label()
                );
            }
        }
        for (rule, _) in DIFFERS {
            assert!(
                ids_of(*rule).any(|(_, level)| level.class() != rule.class()),
                "{} has a DIFFERS entry but agrees with oasdiff",
                rule.id()
            );
        }
    }

    #[test]
    fn no_oasdiff_id_is_claimed_twice() {
        assert_eq!(covered(), MAPPING.len());
    }

    #[test]
    fn the_coverage_count_is_what_the_report_says() {
        // README "Reviewing an API change" and `--list-rules` state this number.
        assert_eq!(covered(), 271);
    }
}
