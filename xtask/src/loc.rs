//! `cargo xtask loc [--root DIR]`: code lines per crate, and how many of the flavour files'
//! lines stand in both flavours.
//!
//! A code line is a line of a `.rs` file that is not blank, not a comment and not a `use`
//! line. The flavour files are docker-client's and docker-transport's `blocking` and
//! `tokio` modules (a file, or a folder of files). Lines standing in both are the longest
//! common subsequence of the two flavours' code lines, once `.await`, `async` and spacing
//! are taken out: the lines that say the same thing in both. `--root` measures another
//! checkout, such as an older commit in a worktree.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const HELP: &str = "\
Usage: cargo xtask loc [--root DIR]

Prints the code lines of each crate (src and tests apart) and, for docker-client and
docker-transport, the code lines of the blocking and tokio flavour files and how many of
them stand in both. DIR is the checkout to measure (default: this one).
";

pub(crate) fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut root = super::fixtures::fixtures_dir()
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_owned);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--root" => root = PathBuf::from(it.next().ok_or("--root needs a folder")?),
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument `{other}`\n\n{HELP}")),
        }
    }
    println!("{:<20} {:>8} {:>8}", "crate", "src", "tests");
    let mut crates: Vec<PathBuf> = entries(&root.join("crates"))?
        .into_iter()
        .filter(|p| p.is_dir())
        .collect();
    crates.push(root.join("xtask"));
    let (mut all_src, mut all_tests) = (0, 0);
    for dir in &crates {
        let src = code_lines_under(&dir.join("src"))?;
        let tests = code_lines_under(&dir.join("tests"))?;
        let name = dir.file_name().unwrap_or_default().to_string_lossy();
        println!("{name:<20} {src:>8} {tests:>8}");
        all_src += src;
        all_tests += tests;
    }
    println!("{:<20} {all_src:>8} {all_tests:>8}", "total");
    println!();
    println!(
        "{:<20} {:>8} {:>8} {:>8} {:>6}",
        "flavour files", "blocking", "tokio", "in both", "share"
    );
    for name in ["docker-client", "docker-transport"] {
        let src = root.join("crates").join(name).join("src");
        let blocking = flavour_lines(&src, "blocking")?;
        let tokio = flavour_lines(&src, "tokio")?;
        let both = common(&blocking, &tokio);
        let share = match blocking.len() + tokio.len() {
            0 => 0.0,
            n => 200.0 * both as f64 / n as f64,
        };
        println!(
            "{name:<20} {:>8} {:>8} {both:>8} {share:>5.0}%",
            blocking.len(),
            tokio.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    super::fixtures::sorted_entries(dir)
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    for entry in entries(dir)? {
        if entry.is_dir() {
            rs_files(&entry, out)?;
        } else if entry.extension().is_some_and(|e| e == "rs") {
            out.push(entry);
        }
    }
    Ok(())
}

fn code_lines_under(dir: &Path) -> Result<usize, String> {
    let mut files = Vec::new();
    rs_files(dir, &mut files)?;
    let mut n = 0;
    for f in files {
        n += code_lines(&read(&f)?).len();
    }
    Ok(n)
}

/// The normalised code lines of a flavour: `src/<name>.rs`, or every file of `src/<name>/`.
fn flavour_lines(src: &Path, name: &str) -> Result<Vec<String>, String> {
    let mut files = Vec::new();
    let file = src.join(format!("{name}.rs"));
    if file.is_file() {
        files.push(file);
    }
    rs_files(&src.join(name), &mut files)?;
    let mut lines = Vec::new();
    for f in files {
        let text = read(&f)?;
        lines.extend(code_lines(&text).into_iter().map(normalised));
    }
    Ok(lines)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn code_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with("use "))
        .collect()
}

/// A line without what only the async flavour writes, and with its spacing folded.
fn normalised(line: &str) -> String {
    let line = line.replace(".await", "").replace("async ", "");
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The length of the longest common subsequence of `a` and `b`.
fn common(a: &[String], b: &[String]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = match x == y {
                true => diagonal + 1,
                false => above.max(row[j]),
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_lines_leave_out_blanks_comments_and_imports() {
        let text = "use std::io;\n\n// a comment\n/// docs\nfn f() {\n    x\n}\n";
        assert_eq!(code_lines(text), ["fn f() {", "x", "}"]);
    }

    #[test]
    fn lines_in_both_flavours_ignore_await_and_spacing() {
        let blocking: Vec<String> = ["fn f() {", "let a = g()?;", "}"]
            .iter()
            .map(|l| normalised(l))
            .collect();
        let tokio: Vec<String> = ["async fn f() {", "let a  =  g().await?;", "h();", "}"]
            .iter()
            .map(|l| normalised(l))
            .collect();
        assert_eq!(common(&blocking, &tokio), 3);
        assert_eq!(common(&blocking, &[]), 0);
    }
}
