//! Endpoint path and domain patterns, and Go's `path.Match` under them.

/// Endpoint path patterns: exact, `prefix/**`, else a Go `path.Match` glob.
pub fn path_pattern_matches(pattern: &str, value: &str) -> bool {
    if pattern == value {
        return true;
    }
    if let Some(prefix) = pattern.strip_suffix("/**") {
        return value == prefix || value.starts_with(&format!("{prefix}/"));
    }
    go_path_match(pattern, value).unwrap_or(false)
}

/// Endpoint domain patterns: exact, `*.suffix`, else a Go `path.Match` glob.
pub fn domain_pattern_matches(pattern: &str, value: &str) -> bool {
    let pattern = pattern.to_lowercase();
    if pattern == value {
        return true;
    }
    if let Some(suffix) = pattern.strip_prefix("*.")
        && !suffix.contains(['*', '?', '['])
    {
        return value.ends_with(&format!(".{suffix}"));
    }
    go_path_match(&pattern, value).unwrap_or(false)
}

/// Go's `path.Match`: `None` for a malformed pattern.
pub fn go_path_match(pattern: &str, name: &str) -> Option<bool> {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    validate_pattern(&pattern)?;
    Some(match_from(&pattern, &name))
}

fn validate_pattern(pattern: &[char]) -> Option<()> {
    let mut index = 0;
    while let Some(&ch) = pattern.get(index) {
        match ch {
            '\\' => {
                pattern.get(index + 1)?;
                index += 2;
            }
            '[' => {
                let (_, next) = parse_class(pattern, index, None)?;
                index = next;
            }
            _ => index += 1,
        }
    }
    Some(())
}

/// Parses a `[...]` class at `start`; with `ch` given, also tells whether it matches.
fn parse_class(pattern: &[char], start: usize, ch: Option<char>) -> Option<(bool, usize)> {
    let mut index = start + 1;
    let negated = pattern.get(index) == Some(&'^');
    if negated {
        index += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let current = *pattern.get(index)?;
        if current == ']' && !first {
            index += 1;
            break;
        }
        first = false;
        let low = read_class_char(pattern, &mut index)?;
        let mut high = low;
        if pattern.get(index) == Some(&'-') && pattern.get(index + 1) != Some(&']') {
            index += 1;
            high = read_class_char(pattern, &mut index)?;
        } else if pattern.get(index) == Some(&'-') {
            return None;
        }
        if let Some(ch) = ch
            && low <= ch
            && ch <= high
        {
            matched = true;
        }
    }
    Some((matched != negated, index))
}

fn read_class_char(pattern: &[char], index: &mut usize) -> Option<char> {
    let mut ch = *pattern.get(*index)?;
    if ch == '-' || ch == ']' {
        return None;
    }
    if ch == '\\' {
        *index += 1;
        ch = *pattern.get(*index)?;
    }
    *index += 1;
    Some(ch)
}

fn match_from(pattern: &[char], name: &[char]) -> bool {
    let Some((&first, rest)) = pattern.split_first() else {
        return name.is_empty();
    };
    match first {
        '*' => {
            for split in 0..=name.len() {
                let (head, tail) = name.split_at(split);
                if head.contains(&'/') {
                    return false;
                }
                if match_from(rest, tail) {
                    return true;
                }
            }
            false
        }
        '?' => match name.split_first() {
            Some((&ch, tail)) if ch != '/' => match_from(rest, tail),
            _ => false,
        },
        '[' => {
            let Some((&ch, tail)) = name.split_first() else {
                return false;
            };
            if ch == '/' {
                return false;
            }
            match parse_class(pattern, 0, Some(ch)) {
                Some((true, next)) => match_from(pattern.get(next..).unwrap_or(&[]), tail),
                _ => false,
            }
        }
        '\\' => match (rest.split_first(), name.split_first()) {
            (Some((&literal, rest)), Some((&ch, tail))) if literal == ch => match_from(rest, tail),
            _ => false,
        },
        literal => match name.split_first() {
            Some((&ch, tail)) if ch == literal => match_from(rest, tail),
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_path_match_semantics() {
        assert_eq!(go_path_match("/tmp/*.txt", "/tmp/a.txt"), Some(true));
        assert_eq!(go_path_match("/tmp/*", "/tmp/a/b"), Some(false));
        assert_eq!(go_path_match("/tmp/[a-c]?", "/tmp/bz"), Some(true));
        assert_eq!(go_path_match("/tmp/[^a-c]", "/tmp/b"), Some(false));
        assert_eq!(go_path_match("/tmp/[", "/tmp/["), None);
        assert!(path_pattern_matches("/etc/**", "/etc"));
        assert!(path_pattern_matches("/etc/**", "/etc/hosts"));
        assert!(!path_pattern_matches("/etc/**", "/etcetera"));
        assert!(domain_pattern_matches("*.example.com", "api.example.com"));
        assert!(!domain_pattern_matches("*.example.com", "example.com"));
    }
}
