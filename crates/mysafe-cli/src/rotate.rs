//! Rotation: the new value of `mysafe password update ID` from stdin
//! (`--password-stdin`) or generated (`--generate LEN`), never from argv.

use std::io::BufRead;

use mysafe_client::Secret;

/// The longest new password read from stdin; the bound keeps `</dev/zero` from
/// filling the memory.
const MAX_PASSWORD_BYTES: u64 = 64 * 1024;

/// The shortest and longest password `--generate` makes.
pub const GENERATE_LENGTHS: std::ops::RangeInclusive<usize> = 8..=128;

const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &[u8] = b"0123456789";
/// Symbols that need no quoting in a shell double-quoted string or in JSON.
const SYMBOLS: &[u8] = b"!#%&()*+,-./:;<=>?@[]^_{|}~";

/// Why no new value could be had.
#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    /// stdin could not be read.
    #[error("cannot read the new password from stdin: {0}")]
    Read(std::io::Error),
    /// stdin held an empty first line.
    #[error("the new password read from stdin is empty")]
    Empty,
    /// stdin's first line is longer than any password (`</dev/zero`, say).
    #[error("the new password read from stdin is longer than {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    /// stdin was not UTF-8.
    #[error("the new password read from stdin is not UTF-8 text")]
    NotText,
    /// The OS random number generator failed.
    #[error("the operating system's random number generator failed: {0}")]
    Random(getrandom::Error),
}

/// Reads the first line of `input`, without its line break; an empty one is refused.
pub fn read_password(input: impl BufRead) -> Result<Secret, RotateError> {
    let mut bytes = Vec::new();
    input
        .take(MAX_PASSWORD_BYTES + 1)
        .read_until(b'\n', &mut bytes)
        .map_err(RotateError::Read)?;
    if bytes.len() as u64 > MAX_PASSWORD_BYTES {
        return Err(RotateError::TooLong);
    }
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    let line = String::from_utf8(bytes).map_err(|_| RotateError::NotText)?;
    if line.is_empty() {
        return Err(RotateError::Empty);
    }
    Ok(Secret::new(line))
}

/// A random password of `length` characters (in [`GENERATE_LENGTHS`]) from the OS
/// random number generator, with at least one lower-case letter, one upper-case
/// letter, one digit and one symbol.
pub fn generate(length: usize) -> Result<Secret, RotateError> {
    assert!(GENERATE_LENGTHS.contains(&length), "clap checks the range");
    let alphabet: Vec<u8> = [LOWER, UPPER, DIGITS, SYMBOLS].concat();
    loop {
        let candidate: Vec<u8> = (0..length)
            .map(|_| random_below(alphabet.len()).map(|at| alphabet[at]))
            .collect::<Result<_, _>>()?;
        if [LOWER, UPPER, DIGITS, SYMBOLS]
            .iter()
            .all(|class| candidate.iter().any(|c| class.contains(c)))
        {
            return Ok(Secret::new(String::from_utf8(candidate).expect("ASCII")));
        }
    }
}

/// A uniform number in `0..bound` (bound ≤ 256), by rejection so no value is
/// likelier than another.
fn random_below(bound: usize) -> Result<usize, RotateError> {
    let limit = 256 - 256 % bound;
    loop {
        let mut byte = [0u8; 1];
        getrandom::fill(&mut byte).map_err(RotateError::Random)?;
        if usize::from(byte[0]) < limit {
            return Ok(usize::from(byte[0]) % bound);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_without_its_break() {
        assert_eq!(
            read_password(&b"n3w-pass\nrest"[..]).unwrap().expose(),
            "n3w-pass"
        );
        assert_eq!(
            read_password(&b"n3w-pass\r\n"[..]).unwrap().expose(),
            "n3w-pass"
        );
        assert_eq!(
            read_password(&b"no-break"[..]).unwrap().expose(),
            "no-break"
        );
        assert_eq!(
            read_password(&b" spaces kept "[..]).unwrap().expose(),
            " spaces kept "
        );
    }

    #[test]
    fn an_endless_line_is_refused_after_the_bound() {
        let endless = std::io::BufReader::new(std::io::repeat(b'a'));
        assert!(matches!(read_password(endless), Err(RotateError::TooLong)));
    }

    #[test]
    fn an_empty_line_or_no_input_is_refused() {
        assert!(matches!(read_password(&b"\n"[..]), Err(RotateError::Empty)));
        assert!(matches!(read_password(&b""[..]), Err(RotateError::Empty)));
        assert!(matches!(
            read_password(&b"\xff\n"[..]),
            Err(RotateError::NotText)
        ));
    }

    #[test]
    fn generated_passwords_have_the_length_and_every_class() {
        for length in [8, 24, 128] {
            let password = generate(length).unwrap();
            let text = password.expose();
            assert_eq!(text.len(), length);
            for class in [LOWER, UPPER, DIGITS, SYMBOLS] {
                assert!(text.bytes().any(|c| class.contains(&c)), "{length}");
            }
        }
        // Two draws of 24 characters from 89 are equal with probability 89^-24.
        assert_ne!(
            generate(24).unwrap().expose(),
            generate(24).unwrap().expose()
        );
    }
}
