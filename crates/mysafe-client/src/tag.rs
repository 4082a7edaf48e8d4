//! The HTTP status, appended to a body as JSON whitespace.
//!
//! When a body fails to decode, the generated code reports the body's bytes and the
//! decode error, but not the status. The hooks therefore end every body they pass on
//! with a tag: `\r\n` and the status in ten binary digits written as space (0) and
//! tab (1). JSON ignores trailing whitespace, so a body that decodes still decodes
//! the same and costs no second parse; one that does not still tells its status.

use bytes::BytesMut;

const MARK: &[u8] = b"\r\n";
const BITS: usize = 10;
/// Bytes the tag adds; a buffer with this much spare capacity takes it without
/// growing.
pub(crate) const LEN: usize = MARK.len() + BITS;

/// Appends the tag for `status` (100..=999 fits in ten bits) to `body`, in place so
/// that a body read with [`LEN`] bytes to spare is not copied again.
pub(crate) fn append(body: &mut BytesMut, status: u16) {
    let mut tag = [0u8; LEN];
    tag[..MARK.len()].copy_from_slice(MARK);
    for (i, digit) in tag[MARK.len()..].iter_mut().enumerate() {
        *digit = if status >> (BITS - 1 - i) & 1 == 1 {
            b'\t'
        } else {
            b' '
        };
    }
    body.extend_from_slice(&tag);
}

/// The status and the original body, or `None` and the bytes as they are when they
/// carry no tag.
pub(crate) fn untag(bytes: &[u8]) -> (Option<u16>, &[u8]) {
    let Some(split) = bytes.len().checked_sub(LEN) else {
        return (None, bytes);
    };
    let (body, suffix) = bytes.split_at(split);
    let (mark, bits) = suffix.split_at(MARK.len());
    if mark != MARK || !bits.iter().all(|b| *b == b' ' || *b == b'\t') {
        return (None, bytes);
    }
    let status = bits
        .iter()
        .fold(0u16, |acc, b| acc << 1 | u16::from(*b == b'\t'));
    (Some(status), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(body: &[u8], status: u16) -> BytesMut {
        let mut out = BytesMut::from(body);
        append(&mut out, status);
        out
    }

    #[test]
    fn round_trips_every_status() {
        for status in 100..=999 {
            let tagged = tag(b"{\"a\":1}", status);
            assert_eq!(untag(&tagged), (Some(status), &b"{\"a\":1}"[..]));
        }
        assert_eq!(untag(&tag(b"", 200)), (Some(200), &b""[..]));
    }

    #[test]
    fn tagged_json_decodes_unchanged() {
        let tagged = tag(br#"{"response":{"status":200}}"#, 200);
        let value: serde_json::Value = serde_json::from_slice(&tagged).unwrap();
        assert_eq!(value["response"]["status"], 200);
    }

    #[test]
    fn untagged_bytes_are_left_alone() {
        for bytes in [
            &b""[..],
            b"short",
            b"{\"a\":1}            ",
            b"<html>\r\nxxxxxxxxxx",
        ] {
            assert_eq!(untag(bytes), (None, bytes));
        }
    }
}
