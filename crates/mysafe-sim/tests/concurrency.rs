//! Many clients at once: every request answered, every one counted.

mod common;

use std::time::Duration;

use common::*;
use mysafe_sim::{Fault, FaultKind, Target};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_requests_are_all_answered_and_counted() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    let id = create_password(&sim, &token, "p").await;
    sim.reset_stats();

    let client = http();
    let url = format!("{}/api/mysafe/password/inactive/{id}", sim.url());
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let (client, url, token) = (client.clone(), url.clone(), token.clone());
            tokio::spawn(async move {
                client
                    .post(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        if task.await.unwrap().unwrap() == 200 {
            ok += 1;
        }
    }
    assert_eq!(ok, 1000);
    let stats = sim.stats();
    assert_eq!(stats.requests, 1000);
    assert_eq!(stats.by_operation["disable_password"], 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_request_does_not_hold_up_the_others() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    sim.inject(Fault::once(
        Target::Operation("list_notes".into()),
        FaultKind::Latency(Duration::from_secs(3)),
    ));
    let slow = {
        let (client, url, token) = (
            http(),
            format!("{}/api/mysafe/note", sim.url()),
            token.clone(),
        );
        tokio::spawn(async move {
            client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .map(|r| r.status())
        })
    };
    // Give the slow request time to reach the server and take the fault.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let fast = tokio::time::timeout(
        Duration::from_secs(2),
        call(&sim, &token, "GET", "/api/mysafe/password", None),
    )
    .await
    .expect("answered while the slow one waits");
    assert_eq!(fast.status, 200);
    assert!(!slow.is_finished());
    assert_eq!(slow.await.unwrap().unwrap(), 200);
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let url = sim.url();
    sim.shutdown().await;
    let err = http()
        .get(format!("{url}/api/mysafe/password"))
        .send()
        .await
        .expect_err("nobody listens");
    assert!(err.is_connect() || err.is_request(), "{err:?}");
}

#[tokio::test]
async fn an_empty_application_list_is_refused() {
    let err = mysafe_sim::spawn_with(mysafe_sim::SimConfig {
        applications: vec![],
        ..mysafe_sim::SimConfig::default()
    })
    .await
    .expect_err("no applications");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}
