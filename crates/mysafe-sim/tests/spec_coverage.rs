//! The simulator serves every operation of `openapi/mysafe.yaml` at its method and
//! path, under the spec's `/api` prefix and under `/iso`: an operation added to the
//! spec fails here until the simulator serves it.

mod common;

use std::path::Path;

use common::*;
use serde_yaml_ng::Value;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// (method, path, operationId) of every operation in the spec.
fn spec_operations() -> Vec<(String, String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/mysafe.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec: Value = serde_yaml_ng::from_str(&text).expect("the spec is YAML");
    let mut operations = Vec::new();
    for (path, item) in spec["paths"].as_mapping().expect("paths") {
        for method in METHODS {
            if let Some(id) = item[method]["operationId"].as_str() {
                let path = path.as_str().expect("path").replace("{identifier}", "1");
                operations.push((method.to_uppercase(), path, id.to_owned()));
            }
        }
    }
    operations
}

#[tokio::test]
async fn every_spec_operation_is_routed_to_its_operation_id() {
    let operations = spec_operations();
    assert_eq!(
        operations.len(),
        19,
        "the spec's operation count changed: {operations:?}"
    );
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    for (method, path, id) in operations {
        let iso = path.replacen("/api/", "/iso/", 1);
        assert_ne!(iso, path, "{path} starts with /api/");
        for (prefix, path) in [("/api", &path), ("/iso", &iso)] {
            sim.reset_stats();
            let response = http()
                .request(method.parse().unwrap(), format!("{}{path}", sim.url()))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_ne!(response.status(), 404, "{method} {path} is not served");
            let stats = sim.stats();
            assert_eq!(
                stats.by_operation.get(&id),
                Some(&1),
                "{method} {path}: {stats:?}"
            );
            assert_eq!(stats.requests, 1);
            assert_eq!(
                stats.by_prefix.into_iter().collect::<Vec<_>>(),
                [(prefix.to_owned(), 1)],
                "{method} {path}"
            );
        }
    }
}
