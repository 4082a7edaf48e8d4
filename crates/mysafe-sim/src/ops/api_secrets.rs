//! API secrets: list, create, get, update, enable, disable.

use hyper::StatusCode;
use mysafe_client::types::{
    ApiSecretEntity, ApiSecretListResponse, ApiSecretResponse, ApiSecretSummary,
    ApiSecretWriteResponse, CreateApiSecretRequest, SharedUser, UpdateApiSecretRequest,
};

use super::{Call, toggle};
use crate::answer::{Answer, MySafeError, status_block};
use crate::request::{has_tag, matches, parse_body, parse_update, stored};
use crate::routes::Action;
use crate::store::{Collection, Store, Words, can_write, shared_groups, shared_users};

const WORDS: Words = Words {
    not_found: "1005: Api secret not found",
    inactive: "1009: Inactive Api secret",
    registered: "Api secret successfully registered",
    // The 3.33 update page answers 201 with the create message.
    updated: "Api secret successfully registered",
    // Sic: the word order differs from the other kinds on the 3.33 page.
    activated: "Api secret activated successfully",
    deactivated: "Api secret successfully deactivated",
    already_active: "Api secret has already been activated",
    already_inactive: "Api secret has already been deactivated",
};

const REQUIRED: &[&str] = &["name", "url", "client_id"];

pub fn handle(store: &mut Store, call: &Call<'_>) -> Result<Answer, MySafeError> {
    let secrets = &mut store.api_secrets;
    match call.action {
        Action::List => {
            let q = call.query;
            let api_secret_on_list = secrets
                .visible(call.app)
                .filter(|(_, s, _)| {
                    has_tag(q.get("tag"), s.tags.as_deref())
                        && matches(q.get("identifier_code"), s.identifier_code.as_deref())
                })
                .map(|(id, s, access)| ApiSecretSummary {
                    identifier: id.to_string().into(),
                    name: Some(s.name.to_string()),
                    need_justify: Some("0".into()),
                    need_approval: Some("0".into()),
                    can_view: Some(true),
                    can_write: can_write(access),
                })
                .collect();
            Ok(Answer::json(
                StatusCode::OK,
                &ApiSecretListResponse {
                    code: Some(200),
                    response: status_block(StatusCode::OK, "", false),
                    api_secret_on_list,
                },
            ))
        }
        Action::Create => {
            let data: CreateApiSecretRequest = parse_body(call.body, REQUIRED)?;
            check_unique(secrets, call.app, data.identifier_code.as_deref(), None)?;
            let id = secrets.insert(call.app, data.clone());
            Ok(written(WORDS.registered, id, &data))
        }
        Action::Get => {
            let (id, item, _) = secrets.find_mut(call.identifier, call.app, &WORDS)?;
            if !item.active {
                return Err(MySafeError::new(1009, WORDS.inactive));
            }
            let mut entity = entity(id, &item.data);
            // The get page names shared users `name`; create and update say `username`.
            for user in &mut entity.users_allowed {
                *user = SharedUser {
                    name: user.username.take(),
                    ..user.clone()
                };
            }
            Ok(Answer::json(
                StatusCode::OK,
                &ApiSecretResponse {
                    code: Some(200),
                    response: status_block(StatusCode::OK, "Success", false),
                    api_secret_entity: entity,
                },
            ))
        }
        Action::Update => {
            let (id, item) = secrets.find_editable(call.identifier, call.app, &WORDS)?;
            let owner = item.owner.clone();
            let update: UpdateApiSecretRequest = parse_update(call.body, REQUIRED)?;
            check_unique(secrets, &owner, update.identifier_code.as_deref(), Some(id))?;
            // The uniqueness check reads the whole collection, so the item is looked
            // up again rather than borrowed across it.
            let (_, item) = secrets.find_editable(call.identifier, call.app, &WORDS)?;
            apply(&mut item.data, update)?;
            Ok(written(WORDS.updated, id, &item.data))
        }
        Action::Enable | Action::Disable => toggle(secrets, call, &WORDS),
    }
}

/// `identifier_code` is unique among one owner's API secrets.
fn check_unique(
    secrets: &Collection<CreateApiSecretRequest>,
    owner: &str,
    code: Option<&str>,
    except: Option<i64>,
) -> Result<(), MySafeError> {
    let Some(code) = code.filter(|c| !c.is_empty()) else {
        return Ok(());
    };
    if secrets
        .owned_by(owner)
        .any(|(id, s)| Some(id) != except && s.identifier_code.as_deref() == Some(code))
    {
        return Err(MySafeError::new(
            1001,
            "1001: Identifier already found in another API key of this user",
        ));
    }
    Ok(())
}

/// Fields sent replace stored ones; see `passwords::apply` for the share lists.
fn apply(s: &mut CreateApiSecretRequest, u: UpdateApiSecretRequest) -> Result<(), MySafeError> {
    let name = stored("name", u.name)?;
    let url = stored("url", u.url)?;
    let client_id = stored("client_id", u.client_id)?;
    if let Some(v) = name {
        s.name = v;
    }
    if let Some(v) = url {
        s.url = v;
    }
    if let Some(v) = client_id {
        s.client_id = v;
    }
    s.client_secret = u.client_secret.or(s.client_secret.take());
    s.identifier_code = u.identifier_code.or(s.identifier_code.take());
    s.method = u.method.or(s.method.take());
    s.notes = u.notes.or(s.notes.take());
    s.tags = u.tags.or(s.tags.take());
    // `Some(vec![])` clears the sharing; `None` leaves it as it is.
    if let Some(list) = u.users_allowed {
        s.users_allowed = list;
    }
    if let Some(list) = u.groups_allowed {
        s.groups_allowed = list;
    }
    Ok(())
}

fn entity(id: i64, s: &CreateApiSecretRequest) -> ApiSecretEntity {
    ApiSecretEntity {
        identifier: id.to_string().into(),
        name: Some(s.name.to_string()),
        url: Some(s.url.to_string()),
        client_id: Some(s.client_id.to_string()),
        client_secret: s.client_secret.clone(),
        identifier_code: s.identifier_code.clone(),
        method: s.method.clone(),
        tags: s.tags.clone(),
        notes: s.notes.clone(),
        users_allowed: shared_users(&s.users_allowed),
        groups_allowed: shared_groups(&s.groups_allowed),
        shared_error: vec![],
    }
}

/// Create and update answers (`api_entity`, client secret included, as the pages show).
fn written(message: &str, id: i64, s: &CreateApiSecretRequest) -> Answer {
    let status = StatusCode::CREATED;
    Answer::json(
        status,
        &ApiSecretWriteResponse {
            code: Some(i32::from(status.as_u16())),
            response: status_block(status, message, false),
            api_entity: entity(id, s),
        },
    )
}
