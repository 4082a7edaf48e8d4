//! What `docs check` reports as new or different: keys of accepted examples,
//! documented parameters and fields in each format the vendor exports, MySafe
//! error codes and outcome messages the spec does not know. Pages are written
//! here; the vendor's pages are used when they are beside the workspace.

use std::path::PathBuf;

use super::check::{self, FailOn, Report};
use super::tests::{check, spec, vendor_docs};
use super::*;

fn page(label: &str, text: &str) -> PageFile {
    PageFile {
        path: PathBuf::from(label),
        label: label.to_owned(),
        text: text.to_owned(),
    }
}

fn report(pages: &[PageFile]) -> Report {
    check::check(&spec(), pages).unwrap()
}

/// The report lines that are not "accepted" example lines.
fn findings(text: &str) -> Vec<String> {
    check(text)
        .into_iter()
        .filter(|l| !l.ends_with(": accepted") && l != " no JSON example")
        .collect()
}

const GET_PASSWORD_200: &str = r#"{
    "code": 200,
    "response": {"status": 200, "message": "Success", "Message": "Success"},
    "password_entity": {
        "identifier": "5",
        "name": "gmail",
        "password": "s3cr3t-value",
        "users_allowed": [{"username": "ana", "can_edit": true}]
    }
}"#;

fn get_password_page(example: &str) -> String {
    format!(
        "# GET | List a password by [identifier]\n\n`GET` `api/mysafe/password/[identifier]`\n\n\
         ## Response\n\n```json\nHTTP/1.1 200 OK\n```\n```json\n{example}\n```\n"
    )
}

#[test]
fn keys_the_schema_does_not_describe_are_new_on_the_examples_line() {
    let added = GET_PASSWORD_200.replace(
        "\"name\": \"gmail\",",
        "\"name\": \"gmail\", \"expires_at\": \"2031-01-01\", \"rotation_policy\": {\"days\": 90, \"next\": \"x\"},",
    );
    let added = added.replace(
        "\"can_edit\": true}",
        "\"can_edit\": true, \"since\": \"2020\"}",
    );
    let lines = findings(&get_password_page(&added));
    assert_eq!(
        lines,
        [
            "11: get_password 200: accepted, new: /password_entity/expires_at, \
          /password_entity/rotation_policy, /password_entity/users_allowed/0/since"
        ]
    );
    for value in ["2031-01-01", "90", "2020", "s3cr3t"] {
        assert!(!lines[0].contains(value), "a value leaked: {lines:?}");
    }
    // `Message` is listed in the spec's x-unmodelled-keys: not new.
    assert!(findings(&get_password_page(GET_PASSWORD_200)).is_empty());
}

/// The "Done when" case of issue 15 on the vendor's own page.
#[test]
fn the_vendor_get_password_page_with_two_added_fields_reports_both_pointers() {
    let Some(dir) = vendor_docs() else { return };
    let original = std::fs::read_to_string(
        dir.join("v3.33-en/Passwords__GET__List_a_password_by_identifier.md"),
    )
    .unwrap();
    let unchanged = report(&[page("get.md", &original)]);
    assert_eq!(unchanged.summary.with_new, 0, "{}", unchanged.text());
    assert!(
        !unchanged.summary.fails(FailOn::Any),
        "{}",
        unchanged.text()
    );
    assert!(
        !unchanged.text().contains(": new:") && !unchanged.text().contains("accepted, new"),
        "{}",
        unchanged.text()
    );

    let anchor = "\"groups_allowed\": []\n    }\n}";
    assert!(
        original.contains(anchor),
        "the page changed: update this test"
    );
    let changed = original.replace(
        anchor,
        "\"groups_allowed\": [],\n        \"expires_at\": \"2030-01-01T00:00:00Z\",\n        \
         \"rotation_policy\": {\"days\": 90, \"notify\": true}\n    }\n}",
    );
    let report = report(&[page("get.md", &changed)]);
    let text = report.text();
    assert!(
        text.contains(
            "get.md:30: get_password 200: accepted, new: /password_entity/expires_at, \
             /password_entity/rotation_policy\n"
        ),
        "{text}"
    );
    assert_eq!((report.summary.with_new, report.summary.new_keys), (1, 2));
    assert!(report.summary.fails(FailOn::New) && !report.summary.fails(FailOn::Rejected));
    assert!(!text.contains("2030"), "{text}");
}

