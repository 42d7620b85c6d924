//! Reads every file of `src/` into modules: what each declares (child modules, items, macros) and
//! what it names (`use` trees, paths written in the code, macros called), each path made absolute
//! from the module it is written in once the whole crate is read (so a path through a name a `use`
//! brought in, `use crate::lab; lab::score::x()`, is followed to where it leads).

use super::lexer::{Token, tokens};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path from the crate root: `["tui", "state"]`.
pub type ModPath = Vec<String>;

/// One module, from a file or an inline `mod name { … }`.
#[derive(Debug, Default)]
pub struct Module {
    /// The file it is written in, relative to the crate (`src/tui/state/mod.rs`).
    pub file: String,
    pub children: BTreeSet<String>,
    /// Items defined at this module's level (functions, types, traits, constants, macros).
    pub items: BTreeSet<String>,
    /// Names brought in by `use`, to the absolute path they stand for.
    pub imports: BTreeMap<String, ModPath>,
    /// Modules whose every item is brought in (`use x::*`).
    pub globs: Vec<ModPath>,
    /// Every name a `use` binds in the module, at its top or inside a function (what a path
    /// written in the code may start with).
    pub aliases: BTreeMap<String, ModPath>,
}

/// A path written in a file, made absolute, with where it was written.
#[derive(Debug, Clone)]
pub struct Reference {
    pub file: String,
    pub line: usize,
    pub path: ModPath,
}

/// A path as written, in the module it was written in (made absolute once every `use` is known).
#[derive(Debug, Clone)]
struct Written {
    file: String,
    line: usize,
    module: ModPath,
    segments: Vec<String>,
}

/// Every module of a crate, every path its files write, and the macros they define and call.
#[derive(Debug, Default)]
pub struct Crate {
    pub modules: BTreeMap<ModPath, Module>,
    pub references: Vec<Reference>,
    written: Vec<Written>,
    /// `macro_rules!` names to the file that defines them.
    pub macros: BTreeMap<String, String>,
    /// Macro calls: (file, line, name).
    pub macro_calls: Vec<(String, usize, String)>,
}

const ITEM_KEYWORDS: [&str; 8] = ["fn", "struct", "enum", "trait", "type", "const", "static", "union"];

impl Crate {
    /// Reads the library crate whose root is `src/lib.rs` under `root`.
    pub fn read(root: &Path) -> Crate {
        let mut krate = Crate::default();
        krate.read_file(root, PathBuf::from("src/lib.rs"), Vec::new());
        for written in std::mem::take(&mut krate.written) {
            if let Some(path) = krate.absolute_from(&written.module, &written.segments) {
                krate.references.push(Reference { file: written.file, line: written.line, path });
            }
        }
        krate
    }

    /// A path written in module `from`, made absolute: from the crate's root (`crate::`), the
    /// module or its parents (`self::`, `super::`), a child module, or a name a `use` brought in.
    /// `None` for another crate's path (`std::…`, `ratatui::…`).
    fn absolute_from(&self, from: &ModPath, written: &[String]) -> Option<ModPath> {
        let first = written.first()?.as_str();
        let module = self.modules.get(from);
        if matches!(first, "crate" | "super" | "self") || module.is_some_and(|m| m.children.contains(first)) {
            return absolute(from, written);
        }
        let target = module?.aliases.get(first)?;
        let mut out = target.clone();
        out.extend(written[1..].iter().cloned());
        Some(out)
    }

