//! `mysafe completions bash|zsh|fish`: the shell's completion script on stdout.

use std::io::Write;

/// The shells `completions` writes a script for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    /// Bash: `source <(mysafe completions bash)`.
    Bash,
    /// Zsh: write it to a file named `_mysafe` in a directory of `$fpath`.
    Zsh,
    /// Fish: `mysafe completions fish > ~/.config/fish/completions/mysafe.fish`.
    Fish,
}

/// Writes the completion script of `command` for `shell`.
pub fn write(shell: Shell, command: &mut clap::Command, out: &mut impl Write) {
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(generator, command, "mysafe", out);
}
