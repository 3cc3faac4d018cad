//! Exact duplicates: the same URL, or the same normalised title and body, become one article with every id.

use crate::article::Article;
use std::collections::HashMap;
use xxhash_rust::xxh3::xxh3_64;

/// Merges exact duplicates into the first article (in canonical order) and returns how many were merged away.
/// The kept article lists the others' ids in `duplicate_ids`, so each input id still gets a story.
pub fn merge_exact_duplicates(articles: &mut Vec<Article>) -> usize {
    let keys: Vec<Option<u64>> = articles.iter().map(text_key).collect();
    let targets = duplicate_targets(articles, &keys);
    apply_merges(articles, &targets).len()
}

/// The hash of an article's normalised title and body; `None` for an empty body.
pub fn text_key(article: &Article) -> Option<u64> {
    let body = article.body();
    (!body.is_empty())
        .then(|| xxh3_64(format!("{}\n{}", article.title.as_deref().unwrap_or(""), body).as_bytes()))
}

/// For each article, the earlier article it duplicates (same canonical URL, or the same `text_keys` entry),
/// or `None` for an article that is kept.
pub fn duplicate_targets(articles: &[Article], text_keys: &[Option<u64>]) -> Vec<Option<usize>> {
    let mut by_url: HashMap<String, usize> = HashMap::new();
    let mut by_text: HashMap<u64, usize> = HashMap::new();
    let mut targets = Vec::with_capacity(articles.len());
    for (index, (article, text_key)) in articles.iter().zip(text_keys).enumerate() {
        let url_key = article.url.as_deref().map(canonical_url);
        let target = url_key
            .as_ref()
            .and_then(|u| by_url.get(u).copied())
            .or_else(|| text_key.and_then(|k| by_text.get(&k).copied()));
        if target.is_none() {
            if let Some(u) = url_key {
                by_url.insert(u, index);
            }
            if let Some(k) = *text_key {
                by_text.insert(k, index);
            }
        }
        targets.push(target);
    }
    targets
}

/// Moves each duplicate's ids into the article it duplicates and removes the duplicates. Returns the indices
/// (before removal) of the articles removed.
pub fn apply_merges(articles: &mut Vec<Article>, targets: &[Option<usize>]) -> Vec<usize> {
    let mut removed = Vec::new();
    for (index, target) in targets.iter().enumerate() {
        if let Some(target) = *target {
            let ids: Vec<String> = articles[index].all_ids().map(str::to_string).collect();
            articles[target].duplicate_ids.extend(ids);
            removed.push(index);
        }
    }
    let mut index = 0;
    articles.retain(|_| {
        index += 1;
        targets[index - 1].is_none()
    });
    removed
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
