//! `.dockerignore`: its lines read, and paths matched against them, with the rules of
//! moby's `patternmatcher` that the docker CLI applies when it sends a build context.
//!
//! - A line is a pattern unless it starts with `#` or is blank; it is trimmed, cleaned as a
//!   path (`a//b/../c` is `a/c`) and loses one leading `/`. A leading `!` makes it an
//!   exception, which re-includes what an earlier pattern excluded.
//! - Patterns are applied in order, and the last one that matches a path decides; a pattern
//!   that matches a parent directory matches everything below it.
//! - `*` matches any run of characters but `/`, `?` one character but `/`, `[...]` a class,
//!   `\` escapes the next character, and `**` any number of directories (`**/x`, `a/**/b`,
//!   and `a/**`, everything under `a/`).
//!
//! The patterns are turned into the same regular expression moby builds, and that is
//! matched here (a small NFA: no backtracking, no dependency), so the quirks come along:
//! `^` inside a pattern is an anchor, and a class swallows the `*` or `?` written in it.

use crate::{Error, Result};

/// The patterns of a `.dockerignore` file, matched as the docker CLI matches them.
///
/// ```
/// use docker_client::DockerIgnore;
/// let ignore = DockerIgnore::parse("# build output\ntarget\n*.log\n!keep.log\n**/.git\n")?;
/// assert!(ignore.is_excluded("target/debug/app"));
/// assert!(ignore.is_excluded("debug.log"));
/// assert!(!ignore.is_excluded("keep.log"));
/// assert!(ignore.is_excluded("vendor/lib/.git/HEAD"));
/// assert!(!ignore.is_excluded("src/main.rs"));
/// # Ok::<(), docker_client::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DockerIgnore {
    patterns: Vec<Pattern>,
}

