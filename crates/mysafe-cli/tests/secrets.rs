//! No secret on stdout or stderr unless asked: items are created with known
//! secret values, every read command runs in every format, and no output holds a
//! known value or the client secret; `--reveal` and `--field` do show them (so
//! the search would find a leak).

mod cli_core_support;

use cli_core_support::{Env, Run};
use serde_json::json;

const PASSWORD: &str = "Known-Pa55-value-1";
const SECRET_KEY: &str = "JBSWY3DPEHPK3PXPKNOWNSEED";
const NOTE: &str = "known note content 2";
const API_CLIENT_SECRET: &str = "Known-Api-Secret-3";

struct Items {
    password: String,
    note: String,
    api_secret: String,
}

async fn items(env: &Env) -> Items {
    let password = env
        .create_password(&json!({"name": "db", "username": "admin", "password": PASSWORD, "secret_key": SECRET_KEY}))
        .await;
    let note_body = env.file("note.json", &json!({"name": "n", "note": NOTE}).to_string());
    let note = env
        .run(&[
            "--format",
            "json",
            "note",
            "create",
            "--json-body",
            &note_body,
        ])
        .await
        .expect(0)
        .json()["identifier"]
        .as_str()
        .unwrap()
        .to_owned();
    let api_body = env.file(
        "api.json",
        &json!({"name": "ci", "url": "https://ci.example.com", "client_id": "ci", "client_secret": API_CLIENT_SECRET})
            .to_string(),
    );
    let api_secret = env
        .run(&[
            "--format",
            "json",
            "api-secret",
            "create",
            "--json-body",
            &api_body,
        ])
        .await
        .expect(0)
        .json()["identifier"]
        .as_str()
        .unwrap()
        .to_owned();
    Items {
        password,
        note,
        api_secret,
    }
}

/// Panics if the run's stdout or stderr holds one of `secrets`.
#[track_caller]
fn assert_shows_none(run: &Run, secrets: &[&str], what: &str) {
    for secret in secrets {
        assert!(
            !run.stdout.contains(secret),
            "{what}: stdout shows a secret:\n{}",
            run.stdout
        );
        assert!(
            !run.stderr.contains(secret),
            "{what}: stderr shows a secret:\n{}",
            run.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_read_command_prints_a_secret_unless_asked() {
    let env = Env::start().await;
    let items = items(&env).await;
    let client_secret = env.sim.client_secret().to_owned();
    let secrets = [
        PASSWORD,
        SECRET_KEY,
        NOTE,
        API_CLIENT_SECRET,
        client_secret.as_str(),
    ];

    let mut commands: Vec<Vec<String>> = vec![vec!["token".into()]];
    for (noun, id) in [
        ("password", &items.password),
        ("note", &items.note),
        ("api-secret", &items.api_secret),
    ] {
        for format in ["table", "json", "jsonl"] {
            commands.push(vec![
                "--format".into(),
                format.into(),
                noun.into(),
                "list".into(),
            ]);
            commands.push(vec![
                "--format".into(),
                format.into(),
                noun.into(),
                "get".into(),
                id.clone(),
            ]);
        }
        commands.push(vec![
            noun.into(),
            "update".into(),
            id.clone(),
            "--name".into(),
            "renamed".into(),
        ]);
        commands.push(vec![
            noun.into(),
            "get".into(),
            id.clone(),
            "--field".into(),
            "name".into(),
        ]);
    }
    for command in &commands {
        let args: Vec<&str> = command.iter().map(String::as_str).collect();
        let run = env.run(&args).await.expect(0);
        assert_shows_none(&run, &secrets, &command.join(" "));
    }
    assert!(commands.len() >= 25);
}

#[tokio::test(flavor = "multi_thread")]
async fn asking_shows_the_secret() {
    let env = Env::start().await;
    let items = items(&env).await;
    let revealed = env
        .run(&[
            "--format",
            "json",
            "password",
            "get",
            &items.password,
            "--reveal",
        ])
        .await
        .expect(0);
    assert!(revealed.stdout.contains(PASSWORD) && revealed.stdout.contains(SECRET_KEY));
    let field = env
        .run(&["password", "get", &items.password, "--field", "password"])
        .await;
    assert_eq!(field.expect(0).stdout, format!("{PASSWORD}\n"));
    let note = env
        .run(&["note", "get", &items.note, "--reveal", "--format", "json"])
        .await;
    assert_eq!(note.expect(0).json()["note"], NOTE);
    let api = env
        .run(&[
            "api-secret",
            "get",
            &items.api_secret,
            "--field",
            "client_secret",
        ])
        .await;
    assert_eq!(api.expect(0).stdout, format!("{API_CLIENT_SECRET}\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_print_no_secret() {
    let env = Env::start().await;
    let client_secret = env.sim.client_secret().to_owned();
    let secrets = [PASSWORD, client_secret.as_str()];

    // A refused login, a missing item, a body that does not parse, a body of the
    // wrong shape, a field of the wrong value: none shows a secret.
    let mut wrong = env.command(&["token"]);
    wrong.env("MYSAFE_CLIENT_SECRET", format!("{client_secret}-wrong"));
    let output = wrong.output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains(&client_secret), "{stderr}");

    let missing = env.run(&["password", "get", "999999"]).await.expect(2);
    assert_shows_none(&missing, &secrets, "not found");

    let broken = env.file(
        "broken.json",
        &format!("{{\"password\": \"{PASSWORD}\" x}}"),
    );
    let run = env
        .run(&["password", "create", "--json-body", &broken])
        .await
        .expect(1);
    assert_shows_none(&run, &secrets, "broken JSON");

    let shape = env.file("shape.json", &format!("{{\"name\": \"n\", \"username\": \"u\", \"password\": \"{PASSWORD}\", \"tags\": [\"{PASSWORD}\"]}}"));
    let run = env
        .run(&["password", "create", "--json-body", &shape])
        .await
        .expect(1);
    assert_shows_none(&run, &secrets, "wrong shape");

    let empty_name = env.file(
        "empty-name.json",
        &json!({"name": "", "username": "u", "password": PASSWORD}).to_string(),
    );
    let run = env
        .run(&["password", "create", "--json-body", &empty_name])
        .await
        .expect(1);
    assert_shows_none(&run, &secrets, "an empty name");
}
