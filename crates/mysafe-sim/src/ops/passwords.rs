//! Passwords: list, create, get, update, enable, disable.

use hyper::StatusCode;
use mysafe_client::types::{
    CreatePasswordRequest, PasswordEntity, PasswordListResponse, PasswordResponse, PasswordSummary,
    UpdatePasswordRequest,
};

use super::{Call, toggle};
use crate::answer::{Answer, MySafeError, status_block};
use crate::request::{has_tag, matches, parse_body, parse_update, stored};
use crate::routes::Action;
use crate::store::{Store, Words, can_write, shared_groups, shared_users};

const WORDS: Words = Words {
    not_found: "1005: Password not found",
    inactive: "1009: Inactive password",
    registered: "Password successfully registered",
    updated: "Password successfully updated",
    activated: "Password successfully activated",
    deactivated: "Password successfully deactivated",
    already_active: "Password has already been activated",
    already_inactive: "Password has already been deactivated",
};

/// In the order the create page lists them, which is the order MySafe checks them.
const REQUIRED: &[&str] = &["name", "username", "password"];

pub fn handle(store: &mut Store, call: &Call<'_>) -> Result<Answer, MySafeError> {
    let passwords = &mut store.passwords;
    match call.action {
        Action::List => {
            let q = call.query;
            let password_on_list = passwords
                .visible(call.app)
                .filter(|(_, p, _)| {
                    has_tag(q.get("tag"), p.tags.as_deref())
                        && matches(q.get("name"), Some(p.name.as_str()))
                        && matches(q.get("username"), Some(p.username.as_str()))
                        && matches(q.get("url"), p.url.as_deref())
                })
                .map(|(id, p, access)| PasswordSummary {
                    identifier: id.to_string().into(),
                    name: Some(p.name.to_string()),
                    url: p.url.clone(),
                    username: Some(p.username.to_string()),
                    tags: Some(p.tags.clone().unwrap_or_default()),
                    need_justify: Some("0".into()),
                    need_approval: Some("0".into()),
                    can_view: Some(true),
                    can_write: can_write(access),
                })
                .collect();
            Ok(Answer::json(
                StatusCode::OK,
                &PasswordListResponse {
                    code: Some(200),
                    response: status_block(StatusCode::OK, "", false),
                    password_on_list,
                },
            ))
        }
        Action::Create => {
            let data: CreatePasswordRequest = parse_body(call.body, REQUIRED)?;
            let id = passwords.insert(call.app, data.clone());
            Ok(written(StatusCode::CREATED, WORDS.registered, id, &data))
        }
        Action::Get => {
            let (id, item, _) = passwords.find_mut(call.identifier, call.app, &WORDS)?;
            if !item.active {
                return Err(MySafeError::new(1009, WORDS.inactive));
            }
            let p = &item.data;
            let entity = PasswordEntity {
                identifier: id.to_string().into(),
                name: Some(p.name.to_string()),
                url: p.url.clone(),
                username: Some(p.username.to_string()),
                password: Some(p.password.clone()),
                secret_key: p.secret_key.clone(),
                // The simulator does not compute TOTP codes; MySafe sends null when
                // a password has no seed, which is what a client sees here.
                token: None,
                notes: p.notes.clone(),
                note: None,
                tags: p.tags.clone(),
                users_allowed: shared_users(&p.users_allowed),
                groups_allowed: shared_groups(&p.groups_allowed),
                shared_error: vec![],
            };
            Ok(answer(StatusCode::OK, "Success", entity))
        }
        Action::Update => {
            let (id, item) = passwords.find_editable(call.identifier, call.app, &WORDS)?;
            let update: UpdatePasswordRequest = parse_update(call.body, REQUIRED)?;
            apply(&mut item.data, update)?;
            Ok(written(StatusCode::OK, WORDS.updated, id, &item.data))
        }
        Action::Enable | Action::Disable => toggle(passwords, call, &WORDS),
    }
}

/// Fields sent replace stored ones; fields left out keep their value (a share list
/// sent empty clears the sharing). Nothing changes when a value is refused.
fn apply(p: &mut CreatePasswordRequest, u: UpdatePasswordRequest) -> Result<(), MySafeError> {
    let name = stored("name", u.name)?;
    let username = stored("username", u.username)?;
    if let Some(v) = name {
        p.name = v;
    }
    if let Some(v) = username {
        p.username = v;
    }
    if let Some(v) = u.password {
        p.password = v;
    }
    p.url = u.url.or(p.url.take());
    p.secret_key = u.secret_key.or(p.secret_key.take());
    p.notes = u.notes.or(p.notes.take());
    p.tags = u.tags.or(p.tags.take());
    // `Some(vec![])` clears the sharing; `None` leaves it as it is.
    if let Some(list) = u.users_allowed {
        p.users_allowed = list;
    }
    if let Some(list) = u.groups_allowed {
        p.groups_allowed = list;
    }
    Ok(())
}

/// Create and update answers: no secret values, and the notes spelled `note`.
fn written(status: StatusCode, message: &str, id: i64, p: &CreatePasswordRequest) -> Answer {
    let entity = PasswordEntity {
        identifier: id.to_string().into(),
        name: Some(p.name.to_string()),
        url: p.url.clone(),
        username: Some(p.username.to_string()),
        password: None,
        secret_key: None,
        token: None,
        notes: None,
        note: p.notes.clone(),
        tags: p.tags.clone(),
        users_allowed: shared_users(&p.users_allowed),
        groups_allowed: shared_groups(&p.groups_allowed),
        shared_error: vec![],
    };
    answer(status, message, entity)
}

fn answer(status: StatusCode, message: &str, password_entity: PasswordEntity) -> Answer {
    Answer::json(
        status,
        &PasswordResponse {
            code: Some(i32::from(status.as_u16())),
            response: status_block(status, message, false),
            password_entity,
        },
    )
}
