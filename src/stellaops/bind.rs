//! Binding a merged [`ConfigNode`] tree into options classes, the way .NET's
//! `ConfigurationBinder` does: keys ignore case, an absent key keeps the class default, `null`
//! binds to `None` where the property is nullable (documented as "check disabled"). Binding never
//! fails: a value of the wrong type keeps the default and is recorded as a [`BindIssue`].

use std::collections::HashMap;

use serde::Serialize;

use super::config::{ConfigNode, Loc, Scalar};

/// A bound value and where it was configured (`None`: the class default).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spanned<T> {
    pub value: T,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loc: Option<Loc>,
}

impl<T> Spanned<T> {
    pub fn default_value(value: T) -> Self {
        Spanned { value, loc: None }
    }
}

/// A value that could not be bound; the default stays in force.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BindIssue {
    pub path: String,
    pub loc: Option<Loc>,
    pub message: String,
}

/// `FailureAction`, `MissingTrustBehavior`, `MissingEvidenceAction`, … (bound case-insensitively).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
pub enum Action {
    Allow,
    Warn,
    Block,
}

impl Action {
    pub fn parse(text: &str) -> Option<Action> {
        match text.trim().to_ascii_lowercase().as_str() {
            "allow" => Some(Action::Allow),
            "warn" => Some(Action::Warn),
            "block" => Some(Action::Block),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "Allow",
            Action::Warn => "Warn",
            Action::Block => "Block",
        }
    }
}

pub(super) struct Binder<'a> {
    pub(super) issues: &'a mut Vec<BindIssue>,
}

pub(super) trait FromScalar: Sized {
    const EXPECTED: &'static str;
    fn from_scalar(scalar: &Scalar) -> Option<Self>;
}

impl FromScalar for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_scalar(scalar: &Scalar) -> Option<Self> {
        scalar.as_f64()
    }
}

impl FromScalar for bool {
    const EXPECTED: &'static str = "`true` or `false`";
    fn from_scalar(scalar: &Scalar) -> Option<Self> {
        scalar.as_bool()
    }
}

impl FromScalar for i64 {
    const EXPECTED: &'static str = "an integer";
    fn from_scalar(scalar: &Scalar) -> Option<Self> {
        let number = scalar.as_f64()?;
        (number.fract() == 0.0 && number.abs() < 9.0e15).then_some(number as i64)
    }
}

impl FromScalar for Action {
    const EXPECTED: &'static str = "`Allow`, `Warn` or `Block`";
    fn from_scalar(scalar: &Scalar) -> Option<Self> {
        match scalar {
            Scalar::String(text) => Action::parse(text),
            _ => None,
        }
    }
}

impl FromScalar for String {
    const EXPECTED: &'static str = "a string";
    fn from_scalar(scalar: &Scalar) -> Option<Self> {
        scalar.as_text()
    }
}

impl<T: FromScalar> FromScalar for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn from_scalar(scalar: &Scalar) -> Option<Self> {
        if scalar.is_null() {
            return Some(None);
        }
        T::from_scalar(scalar).map(Some)
    }
}

impl Binder<'_> {
    fn issue(&mut self, node: &ConfigNode, path: &str, message: String) {
        self.issues.push(BindIssue {
            path: path.to_owned(),
            loc: node.loc(),
            message,
        });
    }

    /// Reads `key` under `node`: `None` when absent (or unbindable, recorded).
    pub(super) fn read<T: FromScalar>(
        &mut self,
        node: &ConfigNode,
        key: &str,
        path: &str,
    ) -> Option<Spanned<T>> {
        let child = node.child(key)?;
        let (scalar, loc) = child.value.as_ref()?;
        // A `null` for a non-nullable property leaves the default, as the binder does.
        match T::from_scalar(scalar) {
            Some(value) => Some(Spanned {
                value,
                loc: Some(*loc),
            }),
            None if scalar.is_null() => None,
            None => {
                self.issue(
                    child,
                    &format!("{path}:{key}"),
                    format!("`{key}` should be {}", T::EXPECTED),
                );
                None
            }
        }
    }

    pub(super) fn set<T: FromScalar>(
        &mut self,
        slot: &mut Spanned<T>,
        node: &ConfigNode,
        key: &str,
        path: &str,
    ) {
        if let Some(value) = self.read(node, key, path) {
            *slot = value;
        }
    }

    /// A string list, bound item by item (index children).
    pub(super) fn read_list(
        &mut self,
        node: &ConfigNode,
        key: &str,
        path: &str,
    ) -> Option<Spanned<Vec<String>>> {
        let child = node.child(key)?;
        let items = child.items();
        if items.is_empty() {
            if let Some((Scalar::String(text), loc)) = &child.value {
                // A comma-free single string is read as a one-item list, like an env var.
                return Some(Spanned {
                    value: vec![text.clone()],
                    loc: Some(*loc),
                });
            }
            return None;
        }
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            match item.scalar().and_then(Scalar::as_text) {
                Some(text) => values.push(text),
                None => self.issue(
                    item,
                    &format!("{path}:{key}"),
                    format!("items of `{key}` should be strings"),
                ),
            }
        }
        Some(Spanned {
            value: values,
            loc: child.key_loc,
        })
    }

    pub(super) fn set_list(
        &mut self,
        slot: &mut Spanned<Vec<String>>,
        node: &ConfigNode,
        key: &str,
        path: &str,
    ) {
        if let Some(value) = self.read_list(node, key, path) {
            *slot = value;
        }
    }
}