impl DockerIgnore {
    /// Reads the text of a `.dockerignore` file: one pattern a line, `#` comments and
    /// blank lines skipped, a UTF-8 byte-order mark dropped. A pattern that does not
    /// compile (an unclosed `[`, a lone `!`) is an [`Error::InvalidArgument`] naming it.
    ///
    /// ```
    /// use docker_client::DockerIgnore;
    /// let ignore = DockerIgnore::parse("\u{feff}/node_modules\n  # not a comment: it is indented\n")?;
    /// assert_eq!(ignore.patterns().collect::<Vec<_>>(), ["node_modules", "# not a comment: it is indented"]);
    /// assert!(DockerIgnore::parse("[abc\n").is_err());
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<DockerIgnore> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = Vec::new();
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (invert, pattern) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let mut pattern = match pattern.is_empty() {
                true => String::new(),
                false => clean(pattern),
            };
            if pattern.len() > 1 && pattern.starts_with('/') {
                pattern.remove(0);
            }
            lines.push(match invert {
                true => format!("!{pattern}"),
                false => pattern,
            });
        }
        DockerIgnore::from_patterns(lines)
    }

    /// Patterns given one by one, as a `.dockerignore` line would hold them after reading:
    /// each is trimmed and cleaned; a leading `!` makes it an exception.
    ///
    /// ```
    /// use docker_client::DockerIgnore;
    /// let ignore = DockerIgnore::from_patterns(["*", "!src", "!Dockerfile"])?;
    /// assert!(ignore.is_excluded("README.md"));
    /// assert!(!ignore.is_excluded("src/lib.rs"));
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn from_patterns<I, S>(patterns: I) -> Result<DockerIgnore>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut out = Vec::new();
        for p in patterns {
            let p = p.as_ref().trim();
            if p.is_empty() {
                continue;
            }
            let p = clean(p);
            let (exclusion, text) = match p.strip_prefix('!') {
                Some("") => {
                    return Err(Error::InvalidArgument {
                        what: ".dockerignore pattern",
                        reason: "\"!\" is an exception with no pattern".into(),
                    })
                }
                Some(rest) => (true, rest.to_owned()),
                None => (false, p),
            };
            out.push(Pattern::new(text, exclusion)?);
        }
        Ok(DockerIgnore { patterns: out })
    }

    /// The patterns, in order, without the `!` of exceptions.
    ///
    /// ```
    /// let ignore = docker_client::DockerIgnore::parse("a\n!b\n")?;
    /// assert_eq!(ignore.patterns().collect::<Vec<_>>(), ["a", "b"]);
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn patterns(&self) -> impl Iterator<Item = &str> {
        self.patterns.iter().map(|p| p.text.as_str())
    }

    /// True when the build context leaves `path` out: the last pattern that matches the path
    /// or one of its parent directories is not an exception. `path` is relative to the
    /// context's root, `/`-separated.
    ///
    /// ```
    /// let ignore = docker_client::DockerIgnore::parse("docs\n!docs/README.md\n")?;
    /// assert!(ignore.is_excluded("docs/guide.md"));
    /// assert!(!ignore.is_excluded("docs/README.md"));
    /// # Ok::<(), docker_client::Error>(())
    /// ```
    pub fn is_excluded(&self, path: &str) -> bool {
        let path = clean(path);
        if path == "." {
            return false;
        }
        let parents = parent_dirs(&path);
        let mut matched = false;
        for p in &self.patterns {
            if p.exclusion != matched {
                continue;
            }
            let mut hit = p.matches(&path);
            if !hit {
                hit = (1..=parents.len()).any(|i| p.matches(&parents[..i].join("/")));
            }
            if hit {
                matched = !p.exclusion;
            }
        }
        matched
    }

    /// True when any pattern is an exception.
    pub(crate) fn has_exceptions(&self) -> bool {
        self.patterns.iter().any(|p| p.exclusion)
    }

    /// Whether an exception names a path under `dir`, so that an excluded directory must
    /// still be walked: moby compares the exception's text with the directory's, so an
    /// exception with a wildcard above the directory's depth does not count.
    pub(crate) fn may_include_below(&self, dir: &str) -> bool {
        let dir_slash = format!("{dir}/");
        self.patterns
            .iter()
            .filter(|p| p.exclusion)
            .any(|p| format!("{}/", p.text).starts_with(&dir_slash))
    }

    /// The docker CLI's check for the Dockerfile and `.dockerignore` themselves: the
    /// pattern or the same number of leading directories of the path matches.
    pub(crate) fn excludes_by_prefix(&self, path: &str) -> bool {
        let path = clean(path);
        if path == "." {
            return false;
        }
        let parents = parent_dirs(&path);
        let mut matched = false;
        for p in &self.patterns {
            if p.exclusion != matched {
                continue;
            }
            let mut hit = p.matches(&path);
            let depth = p.text.split('/').count();
            if !hit && !parents.is_empty() && depth <= parents.len() {
                hit = p.matches(&parents[..depth].join("/"));
            }
            if hit {
                matched = !p.exclusion;
            }
        }
        matched
    }

    /// Adds an exception at the end.
    pub(crate) fn push_exception(&mut self, path: &str) {
        if let Ok(p) = Pattern::new(clean(path), true) {
            self.patterns.push(p);
        }
    }

    /// Whether a path is left out, given what its parent directory's patterns matched
    /// (empty for the root's entries); and what the path's own patterns matched, for its
    /// children. This is what a walk of the context asks, entry by entry.
    pub(crate) fn matches_with_parent(&self, path: &str, parent: &[bool]) -> (bool, Vec<bool>) {
        let mut own = vec![false; self.patterns.len()];
        let mut matched = false;
        for (i, p) in self.patterns.iter().enumerate() {
            let mut hit = parent.get(i).copied().unwrap_or(false);
            if !hit {
                if p.exclusion != matched {
                    continue;
                }
                hit = p.matches(path);
                if !hit && parent.is_empty() {
                    let parents = parent_dirs(path);
                    hit = (1..=parents.len()).any(|n| p.matches(&parents[..n].join("/")));
                }
            }
            own[i] = hit;
            if hit {
                matched = !p.exclusion;
            }
        }
        (matched, own)
    }
}

/// The directories above `path`, outermost first (`a/b/c` gives `a`, `b`).
fn parent_dirs(path: &str) -> Vec<&str> {
    match path.rsplit_once('/') {
        Some((parent, _)) => parent.split('/').collect(),
        None => Vec::new(),
    }
}

