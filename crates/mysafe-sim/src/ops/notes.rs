//! Notes: list, create, get, update, enable, disable.

use hyper::StatusCode;
use mysafe_client::types::{
    CreateNoteRequest, NoteEntity, NoteListResponse, NoteResponse, NoteSummary, UpdateNoteRequest,
};

use super::{Call, toggle};
use crate::answer::{Answer, MySafeError, status_block};
use crate::request::{has_tag, matches, parse_body, parse_update, stored};
use crate::routes::Action;
use crate::store::{Store, Words, can_write, shared_groups, shared_users};

const WORDS: Words = Words {
    not_found: "1005: Note not found",
    // The note pages list no 1009; an inactive note is refused like an inactive
    // password, with the note's noun.
    inactive: "1009: Inactive note",
    registered: "Note successfully registered",
    // Sic: the 3.33 update page's message.
    updated: "Note successfully update",
    activated: "Note successfully activated",
    deactivated: "Note successfully deactivated",
    already_active: "Note has already been activated",
    already_inactive: "Note has already been deactivated",
};

const REQUIRED: &[&str] = &["name", "note"];

/// The pages' limit on a note's content, in characters.
const MAX_NOTE_CHARS: usize = 900;

pub fn handle(store: &mut Store, call: &Call<'_>) -> Result<Answer, MySafeError> {
    let notes = &mut store.notes;
    match call.action {
        Action::List => {
            let q = call.query;
            let note_on_list = notes
                .visible(call.app)
                .filter(|(_, n, _)| {
                    has_tag(q.get("tag"), n.tags.as_deref())
                        && matches(q.get("name"), Some(n.name.as_str()))
                })
                .map(|(id, n, access)| NoteSummary {
                    identifier: id.to_string().into(),
                    name: Some(n.name.to_string()),
                    tags: Some(n.tags.clone().unwrap_or_default()),
                    need_justify: Some("0".into()),
                    need_approval: Some("0".into()),
                    can_view: Some(true),
                    can_write: can_write(access),
                })
                .collect();
            Ok(Answer::json(
                StatusCode::OK,
                &NoteListResponse {
                    code: Some(200),
                    response: status_block(StatusCode::OK, "", false),
                    note_on_list,
                },
            ))
        }
        Action::Create => {
            let data: CreateNoteRequest = parse_body(call.body, REQUIRED)?;
            check_length(data.note.expose())?;
            let id = notes.insert(call.app, data.clone());
            Ok(answer(
                StatusCode::CREATED,
                WORDS.registered,
                entity(id, &data, false),
            ))
        }
        Action::Get => {
            let (id, item, _) = notes.find_mut(call.identifier, call.app, &WORDS)?;
            if !item.active {
                return Err(MySafeError::new(1009, WORDS.inactive));
            }
            Ok(answer(
                StatusCode::OK,
                "Success",
                entity(id, &item.data, true),
            ))
        }
        Action::Update => {
            let (id, item) = notes.find_editable(call.identifier, call.app, &WORDS)?;
            let update: UpdateNoteRequest = parse_update(call.body, REQUIRED)?;
            if let Some(note) = &update.note {
                check_length(note.expose())?;
            }
            apply(&mut item.data, update)?;
            Ok(answer(
                StatusCode::OK,
                WORDS.updated,
                entity(id, &item.data, false),
            ))
        }
        Action::Enable | Action::Disable => toggle(notes, call, &WORDS),
    }
}

fn check_length(note: &str) -> Result<(), MySafeError> {
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(MySafeError::new(
            1001,
            "1001: Parameter note limited to 900 characters",
        ));
    }
    Ok(())
}

/// Fields sent replace stored ones; see `passwords::apply` for the share lists.
fn apply(n: &mut CreateNoteRequest, u: UpdateNoteRequest) -> Result<(), MySafeError> {
    if let Some(v) = stored("name", u.name)? {
        n.name = v;
    }
    if let Some(v) = u.note {
        n.note = v;
    }
    n.tags = u.tags.or(n.tags.take());
    // `Some(vec![])` clears the sharing; `None` leaves it as it is.
    if let Some(list) = u.users_allowed {
        n.users_allowed = list;
    }
    if let Some(list) = u.groups_allowed {
        n.groups_allowed = list;
    }
    Ok(())
}

/// Get answers carry the content; create and update answers leave it out.
fn entity(id: i64, n: &CreateNoteRequest, with_content: bool) -> NoteEntity {
    NoteEntity {
        identifier: id.to_string().into(),
        name: Some(n.name.to_string()),
        note: with_content.then(|| n.note.clone()),
        tags: n.tags.clone(),
        users_allowed: shared_users(&n.users_allowed),
        groups_allowed: shared_groups(&n.groups_allowed),
        shared_error: vec![],
    }
}

fn answer(status: StatusCode, message: &str, note_entity: NoteEntity) -> Answer {
    Answer::json(
        status,
        &NoteResponse {
            code: Some(i32::from(status.as_u16())),
            response: status_block(status, message, false),
            note_entity,
        },
    )
}