pub(super) fn strings(values: &[&str]) -> Spanned<Vec<String>> {
    Spanned::default_value(values.iter().map(|v| (*v).to_owned()).collect())
}

pub(super) fn d<T>(value: T) -> Spanned<T> {
    Spanned::default_value(value)
}

/// Looks a dictionary key up ignoring case (the configuration keys themselves ignore case).
pub fn lookup<'a, T>(entries: &'a [(String, T)], key: &str) -> Option<&'a T> {
    entries
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(key))
        .map(|(_, value)| value)
}

/// Inserts or updates many keys of a dictionary (ignoring case, the first spelling kept) in
/// linear time: the positions of its keys are indexed once.
pub(super) struct Upsert<'a, T> {
    entries: &'a mut Vec<(String, T)>,
    positions: HashMap<String, usize>,
}

impl<'a, T> Upsert<'a, T> {
    pub(super) fn new(entries: &'a mut Vec<(String, T)>) -> Self {
        let mut positions = HashMap::with_capacity(entries.len());
        for (position, (name, _)) in entries.iter().enumerate() {
            positions
                .entry(name.to_ascii_lowercase())
                .or_insert(position);
        }
        Upsert { entries, positions }
    }

    /// The value under `key`, made by `make` when the key is new.
    pub(super) fn slot(&mut self, key: &str, make: impl FnOnce() -> T) -> &mut T {
        let entries = &mut *self.entries;
        let position = *self
            .positions
            .entry(key.to_ascii_lowercase())
            .or_insert_with(|| {
                entries.push((key.to_owned(), make()));
                entries.len() - 1
            });
        #[expect(
            clippy::indexing_slicing,
            reason = "every indexed position is inside the list, which only grows"
        )]
        &mut entries[position].1
    }
}

// ---------------------------------------------------------------------------------------------
// Per-environment options (`Policy:Gates`, with partial `Environments` overrides)

/// A gate's base options and its per-environment effective options (base + override).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PerEnvironment<T> {
    pub base: T,
    pub environments: Vec<(String, T)>,
}

impl<T: Clone> PerEnvironment<T> {
    /// The effective options for `environment` and whether an override applied.
    pub fn for_environment(&self, environment: &str) -> (&T, bool) {
        match lookup(&self.environments, environment) {
            Some(options) => (options, true),
            None => (&self.base, false),
        }
    }
}

impl<T: Clone + Default> Default for PerEnvironment<T> {
    fn default() -> Self {
        PerEnvironment {
            base: T::default(),
            environments: Vec::new(),
        }
    }
}

impl<T: Clone> PerEnvironment<T> {
    pub(super) fn bind(
        &mut self,
        binder: &mut Binder<'_>,
        node: &ConfigNode,
        path: &str,
        bind: fn(&mut T, &mut Binder<'_>, &ConfigNode, &str),
    ) {
        bind(&mut self.base, binder, node, path);
        // Environment overrides are recomputed over the final base, field by field.
        let Some(environments) = node.child("Environments") else {
            return;
        };
        let mut environments_set = Upsert::new(&mut self.environments);
        for env_node in &environments.children {
            let mut effective = self.base.clone();
            bind(
                &mut effective,
                binder,
                env_node,
                &format!("{path}:Environments:{}", env_node.key),
            );
            let fallback = effective.clone();
            *environments_set.slot(&env_node.key, || fallback) = effective;
        }
    }
}
