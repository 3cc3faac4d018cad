//! Plain-text articles: an optional title line followed by a blank line, then the body.

use super::split_paragraphs;
use crate::article::{Article, SourceLocation};

/// Parses a plain-text article. The first line is the title when a blank line follows it; the outlet comes from
/// the parent folder when that folder is named like a domain (`bbc.co.uk/story.txt`).
pub fn parse_plain_text(text: &str, source: SourceLocation, parent: Option<&str>) -> Result<Article, String> {
    let mut article = Article::new(source.path.clone(), source);
    let normalized = text.replace("\r\n", "\n");
    let mut lines = normalized.lines();
    let first = lines.next().unwrap_or("").trim();
    let second = lines.next();
    let body = if second.is_some_and(|l| l.trim().is_empty()) && !first.is_empty() {
        article.title = Some(first.to_string());
        lines.collect::<Vec<_>>().join("\n")
    } else {
        normalized.clone()
    };
    article.paragraphs = split_paragraphs(&body);
    article.outlet = parent.filter(|name| looks_like_domain(name)).map(str::to_ascii_lowercase);
    if article.paragraphs.is_empty() && article.title.is_none() {
        return Err("no text".into());
    }
    Ok(article)
}

fn looks_like_domain(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location() -> SourceLocation {
        SourceLocation { path: "bbc.co.uk/a.txt".into(), record: None }
    }

    #[test]
    fn title_line_then_body_and_outlet_from_folder() {
        let article =
            parse_plain_text("Putin cancels trip\n\nBody one.\n\nBody two.", location(), Some("bbc.co.uk"))
                .unwrap();
        assert_eq!(article.title.as_deref(), Some("Putin cancels trip"));
        assert_eq!(article.paragraphs.len(), 2);
        assert_eq!(article.outlet.as_deref(), Some("bbc.co.uk"));
    }

    #[test]
    fn no_title_when_no_blank_line_follows_and_folder_not_a_domain() {
        let article = parse_plain_text("Line one\nline two", location(), Some("articles")).unwrap();
        assert_eq!(article.title, None);
        assert_eq!(article.outlet, None);
        assert_eq!(article.paragraphs, vec!["Line one", "line two"]);
    }
}