/// One pattern, and how it matches: the way moby's `patternmatcher` sorts patterns into
/// plain comparisons and regular expressions.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    text: String,
    exclusion: bool,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// No wildcard: the path is the pattern.
    Exact,
    /// `prefix**`: the path starts with the pattern less its `**`.
    Prefix,
    /// `**` first and nothing else special: the path ends with what follows, or is it.
    Suffix,
    /// Anything else: a regular expression over the whole path.
    Regex(Regex),
}

impl Pattern {
    fn new(text: String, exclusion: bool) -> Result<Pattern> {
        let invalid = |reason: &str| Error::InvalidArgument {
            what: ".dockerignore pattern",
            reason: format!("{text:?} {reason}"),
        };
        check_glob_syntax(&text).map_err(&invalid)?;
        let (source, kind) = translate(&text);
        let kind = match kind {
            Translated::Exact => Kind::Exact,
            Translated::Prefix => Kind::Prefix,
            Translated::Suffix => Kind::Suffix,
            Translated::Regex => {
                let regex = Regex::parse(&source).map_err(&invalid)?;
                Kind::Regex(regex)
            }
        };
        Ok(Pattern {
            text,
            exclusion,
            kind,
        })
    }

    fn matches(&self, path: &str) -> bool {
        match &self.kind {
            Kind::Exact => path == self.text,
            Kind::Prefix => path.starts_with(&self.text[..self.text.len() - 2]),
            Kind::Suffix => {
                let suffix = &self.text[2..];
                path.ends_with(suffix) || suffix.strip_prefix('/') == Some(path)
            }
            Kind::Regex(re) => re.is_match(path),
        }
    }
}

enum Translated {
    Exact,
    Prefix,
    Suffix,
    Regex,
}

/// The regular expression moby writes for a pattern, and which kind of match it needs.
fn translate(pattern: &str) -> (String, Translated) {
    let mut re = String::from("^");
    let mut kind = Translated::Exact;
    let mut chars = pattern.chars().peekable();
    let mut i = 0;
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                if chars.peek() == Some(&'/') {
                    chars.next();
                }
                if chars.peek().is_none() {
                    match kind {
                        Translated::Exact => kind = Translated::Prefix,
                        _ => {
                            re.push_str(".*");
                            kind = Translated::Regex;
                        }
                    }
                } else {
                    re.push_str("(.*/)?");
                    kind = Translated::Regex;
                }
                if i == 0 {
                    kind = Translated::Suffix;
                }
            }
            '*' => {
                re.push_str("[^/]*");
                kind = Translated::Regex;
            }
            '?' => {
                re.push_str("[^/]");
                kind = Translated::Regex;
            }
            '.' | '+' | '(' | ')' | '|' | '{' | '}' | '$' => {
                re.push('\\');
                re.push(c);
            }
            '\\' => match chars.next() {
                Some(next) => {
                    re.push('\\');
                    re.push(next);
                    kind = Translated::Regex;
                }
                None => re.push('\\'),
            },
            '[' | ']' => {
                re.push(c);
                kind = Translated::Regex;
            }
            _ => re.push(c),
        }
        i += 1;
    }
    re.push('$');
    (re, kind)
}

/// The syntax checks of Go's `filepath.Match`, which moby runs on every pattern: `\` must
/// escape something, and a class must close and hold ranges whose ends are characters
/// (not `-` or `]` unescaped).
fn check_glob_syntax(pattern: &str) -> std::result::Result<(), &'static str> {
    fn escaped(chars: &mut std::str::Chars<'_>) -> std::result::Result<char, &'static str> {
        match chars.next() {
            None => Err("has a `[` that is never closed"),
            Some('-') | Some(']') => Err("has a class with a misplaced `-` or `]`"),
            Some('\\') => chars.next().ok_or("ends with a lone backslash"),
            Some(c) => Ok(c),
        }
    }
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next().ok_or("ends with a lone backslash")?;
            }
            '[' => {
                if chars.clone().next() == Some('^') {
                    chars.next();
                }
                let mut n_ranges = 0;
                loop {
                    if n_ranges > 0 && chars.clone().next() == Some(']') {
                        chars.next();
                        break;
                    }
                    escaped(&mut chars)?;
                    if chars.clone().next() == Some('-') {
                        chars.next();
                        escaped(&mut chars)?;
                    }
                    n_ranges += 1;
                }
            }
            _ => (),
        }
    }
    Ok(())
}

