//! The fixture manifest and the spec, as the doc-example tests read them.

use std::path::{Path, PathBuf};

use openapiv3::{OpenAPI, ReferenceOr, StatusCode};
use serde::Deserialize;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One entry of `openapi/examples/manifest.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub file: String,
    pub source: String,
    pub line: u32,
    pub doc_version: String,
    pub language: String,
    pub operation: String,
    pub kind: Kind,
    pub status: Option<u16>,
    pub correction: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Request,
    Response,
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Kind::Request => "request",
            Kind::Response => "response",
        })
    }
}

impl Example {
    pub fn path(&self) -> PathBuf {
        // Canonical, so that it compares equal to the paths insta's glob! yields.
        let path = workspace_root().join("openapi/examples").join(&self.file);
        path.canonicalize().unwrap_or(path)
    }
}

pub fn manifest() -> Vec<Example> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Manifest {
        example: Vec<Example>,
    }
    let path = workspace_root().join("openapi/examples/manifest.toml");
    let text = std::fs::read_to_string(&path).expect("openapi/examples/manifest.toml");
    let manifest: Manifest = toml::from_str(&text).unwrap_or_else(|e| panic!("manifest.toml: {e}"));
    manifest.example
}

/// The parts of the spec the tests need.
pub struct SpecIndex {
    openapi: OpenAPI,
}

impl SpecIndex {
    pub fn load() -> Self {
        let path = workspace_root().join("openapi/mysafe.yaml");
        let text = std::fs::read_to_string(&path).expect("openapi/mysafe.yaml");
        let openapi = serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("mysafe.yaml: {e}"));
        Self { openapi }
    }

    fn operations(&self) -> impl Iterator<Item = (&str, &str, &openapiv3::Operation)> {
        self.openapi.paths.iter().flat_map(|(path, item)| {
            let item = item.as_item().expect("no external path items");
            item.iter()
                .map(move |(method, op)| (path.as_str(), method, op))
        })
    }

    pub fn operation_ids(&self) -> Vec<&str> {
        self.operations()
            .filter_map(|(_, _, op)| op.operation_id.as_deref())
            .collect()
    }

    fn operation(&self, id: &str) -> Result<&openapiv3::Operation, String> {
        self.operations()
            .find(|(_, _, op)| op.operation_id.as_deref() == Some(id))
            .map(|(_, _, op)| op)
            .ok_or_else(|| format!("the spec has no operation {id}"))
    }

    /// The component schema a fixture decodes as.
    pub fn schema_for(&self, example: &Example) -> Result<String, String> {
        let op = self.operation(&example.operation)?;
        match example.kind {
            Kind::Request => {
                let body = op
                    .request_body
                    .as_ref()
                    .ok_or_else(|| format!("{} takes no request body", example.operation))?;
                let body = self.resolve_body(body);
                body.content
                    .values()
                    .next()
                    .and_then(|m| m.schema.as_ref())
                    .and_then(ref_name)
                    .ok_or_else(|| format!("{} has no named body schema", example.operation))
            }
            Kind::Response => {
                let status = example.status.ok_or("a response example needs a status")?;
                let response = op
                    .responses
                    .responses
                    .get(&StatusCode::Code(status))
                    .ok_or_else(|| {
                        format!("{} documents no {status} response", example.operation)
                    })?;
                self.response_schema(response)
                    .ok_or_else(|| format!("{} {status} has no named schema", example.operation))
            }
        }
    }

    fn resolve_body<'a>(
        &'a self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
    ) -> &'a openapiv3::RequestBody {
        match body {
            ReferenceOr::Item(body) => body,
            ReferenceOr::Reference { reference } => {
                let name = reference.rsplit('/').next().unwrap();
                let components = self.openapi.components.as_ref().unwrap();
                components.request_bodies[name].as_item().unwrap()
            }
        }
    }

    fn response_schema(&self, response: &ReferenceOr<openapiv3::Response>) -> Option<String> {
        let response = match response {
            ReferenceOr::Item(r) => r,
            ReferenceOr::Reference { reference } => {
                let name = reference.rsplit('/').next()?;
                self.openapi
                    .components
                    .as_ref()?
                    .responses
                    .get(name)?
                    .as_item()?
            }
        };
        response
            .content
            .values()
            .next()
            .and_then(|m| m.schema.as_ref())
            .and_then(ref_name)
    }

    /// One line per operation: method, path, operation id, parameters, request body,
    /// success type and error type.
    pub fn surface(&self) -> String {
        let mut lines = Vec::new();
        for (path, method, op) in self.operations() {
            let id = op.operation_id.as_deref().unwrap_or("?");
            let params: Vec<String> = op
                .parameters
                .iter()
                .map(|p| match p {
                    ReferenceOr::Reference { reference } => {
                        let name = reference.rsplit('/').next().unwrap();
                        let components = self.openapi.components.as_ref().unwrap();
                        param_line(components.parameters[name].as_item().unwrap())
                    }
                    ReferenceOr::Item(p) => param_line(p),
                })
                .collect();
            let body = op.request_body.as_ref().map(|b| {
                let body = self.resolve_body(b);
                let (mime, media) = body.content.first().unwrap();
                let schema = media.schema.as_ref().and_then(ref_name).unwrap_or_default();
                format!("body {schema} ({mime})")
            });
            let mut success = Vec::new();
            let mut errors = Vec::new();
            for (status, response) in &op.responses.responses {
                let schema = self
                    .response_schema(response)
                    .unwrap_or_else(|| "()".into());
                let code = status.to_string();
                if code.starts_with('2') {
                    success.push(format!("{code} {schema}"));
                } else {
                    errors.push(code);
                    if !errors.contains(&schema) {
                        errors.push(schema);
                    }
                }
            }
            let mut line = format!("{} {path}  {id}", method.to_uppercase());
            if !params.is_empty() {
                line.push_str(&format!("\n    params: {}", params.join(", ")));
            }
            if let Some(body) = body {
                line.push_str(&format!("\n    {body}"));
            }
            line.push_str(&format!("\n    ok: {}", success.join(", ")));
            line.push_str(&format!("\n    errors: {}", summarize_errors(&errors)));
            lines.push(line);
        }
        format!("{} operations\n\n{}\n", lines.len(), lines.join("\n"))
    }
}

/// `["400", "ErrorBody", "401", ...]` as `400 401 ... -> ErrorBody`.
fn summarize_errors(items: &[String]) -> String {
    let codes: Vec<&str> = items
        .iter()
        .filter(|s| s.chars().all(|c| c.is_ascii_digit()))
        .map(String::as_str)
        .collect();
    let schemas: Vec<&str> = items
        .iter()
        .filter(|s| !s.chars().all(|c| c.is_ascii_digit()))
        .map(String::as_str)
        .collect();
    format!("{} -> {}", codes.join(" "), schemas.join(" | "))
}

fn param_line(p: &openapiv3::Parameter) -> String {
    let (kind, data) = match p {
        openapiv3::Parameter::Path { parameter_data, .. } => ("path", parameter_data),
        openapiv3::Parameter::Query { parameter_data, .. } => ("query", parameter_data),
        openapiv3::Parameter::Header { parameter_data, .. } => ("header", parameter_data),
        openapiv3::Parameter::Cookie { parameter_data, .. } => ("cookie", parameter_data),
    };
    let ty = match &data.format {
        openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => match &s.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::String(_)) => "string",
            openapiv3::SchemaKind::Type(openapiv3::Type::Integer(_)) => "integer",
            openapiv3::SchemaKind::Type(openapiv3::Type::Boolean(_)) => "boolean",
            _ => "other",
        },
        _ => "other",
    };
    let required = if data.required { "" } else { "?" };
    format!("{}{required}: {ty} ({kind})", data.name)
}

fn ref_name(schema: &ReferenceOr<openapiv3::Schema>) -> Option<String> {
    match schema {
        ReferenceOr::Reference { reference } => reference.rsplit('/').next().map(str::to_owned),
        ReferenceOr::Item(_) => None,
    }
}