    fn read_file(&mut self, root: &Path, file: PathBuf, path: ModPath) {
        let source = std::fs::read_to_string(root.join(&file))
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let name = file.to_string_lossy().replace('\\', "/");
        let toks = tokens(&source);
        let mut declared: Vec<(String, Option<String>)> = Vec::new();
        let mut scanner = Scanner { toks: &toks, at: 0, file: &name, krate: self };
        scanner.module_body(&path, &mut declared);
        // Child files are found the way rustc finds them: beside `mod.rs`/`lib.rs`, or in a
        // folder named after a non-`mod.rs` file.
        let dir = match file.file_stem().and_then(|s| s.to_str()) {
            Some("mod") | Some("lib") => file.parent().map(Path::to_path_buf).unwrap_or_default(),
            Some(stem) => file.parent().map(|p| p.join(stem)).unwrap_or_default(),
            None => PathBuf::new(),
        };
        for (child, explicit) in declared {
            let mut child_path = path.clone();
            child_path.push(child.clone());
            let child_file = match explicit {
                Some(p) => file.parent().map(|d| d.join(&p)).unwrap_or_else(|| PathBuf::from(p)),
                None => {
                    let flat = dir.join(format!("{child}.rs"));
                    if root.join(&flat).exists() { flat } else { dir.join(&child).join("mod.rs") }
                }
            };
            self.read_file(root, child_file, child_path);
        }
    }
}

struct Scanner<'a> {
    toks: &'a [(Token, usize)],
    at: usize,
    file: &'a str,
    krate: &'a mut Crate,
}