#[test]
fn a_field_added_in_a_markdown_table_is_new_and_example_cells_are_not_quoted() {
    let page = "# GET | List a password by [identifier]\n\n`GET` `api/mysafe/password/[identifier]`\n\n\
                ### Response body fields\n\n\
                | Field | Type | Required | Description | Example |\n\
                | --- | --- | --- | --- | --- |\n\
                | `password_entity.identifier` | string | yes | The identifier | 5 |\n\
                | `password_entity.expires_at` | datetime | no | When it expires | 2030-01-01 |\n";
    let lines = findings(page);
    assert_eq!(
        lines,
        [
            "10: get_password response field /password_entity/expires_at: new: documented, not in the spec"
        ]
    );
    assert!(!lines[0].contains("2030"));
}

#[test]
fn a_parameter_added_in_a_portuguese_table_is_new() {
    let page = "# GET | Listar todas as senhas\n\n```\nGET {/* api */}{/* mysafe */}{/* password */}\n```\n\n\
                #### Parâmetros de requisição\n***Query***\n\n\
                | Campo | Tipo | Obrigatório | Descrição | Exemplo |\n| --- | --- | --- | --- | --- |\n\
                |```tag```| String | Não | Filtra pela tag | gmail |\n\
                |```limit```| Int | Não | Quantas senhas no máximo | 10 |\n";
    assert_eq!(
        findings(page),
        ["13: list_passwords query parameter limit: new: documented, not in the spec"]
    );
}

#[test]
fn a_field_added_in_an_html_table_is_new() {
    let page = "<h1>GET | List a password by [identifier]</h1>\n\
                <p><code>GET</code> <code>api/mysafe/password/[identifier]</code></p>\n\
                <h2>Response body fields</h2>\n<table>\n\
                <tr><th>Field</th><th>Type</th><th>Description</th></tr>\n\
                <tr><td><code>password_entity</code></td><td>object</td><td>The password</td></tr>\n\
                <tr>\n<td><code>expires_at</code></td>\n<td>string</td><td>When it expires</td>\n</tr>\n\
                </table>\n";
    assert_eq!(
        findings(page),
        ["7: get_password response field /expires_at: new: documented, not in the spec"]
    );
}

#[test]
fn a_field_added_in_an_html_bullet_list_is_new_under_its_parent() {
    let page = "# GET | List a password by [identifier]\n\n`GET` `api/mysafe/password/[identifier]`\n\n\
                ### Response body fields\n\n\
                <summary>&#8226; <code>password_entity</code> - <b>object</b> - Password data.</summary>\n<br>\n\
                <summary>&nbsp;&emsp;&emsp;&nbsp;→ <code>name</code> - <b>string</b> - Its name.</summary>\n<br>\n\
                <summary>&nbsp;&emsp;&emsp;&nbsp;→ <code>users_allowed</code> - <b>array of objects</b> - Shares.</summary>\n\
                <summary>&nbsp;&nbsp;&nbsp;&nbsp;&emsp;&emsp;&nbsp;&nbsp;&nbsp;&nbsp;→ <code>level</code> - <b>int</b> - Access level.</summary>\n\
                <summary>&nbsp;&emsp;&emsp;&nbsp;→ <code>expires_at</code> - <b>string</b> - When it expires.</summary>\n";
    assert_eq!(
        findings(page),
        [
            "12: get_password response field /password_entity/users_allowed/level: new: documented, not in the spec",
            "13: get_password response field /password_entity/expires_at: new: documented, not in the spec",
        ]
    );
}

