//! `mqttkit generate` (hidden): writes the shell completions and the man page that the
//! repository carries in `completions/` and `docs/`.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, GenerateArgs, GenerateWhat};

/// Runs `mqttkit generate …`.
pub fn run(args: GenerateArgs) -> Result<()> {
    match args.what {
        GenerateWhat::Completions { dir } => write_completions(&dir),
        GenerateWhat::Man { dir } => write_man_page(&dir),
    }
}

/// Writes completion scripts for every supported shell into `dir`.
pub fn write_completions(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        clap_complete::generate_to(shell, &mut Cli::command(), "mqttkit", dir)
            .with_context(|| format!("cannot write {shell} completions into {}", dir.display()))?;
    }
    Ok(())
}

/// Writes `mqttkit.1` into `dir`.
pub fn write_man_page(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    let path = dir.join("mqttkit.1");
    fs::write(&path, page).with_context(|| format!("cannot write {}", path.display()))
}