/// Go's `filepath.Clean` on `/`-separated paths.
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => (),
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => (),
                _ => parts.push(".."),
            },
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// A regular expression of the subset moby's translation produces (literals, `.`, classes,
/// `^`, `$`, groups, and `*`, `+`, `?`), compiled to an NFA and matched by simulation, so
/// that no pattern takes more than linear time per state.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Regex {
    states: Vec<State>,
    start: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// One character that the test accepts, then `next`.
    Char(CharTest, usize),
    /// Either branch.
    Split(usize, usize),
    /// Only at the start of the text.
    Begin(usize),
    /// Only at the end of the text.
    End(usize),
    Match,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum CharTest {
    Is(char),
    Any,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl CharTest {
    fn accepts(&self, c: char) -> bool {
        match self {
            CharTest::Is(x) => *x == c,
            CharTest::Any => c != '\n',
            CharTest::Class { negated, ranges } => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
        }
    }
}

/// A parsed piece of the expression.
#[derive(Debug, Clone)]
enum Node {
    Test(CharTest),
    Begin,
    End,
    Group(Vec<Node>),
    Repeat(Box<Node>, Repeat),
}

#[derive(Debug, Clone, Copy)]
enum Repeat {
    Star,
    Plus,
    Optional,
}

impl Regex {
    fn parse(source: &str) -> std::result::Result<Regex, &'static str> {
        let chars: Vec<char> = source.chars().collect();
        let mut at = 0;
        let nodes = parse_seq(&chars, &mut at)?;
        if at != chars.len() {
            return Err("has an unbalanced parenthesis");
        }
        let mut states = vec![State::Match];
        let start = compile_seq(&nodes, 0, &mut states);
        Ok(Regex { states, start })
    }

    fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let mut current = Vec::new();
        let mut seen = vec![usize::MAX; self.states.len()];
        self.add(self.start, 0, chars.len(), &mut current, &mut seen, 0);
        for (pos, &c) in chars.iter().enumerate() {
            let mut next = Vec::new();
            let generation = pos + 1;
            for &s in &current {
                if let State::Char(test, to) = &self.states[s] {
                    if test.accepts(c) {
                        self.add(*to, pos + 1, chars.len(), &mut next, &mut seen, generation);
                    }
                }
            }
            current = next;
            if current.is_empty() {
                return false;
            }
        }
        current
            .iter()
            .any(|&s| matches!(self.states[s], State::Match))
    }

    /// Adds `state` and what it reaches without reading, at position `pos`.
    fn add(
        &self,
        state: usize,
        pos: usize,
        len: usize,
        list: &mut Vec<usize>,
        seen: &mut [usize],
        generation: usize,
    ) {
        if seen[state] == generation {
            return;
        }
        seen[state] = generation;
        match &self.states[state] {
            State::Split(a, b) => {
                self.add(*a, pos, len, list, seen, generation);
                self.add(*b, pos, len, list, seen, generation);
            }
            State::Begin(next) if pos == 0 => self.add(*next, pos, len, list, seen, generation),
            State::End(next) if pos == len => self.add(*next, pos, len, list, seen, generation),
            State::Begin(_) | State::End(_) => (),
            State::Char(..) | State::Match => list.push(state),
        }
    }
}

fn parse_seq(chars: &[char], at: &mut usize) -> std::result::Result<Vec<Node>, &'static str> {
    let mut nodes = Vec::new();
    while let Some(&c) = chars.get(*at) {
        let node = match c {
            ')' => break,
            '(' => {
                *at += 1;
                let inner = parse_seq(chars, at)?;
                if chars.get(*at) != Some(&')') {
                    return Err("has an unbalanced parenthesis");
                }
                *at += 1;
                Node::Group(inner)
            }
            '[' => {
                *at += 1;
                Node::Test(parse_class(chars, at)?)
            }
            '\\' => {
                let escaped = *chars.get(*at + 1).ok_or("ends with a lone backslash")?;
                *at += 2;
                Node::Test(CharTest::Is(escaped))
            }
            '.' => {
                *at += 1;
                Node::Test(CharTest::Any)
            }
            '^' => {
                *at += 1;
                Node::Begin
            }
            '$' => {
                *at += 1;
                Node::End
            }
            '*' | '+' | '?' => return Err("has a repetition with nothing to repeat"),
            c => {
                *at += 1;
                Node::Test(CharTest::Is(c))
            }
        };
        let node = match chars.get(*at) {
            Some('*') => Node::Repeat(Box::new(node), Repeat::Star),
            Some('+') => Node::Repeat(Box::new(node), Repeat::Plus),
            Some('?') => Node::Repeat(Box::new(node), Repeat::Optional),
            _ => {
                nodes.push(node);
                continue;
            }
        };
        *at += 1;
        nodes.push(node);
    }
    Ok(nodes)
}