#[test]
fn a_parameter_added_in_a_markdown_bullet_list_is_new() {
    let page = "# GET | List all passwords\n\n`GET` `api/mysafe/password`\n\n## Query parameters\n\n\
                Send the parameters below as **query** in the URL.\n\n\
                * `tag` - string - Filters passwords by tag.\n\
                * `limit` - int - At most this many passwords.\n";
    assert_eq!(
        findings(page),
        ["10: list_passwords query parameter limit: new: documented, not in the spec"]
    );
}

#[test]
fn a_field_added_on_a_plain_line_is_new() {
    let page = "## title: POST | Create note\n\nRequest\n\n POST \n\n\
                Send the parameters below in the request  of the URL.\n\n\
                name - string - required - Name of the note.\n\
                note - string - required - Its content.\n\
                colour - string - The colour of the note.\n";
    assert_eq!(
        findings(page),
        ["11: create_note request parameter colour: new: documented, not in the spec"]
    );
}

#[test]
fn a_parameter_added_in_a_tab_separated_table_is_new() {
    let page = "List all notes\n\nRequest\n\nGET api/mysafe/note\n\nQuery parameters\n\n\
                Field\tType\tRequired\tDescription\n\
                tag\tstring\tno\tFilters notes by tag\n\
                limit\tint\tno\tAt most this many notes\n";
    assert_eq!(
        findings(page),
        ["11: list_notes query parameter limit: new: documented, not in the spec"]
    );
}

#[test]
fn a_type_required_ness_or_place_that_differs_is_reported() {
    let page = "# POST | Create note\n\n`POST` `api/mysafe/note`\n\n## Request parameters\n\
                Send the parameters below in the request <b>body</b>.\n\n\
                * <summary><code>name</code> - <b>int</b> - <span style=\"color:red\">required</span> - Name.</summary>\n\
                * <summary><code>note</code> - <b>string</b> - <span style=\"color:red\">required</span> - Content.</summary>\n\
                * <summary><code>tags</code> - <b>string</b> - <span style=\"color:red\">required</span> - Tags.</summary>\n\
                * <summary><code>users_allowed</code> - <b>array of objects</b> - Shares.</summary>\n\n\
                # GET | List all notes\n\n`GET` `api/mysafe/note`\n\n\
                Send the parameter below in the **path** of the URL.\n\n\
                * <summary><code>tag</code> - <b>string</b> - Filter.</summary>\n";
    // The second title is not the page's: the request line names list_notes there.
    let text = page.replacen("# POST | Create note", "# Notes", 1);
    assert_eq!(
        findings(&text),
        [
            "8: create_note body field /name: differs: documented as int, the spec has string",
            "10: create_note body field /tags: differs: documented as required, optional in the spec",
            "19: list_notes path parameter tag: differs: the spec has it as a query parameter",
        ]
    );
    let report = report(&[page_file(&text)]);
    assert_eq!(report.summary.fields_differ, 3);
    assert!(report.summary.fails(FailOn::Any) && !report.summary.fails(FailOn::New));
}

fn page_file(text: &str) -> PageFile {
    page("page", text)
}

#[test]
fn an_unknown_mysafe_error_code_is_new() {
    let page = "# POST | Disable password\n\n`POST` `api/mysafe/password/inactive/[identifier]`\n\n\
                ```json\nHTTP/1.1 400 Bad Request\n```\n```json\n\
                {\"response\": {\"status\": 400, \"message\": \"1012: Password expired\"}, \
                \"exception\": {\"code\": 1012, \"message\": \"1012: Password expired\"}}\n```\n\
                ```json\n{\"response\": {\"status\": 400, \"message\": \"1005: Password not found\"}, \
                \"exception\": {\"code\": 1005}}\n```\n\
                ```json\n{\"response\": {\"status\": 400, \"message\": \"1013: Locked\"}}\n```\n";
    assert_eq!(
        findings(page),
        [
            "9: disable_password 400: accepted, new: error code 1012 (/exception/code) not in x-known-codes",
            "15: disable_password 400: accepted, new: error code 1013 (/response/message) not in x-known-codes",
        ]
    );
    let report = report(&[page_file(page)]);
    assert_eq!(report.summary.new_codes, 2);
}

