//! The seed layout: a URL line, integer metadata lines, then the body in blank-line-separated paragraphs.

use super::fields::{date_from_url, outlet_from_url};
use super::split_paragraphs;
use crate::article::{Article, SourceLocation};

/// A text is in the seed layout when its first line is an absolute http(s) URL.
pub fn looks_like_seed(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("").trim();
    (first.starts_with("http://") || first.starts_with("https://")) && !first.contains(char::is_whitespace)
}

/// Parses a seed-layout article. The doc id is the file path as given.
pub fn parse_seed(text: &str, source: SourceLocation) -> Result<Article, String> {
    let mut lines = text.lines();
    let url = lines.next().unwrap_or("").trim().to_string();
    let mut article = Article::new(source.path.clone(), source);
    let mut rest: Vec<&str> = Vec::new();
    let mut in_metadata = true;
    for line in lines {
        if in_metadata {
            let trimmed = line.trim();
            if let Ok(value) = trimmed.parse::<i64>() {
                article.numeric_metadata.push(value);
                continue;
            }
            if trimmed.is_empty() && article.numeric_metadata.is_empty() {
                continue;
            }
            in_metadata = false;
        }
        rest.push(line);
    }
    article.outlet = outlet_from_url(&url);
    article.date = date_from_url(&url);
    article.url = Some(url);
    article.paragraphs = split_paragraphs(&rest.join("\n"));
    if article.paragraphs.is_empty() {
        return Err("seed layout with a URL but no body".into());
    }
    Ok(article)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location() -> SourceLocation {
        SourceLocation { path: "x/a.txt".into(), record: None }
    }

    #[test]
    fn url_metadata_and_paragraphs() {
        let text = "https://www.rt.com/news/1-putin/\n120\n12\nFirst paragraph here.\n\nSecond one\nwraps.\n";
        assert!(looks_like_seed(text));
        let article = parse_seed(text, location()).unwrap();
        assert_eq!(article.outlet.as_deref(), Some("rt.com"));
        assert_eq!(article.numeric_metadata, vec![120, 12]);
        assert_eq!(article.paragraphs, vec!["First paragraph here.", "Second one wraps."]);
        assert_eq!(article.doc_id, "x/a.txt");
    }

    #[test]
    fn a_body_that_starts_with_a_number_sentence_is_not_metadata() {
        let text = "https://example.com/2016/10/11/x\n7\n12 people were hurt.\n";
        let article = parse_seed(text, location()).unwrap();
        assert_eq!(article.numeric_metadata, vec![7]);
        assert_eq!(article.paragraphs, vec!["12 people were hurt."]);
        assert_eq!(article.date, chrono::NaiveDate::from_ymd_opt(2016, 10, 11));
    }

    #[test]
    fn url_without_body_is_an_error() {
        assert!(parse_seed("https://example.com/a\n1\n2\n", location()).is_err());
    }
}