/// A class after its `[`: `^` negates, `a-z` is a range, `\` escapes, and a `]` right
/// after the `[` (or `[^`) is a member.
fn parse_class(chars: &[char], at: &mut usize) -> std::result::Result<CharTest, &'static str> {
    let negated = chars.get(*at) == Some(&'^');
    if negated {
        *at += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(*at).ok_or("has a `[` that is never closed")?;
        *at += 1;
        let lo = match c {
            ']' if !first => break,
            '\\' => {
                let c = *chars.get(*at).ok_or("ends with a lone backslash")?;
                *at += 1;
                c
            }
            c => c,
        };
        first = false;
        let hi = match (chars.get(*at), chars.get(*at + 1)) {
            (Some('-'), Some(&end)) if end != ']' => {
                *at += 2;
                match end {
                    '\\' => {
                        let c = *chars.get(*at).ok_or("ends with a lone backslash")?;
                        *at += 1;
                        c
                    }
                    c => c,
                }
            }
            _ => lo,
        };
        if hi < lo {
            return Err("has a range whose end comes before its start");
        }
        ranges.push((lo, hi));
    }
    Ok(CharTest::Class { negated, ranges })
}

/// Compiles `nodes` so that they continue to `next`; returns the first state.
fn compile_seq(nodes: &[Node], next: usize, states: &mut Vec<State>) -> usize {
    let mut next = next;
    for node in nodes.iter().rev() {
        next = compile_node(node, next, states);
    }
    next
}