#[test]
fn an_enable_or_disable_message_in_neither_list_is_new() {
    let example = |message: &str| {
        format!(
            "# POST | Disable password\n\n`POST` `api/mysafe/password/inactive/[identifier]`\n\n\
             ```json\nHTTP/1.1 200 OK\n```\n```json\n\
             {{\"code\": 200, \"response\": {{\"status\": 200, \"message\": \"{message}\", \"mensagem\": \"{message}\"}}}}\n```\n"
        )
    };
    assert!(findings(&example("Password successfully deactivated")).is_empty());
    assert!(findings(&example("Password has already been deactivated")).is_empty());
    let lines = findings(&example("Password was already disabled"));
    assert_eq!(
        lines,
        [
            "9: disable_password 200: accepted, new: message /response/message in neither list of \
             x-outcome-messages, message /response/mensagem in neither list of x-outcome-messages"
        ]
    );
    assert!(!lines[0].contains("already disabled"), "a value leaked");
}

#[test]
fn pages_of_two_versions_that_disagree_are_a_note_naming_the_other() {
    let disable = |ty: &str| {
        format!(
            "# POST | Disable password\n\n`POST` `api/mysafe/password/inactive/[identifier]`\n\n\
             Send the parameter below in the **path** of the URL.\n\n\
             * `identifier` - {ty} - required - The password's identifier.\n"
        )
    };
    let report = report(&[
        page("v9.0-en/disable.md", &disable("string")),
        page("v9.1-en/disable.md", &disable("int")),
    ]);
    assert_eq!(
        report.text(),
        "v9.0-en/disable.md: no JSON example\n\
         v9.0-en/disable.md:7: disable_password path parameter identifier: note: documented as \
         string, the spec has integer, but v9.1-en/disable.md documents it as the spec does\n\
         v9.1-en/disable.md: no JSON example\n"
    );
    assert_eq!(report.summary.fields_disagree, 1);
    // Alone, the page differs.
    let alone = super::tests::check(&disable("string"));
    assert_eq!(
        alone[1],
        "7: disable_password path parameter identifier: differs: documented as string, the spec has integer"
    );
}

#[test]
fn a_field_table_that_its_own_example_contradicts_is_a_note_and_its_children_are_compared() {
    let page = "# GET | List all passwords\n\n`GET` `api/mysafe/password`\n\n## Response\n\n\
                ```json\nHTTP/1.1 200 OK\n```\n```json\n\
                {\"response\": {\"status\": 200}, \"password_on_list\": [{\"identifier\": \"3\", \"can_view\": true}]}\n```\n\n\
                ### Response body fields\n\n\
                <summary>&#8226; <code>password_on_list</code> - <b>array of objects</b> - Passwords.</summary>\n\
                <summary>&nbsp;&emsp;→ <code>identifier</code> - <b>int</b> - Identifier.</summary>\n\
                <summary>&nbsp;&emsp;→ <code>can_view</code> - <b>string</b> - Permission.</summary>\n\
                <summary>&#8226; <code>passwords_on_lists</code> - <b>array of objects</b> - Passwords.</summary>\n\
                <summary>&nbsp;&emsp;→ <code>name</code> - <b>string</b> - Name.</summary>\n\
                <summary>&nbsp;&emsp;→ <code>rotated_at</code> - <b>string</b> - Last rotation.</summary>\n";
    assert_eq!(
        findings(page),
        [
            "17: list_passwords response field /password_on_list/identifier: note: documented as int, \
             the spec has string; the page's example at line 11 has the spec's type",
            "18: list_passwords response field /password_on_list/can_view: note: documented as string, \
             the spec has boolean; the page's example at line 11 has the spec's type",
            "19: list_passwords response field /passwords_on_lists: note: documented, not in the spec; \
             the page's example at line 11 has password_on_list, the spec's name",
            // Below the misspelt parent, fields are compared under the spec's name.
            "21: list_passwords response field /password_on_list/rotated_at: new: documented, not in the spec",
        ]
    );
}