impl Scanner<'_> {
    fn ident(&self, at: usize) -> Option<&str> {
        match self.toks.get(at) {
            Some((Token::Ident(s), _)) => Some(s),
            _ => None,
        }
    }

    fn is(&self, at: usize, token: &Token) -> bool {
        self.toks.get(at).map(|(t, _)| t) == Some(token)
    }

    fn line(&self, at: usize) -> usize {
        self.toks.get(at).map(|(_, l)| *l).unwrap_or(0)
    }

    /// Reads a module's items until its closing brace (or the end of the file); `declared`
    /// collects the file-backed children (`mod x;`) with an explicit `#[path]` if any.
    fn module_body(&mut self, path: &ModPath, declared: &mut Vec<(String, Option<String>)>) {
        self.krate.modules.entry(path.clone()).or_default().file = self.file.to_string();
        let mut depth = 0usize;
        let mut path_attr: Option<String> = None;
        while self.at < self.toks.len() {
            let at = self.at;
            match &self.toks[at].0 {
                Token::Punct('{') => depth += 1,
                Token::Punct('}') => {
                    if depth == 0 {
                        self.at += 1;
                        return;
                    }
                    depth -= 1;
                }
                Token::Punct('#') if self.ident(at + 2) == Some("path") => {
                    if let Some((Token::Str(p), _)) = self.toks.get(at + 4) {
                        path_attr = Some(p.clone());
                    }
                }
                Token::Ident(word) if word == "mod" && depth == 0 => {
                    if let Some(name) = self.ident(at + 1).map(str::to_string) {
                        self.module_mut(path).children.insert(name.clone());
                        if self.is(at + 2, &Token::Punct('{')) {
                            self.at = at + 3;
                            let mut inner = path.clone();
                            inner.push(name);
                            let mut nested = Vec::new();
                            self.module_body(&inner, &mut nested);
                            path_attr = None;
                            continue;
                        }
                        declared.push((name, path_attr.take()));
                    }
                }
                Token::Ident(word) if word == "use" => {
                    self.at = at + 1;
                    let trees = self.use_tree(Vec::new());
                    let line = self.line(at);
                    for (written, bound) in trees {
                        self.import(path, depth == 0, written, bound, line);
                    }
                    continue;
                }
                Token::Ident(word) if depth == 0 && ITEM_KEYWORDS.contains(&word.as_str()) => {
                    if let Some(name) = self.ident(at + 1).filter(|n| !ITEM_KEYWORDS.contains(n)) {
                        let name = name.to_string();
                        self.module_mut(path).items.insert(name);
                    }
                }
                Token::Ident(word) if word == "macro_rules" => {
                    if let Some(name) = self.ident(at + 2).map(str::to_string) {
                        self.krate.macros.insert(name.clone(), self.file.to_string());
                        self.module_mut(path).items.insert(name);
                        self.at = at + 3;
                        continue;
                    }
                }
                Token::Ident(name)
                    if self.is(at + 1, &Token::Punct('!'))
                        && !self.is(at.wrapping_sub(1), &Token::PathSep) =>
                {
                    let line = self.line(at);
                    self.krate.macro_calls.push((self.file.to_string(), line, name.clone()));
                }
                Token::Ident(_) if !self.is(at.wrapping_sub(1), &Token::PathSep) => {
                    self.inline_path(path, at);
                }
                _ => {}
            }
            self.at += 1;
        }
    }

    fn module_mut(&mut self, path: &ModPath) -> &mut Module {
        self.krate.modules.entry(path.clone()).or_default()
    }

    /// An expression path such as `crate::engine::RunEvent::Token` or `super::format::age`.
    fn inline_path(&mut self, path: &ModPath, at: usize) {
        let mut segments = Vec::new();
        let mut i = at;
        while let Some(seg) = self.ident(i) {
            segments.push(seg.to_string());
            if !self.is(i + 1, &Token::PathSep) {
                break;
            }
            i += 2;
        }
        if segments.len() < 2 {
            return;
        }
        let line = self.line(at);
        self.krate.written.push(Written {
            file: self.file.to_string(),
            line,
            module: path.clone(),
            segments,
        });
    }

    /// Reads one use tree after `prefix`; returns each leaf's written path and the name it binds
    /// (`None` for a glob).
    fn use_tree(&mut self, prefix: Vec<String>) -> Vec<(Vec<String>, Option<String>)> {
        let mut segments = prefix;
        if self.is(self.at, &Token::PathSep) {
            self.at += 1;
        }
        loop {
            if self.is(self.at, &Token::Punct('*')) {
                self.at += 1;
                self.skip_to_end();
                return vec![(segments, None)];
            }
            if self.is(self.at, &Token::Punct('{')) {
                self.at += 1;
                let mut out = Vec::new();
                while self.at < self.toks.len() && !self.is(self.at, &Token::Punct('}')) {
                    out.extend(self.use_tree(segments.clone()));
                    if self.is(self.at, &Token::Punct(',')) {
                        self.at += 1;
                    }
                }
                self.at += 1;
                if self.is(self.at, &Token::Punct(';')) {
                    self.at += 1;
                }
                return out;
            }
            let Some(seg) = self.ident(self.at).map(str::to_string) else {
                self.skip_to_end();
                return Vec::new();
            };
            self.at += 1;
            if seg == "self" && !segments.is_empty() && !self.is(self.at, &Token::PathSep) {
                // `use a::{self}` binds `a`.
            } else {
                segments.push(seg);
            }
            if self.is(self.at, &Token::PathSep) {
                self.at += 1;
                continue;
            }
            let mut bound = segments.last().cloned();
            if self.ident(self.at) == Some("as") {
                bound = self.ident(self.at + 1).map(str::to_string);
                self.at += 2;
            }
            if self.is(self.at, &Token::Punct(';')) {
                self.at += 1;
            }
            return vec![(segments, bound)];
        }
    }

    fn skip_to_end(&mut self) {
        while self.at < self.toks.len()
            && !matches!(self.toks[self.at].0, Token::Punct(';') | Token::Punct(',') | Token::Punct('}'))
        {
            self.at += 1;
        }
        if self.is(self.at, &Token::Punct(';')) {
            self.at += 1;
        }
    }

    fn import(
        &mut self,
        path: &ModPath,
        top: bool,
        written: Vec<String>,
        bound: Option<String>,
        line: usize,
    ) {
        let Some(target) = self.krate.absolute_from(path, &written) else { return };
        self.krate.references.push(Reference { file: self.file.to_string(), line, path: target.clone() });
        let module = self.module_mut(path);
        match bound {
            Some(name) if name != "_" => {
                module.aliases.insert(name.clone(), target.clone());
                if top {
                    module.imports.insert(name, target);
                }
            }
            Some(_) => {}
            None if top => module.globs.push(target),
            None => {}
        }
    }
}

/// `written` made absolute from the module `from` (`super::x` in `a::b` is `a::x`).
pub fn absolute(from: &ModPath, written: &[String]) -> Option<ModPath> {
    let mut out = from.clone();
    let mut rest = written;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            out.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                out.pop()?;
                rest = &rest[1..];
            }
        }
        _ => {}
    }
    out.extend(rest.iter().cloned());
    Some(out)
}