fn compile_node(node: &Node, next: usize, states: &mut Vec<State>) -> usize {
    let push = |s: State, states: &mut Vec<State>| {
        states.push(s);
        states.len() - 1
    };
    match node {
        Node::Test(t) => push(State::Char(t.clone(), next), states),
        Node::Begin => push(State::Begin(next), states),
        Node::End => push(State::End(next), states),
        Node::Group(inner) => compile_seq(inner, next, states),
        Node::Repeat(inner, Repeat::Optional) => {
            let body = compile_node(inner, next, states);
            push(State::Split(body, next), states)
        }
        Node::Repeat(inner, repeat) => {
            // A loop: the split comes back after each pass of the body.
            let split = push(State::Split(usize::MAX, next), states);
            let body = compile_node(inner, split, states);
            states[split] = State::Split(body, next);
            match repeat {
                Repeat::Plus => body,
                _ => split,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excluded(patterns: &str, path: &str) -> bool {
        DockerIgnore::parse(patterns).unwrap().is_excluded(path)
    }

    #[test]
    fn paths_are_cleaned_as_go_cleans_them() {
        for (path, want) in [
            ("a//b/./c/..", "a/b"),
            ("/a/../../b", "/b"),
            ("../a", "../a"),
            ("a/../..", ".."),
            ("", "."),
            ("./", "."),
            ("a/", "a"),
        ] {
            assert_eq!(clean(path), want, "{path:?}");
        }
    }

    #[test]
    fn patterns_translate_to_moby_s_expressions() {
        let re = |p: &str| translate(p).0;
        assert_eq!(re("*.go"), "^[^/]*\\.go$");
        assert_eq!(re("a/**/b"), "^a/(.*/)?b$");
        assert_eq!(re("a?c"), "^a[^/]c$");
        assert_eq!(re("[ab]*"), "^[ab][^/]*$");
        assert_eq!(re("\\*x"), "^\\*x$");
        assert!(matches!(translate("a/**").1, Translated::Prefix));
        assert!(matches!(translate("**/x").1, Translated::Suffix));
        assert!(matches!(translate("**/*.go").1, Translated::Regex));
        assert!(matches!(translate("plain/name").1, Translated::Exact));
    }

    #[test]
    fn globs_match_within_one_directory_level() {
        assert!(excluded("*.md", "README.md"));
        assert!(!excluded("*.md", "docs/README.md"));
        assert!(excluded("*/*.md", "docs/README.md"));
        assert!(excluded("?at", "cat"));
        assert!(!excluded("?at", "at"));
        assert!(excluded("[a-c]at", "bat"));
        assert!(!excluded("[^a-c]at", "bat"));
        assert!(excluded("[^a-c]at", "rat"));
        assert!(excluded("\\*", "*"));
        assert!(!excluded("\\*", "x"));
        assert!(excluded("a.b", "a.b"));
        assert!(!excluded("a.b*", "axb"));
    }

    #[test]
    fn double_stars_cross_directories() {
        assert!(excluded("**/*.o", "a.o"));
        assert!(excluded("**/*.o", "x/y/z.o"));
        assert!(excluded("a/**/b", "a/b"));
        assert!(excluded("a/**/b", "a/x/y/b"));
        assert!(!excluded("a/**/b", "a/x/y/c"));
        assert!(excluded("a/**", "a/x"));
        assert!(excluded("**", "anything/at/all"));
        assert!(excluded("**/.git", ".git"));
        assert!(excluded("**/.git", "deep/.git/HEAD"));
        assert!(!excluded("**/.git", "deep/x.git"));
        // `**` with no `/` after it matches a suffix of any file name.
        assert!(excluded("**tmp", "cache/xtmp"));
    }

    #[test]
    fn the_last_matching_pattern_decides_and_exceptions_reinclude() {
        assert!(!excluded("*.log\n!keep.log", "keep.log"));
        assert!(excluded("*.log\n!keep.log\nkeep.log", "keep.log"));
        assert!(!excluded("docs\n!docs/a.md", "docs/a.md"));
        assert!(excluded("docs\n!docs/a.md", "docs/b.md"));
        // A parent excluded after the exception wins again.
        assert!(excluded("!docs/a.md\ndocs", "docs/a.md"));
    }

    #[test]
    fn lines_are_read_as_the_docker_cli_reads_them() {
        let ignore =
            DockerIgnore::parse("#c\n\n  spaced  \n/rooted\n! spaced-exception\n./dot/../x\n")
                .unwrap();
        assert_eq!(
            ignore.patterns().collect::<Vec<_>>(),
            ["spaced", "rooted", "spaced-exception", "x"]
        );
        assert!(DockerIgnore::parse("!\n").is_err());
        assert!(DockerIgnore::parse("a\\\n").is_err());
        assert!(DockerIgnore::parse("[]a\n").is_err());
        assert!(DockerIgnore::parse("[a-]\n").is_err());
    }

    #[test]
    fn moby_s_quirks_come_along() {
        // `^` is an anchor in the expression, so it never matches in the middle.
        assert!(!excluded("a^b*", "a^bc"));
        // Without a wildcard the pattern is compared as text, `^` included.
        assert!(excluded("a^b", "a^b"));
    }

    #[test]
    fn the_walk_s_answers_follow_the_parent_s() {
        let ignore = DockerIgnore::parse("build\n!build/keep\n").unwrap();
        let (dir, info) = ignore.matches_with_parent("build", &[]);
        assert!(dir);
        assert!(ignore.may_include_below("build"));
        let (keep, _) = ignore.matches_with_parent("build/keep", &info);
        assert!(!keep);
        let (other, _) = ignore.matches_with_parent("build/other", &info);
        assert!(other);
        assert!(!ignore.may_include_below("src"));
    }

    #[test]
    fn the_dockerfile_check_looks_at_as_many_leading_directories_as_the_pattern_has() {
        let ignore = DockerIgnore::parse("docker\n").unwrap();
        assert!(ignore.excludes_by_prefix("docker/Dockerfile"));
        let ignore = DockerIgnore::parse("*/Dockerfile\n").unwrap();
        assert!(ignore.excludes_by_prefix("a/Dockerfile"));
        assert!(!ignore.excludes_by_prefix("Dockerfile"));
    }
}