#[test]
fn fields_on_an_operation_the_spec_does_not_have_are_reported_as_such() {
    let page = "GET `/api/pam/device/[id]`\n\nSend the parameter below in the **path** of the URL.\n\n\
                * `id` - int - required - The device.\n";
    assert_eq!(
        findings(page),
        ["5: path parameter id: not in the spec: GET /api/pam/device/[id]"]
    );
}

#[test]
fn the_json_report_has_one_object_per_example_and_field_and_no_values() {
    let page = get_password_page(&GET_PASSWORD_200.replace(
        "\"name\": \"gmail\",",
        "\"name\": \"gmail\", \"expires_at\": \"2031-01-01\",",
    )) + "\n### Response body fields\n\n\
          * <summary><code>password_entity</code> - <b>object</b> - Data.</summary>\n\
          <summary>&nbsp;→ <code>expires_at</code> - <b>datetime</b> - Expiry.</summary>\n";
    let json = report(&[page_file(&page)]).json(FailOn::New);
    assert_eq!(
        json["examples"],
        serde_json::json!([{
            "page": "page", "line": 11, "operation": "get_password", "status": 200,
            "verdict": "new", "reason": null,
            "new": [{"kind": "key", "pointer": "/password_entity/expires_at"}]
        }])
    );
    let fields = json["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 2);
    assert_eq!(fields[0]["verdict"], "agrees");
    assert_eq!(
        fields[0]["spec"],
        serde_json::json!({"type": "object", "required": true})
    );
    assert_eq!(fields[1]["pointer"], "/password_entity/expires_at");
    assert_eq!(fields[1]["verdict"], "new");
    assert_eq!(fields[1]["format"], "bullet");
    assert_eq!(
        fields[1]["documented"],
        serde_json::json!({"type": "datetime", "required": null, "location": "response"})
    );
    assert_eq!(json["summary"]["accepted_with_new"], 1);
    assert_eq!(json["summary"]["fields_new"], 1);
    assert_eq!(json["fails"], true);
    let text = json.to_string();
    for value in ["2031", "s3cr3t", "gmail"] {
        assert!(!text.contains(value), "{value} leaked: {text}");
    }
}

/// Whatever a page holds, reading its fields does not panic: odd markup, and
/// every truncation of the vendor pages; a long hostile line is read in one pass.
#[test]
fn reading_fields_of_any_text_does_not_panic() {
    let odd = [
        "* `",
        "* ``",
        "* `a",
        "<code>",
        "<code>a</code",
        "<code>a</code> -",
        "| Field | Type |\n|",
        "| Field | Type |\n| --- |\n| a |",
        "| Campo | Tipo | Obrigatório |\n|`x`| Int | Sim |\n|`x.`| | |",
        "<table><tr><th>Field</th><th>Type</th></tr><tr><td>a<td>",
        "<table><tr><td>Field</td><td>Type</td>",
        "Field\tType\t\n\t\t\n",
        "&#8226;&nbsp;&emsp;→ <code>é</code> - <b>string</b>",
        "→ a - int - required -",
        "a - - -",
        "&&&&; &nbsp &nbsp;; <<>> <a <b>",
        "é - string",
        "x\u{a0}- string",
    ];
    let spec = spec();
    for text in odd {
        let _ = fields::read(text, &[1, 2]);
        check::check(&spec, &[page_file(text)]).unwrap();
    }
    let hostile = format!("* <code>a</code> - {}", "<b".repeat(50_000))
        + &"&nbsp;".repeat(50_000)
        + &"| Field | Type |\n".repeat(1_000);
    check::check(&spec, &[page_file(&hostile)]).unwrap();
    let Some(dir) = vendor_docs() else { return };
    for page in collect_pages(&[dir]).unwrap() {
        let text = &page.text;
        for cut in (0..text.len())
            .step_by(89)
            .filter(|&n| text.is_char_boundary(n))
        {
            check::check(&spec, &[page_file(&text[..cut])]).unwrap();
        }
    }
}
