//! Exact duplicates: the same URL, or the same normalised title and body, become one article with every id.

use crate::article::Article;
use std::collections::HashMap;
use xxhash_rust::xxh3::xxh3_64;

/// Merges exact duplicates into the first article (in canonical order) and returns how many were merged away.
/// The kept article lists the others' ids in `duplicate_ids`, so each input id still gets a story.
pub fn merge_exact_duplicates(articles: &mut Vec<Article>) -> usize {
    let mut by_url: HashMap<String, usize> = HashMap::new();
    let mut by_text: HashMap<u64, usize> = HashMap::new();
    let mut keep: Vec<Option<Article>> = Vec::with_capacity(articles.len());
    let mut merged = 0;
    for article in articles.drain(..) {
        let url_key = article.url.as_deref().map(canonical_url);
        let body = article.body();
        let text_key = (!body.is_empty())
            .then(|| xxh3_64(format!("{}\n{}", article.title.as_deref().unwrap_or(""), body).as_bytes()));
        let target = url_key
            .as_ref()
            .and_then(|u| by_url.get(u).copied())
            .or_else(|| text_key.and_then(|k| by_text.get(&k).copied()));
        match target {
            Some(index) => {
                let kept = keep[index].as_mut().expect("kept article");
                kept.duplicate_ids.extend(article.all_ids().map(str::to_string));
                merged += 1;
            }
            None => {
                let index = keep.len();
                if let Some(u) = url_key {
                    by_url.insert(u, index);
                }
                if let Some(k) = text_key {
                    by_text.insert(k, index);
                }
                keep.push(Some(article));
            }
        }
    }
    articles.extend(keep.into_iter().flatten());
    merged
}

/// The URL without scheme, `www.`, query, fragment and trailing slash, so trivially different links match.
fn canonical_url(url: &str) -> String {
    let trimmed = url.trim();
    let no_scheme = trimmed.split_once("://").map_or(trimmed, |(_, rest)| rest);
    let no_www = no_scheme.strip_prefix("www.").unwrap_or(no_scheme);
    let no_fragment = no_www.split('#').next().unwrap_or(no_www);
    let no_query = no_fragment.split('?').next().unwrap_or(no_fragment);
    no_query.trim_end_matches('/').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::SourceLocation;

    fn article(id: &str, url: Option<&str>, body: &str) -> Article {
        let mut a = Article::new(id.into(), SourceLocation { path: id.into(), record: None });
        a.url = url.map(str::to_string);
        a.paragraphs = vec![body.into()];
        a
    }

    #[test]
    fn same_url_or_same_body_merge_keeping_ids() {
        let mut articles = vec![
            article("a", Some("https://www.x.com/s/1?utm=2"), "one"),
            article("b", Some("http://x.com/s/1/"), "one, updated"),
            article("c", None, "two"),
            article("d", Some("https://y.com/2"), "two"),
            article("e", None, "three"),
        ];
        assert_eq!(merge_exact_duplicates(&mut articles), 2);
        assert_eq!(articles.len(), 3);
        assert_eq!(articles[0].duplicate_ids, vec!["b"]);
        assert_eq!(articles[1].duplicate_ids, vec!["d"]);
    }
}
