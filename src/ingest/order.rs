//! Canonical order: articles sorted by id with ids made unique, so nothing downstream depends on input order.

use super::Ingested;
use crate::article::{Article, Warning};

/// Sorts articles by id and makes ids unique, and sorts the account's lists, so everything downstream is
/// independent of input order.
pub(super) fn canonicalise(out: &mut Ingested) {
    let _ = canonical_order(out);
    sort_account(out);
}

/// Sorts the account's lists (rejections, warnings, skipped files and records), once nothing more is added to
/// them: they were reported as they came, and are kept in an order independent of the input's.
pub fn sort_account(out: &mut Ingested) {
    out.rejected.sort();
    out.warnings.sort();
    out.files_skipped.sort();
    out.skipped_records.sort();
}

/// Sorts the articles by id, making ids unique; returns the permutation applied:
/// entry `k` is the index, before sorting, of the article now at `k`.
pub fn canonical_order(out: &mut Ingested) -> Vec<usize> {
    let by_id = |articles: &[Article], lhs: &usize, rhs: &usize| {
        let (lhs, rhs) = (&articles[*lhs], &articles[*rhs]);
        (&lhs.doc_id, &lhs.source).cmp(&(&rhs.doc_id, &rhs.source))
    };
    let mut order: Vec<usize> = (0..out.articles.len()).collect();
    order.sort_by(|lhs, rhs| by_id(&out.articles, lhs, rhs));
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut taken: std::collections::HashSet<String> =
        out.articles.iter().map(|a| a.doc_id.clone()).collect();
    for &index in &order {
        let article = &mut out.articles[index];
        let count = seen.entry(article.doc_id.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            let mut n = *count;
            let mut fresh = format!("{}#{}", article.doc_id, n);
            while taken.contains(&fresh) {
                n += 1;
                fresh = format!("{}#{}", article.doc_id, n);
            }
            out.warnings.push(Warning {
                location: article.source.to_string(),
                message: format!("duplicate id {:?} renamed to {:?}", article.doc_id, fresh),
            });
            taken.insert(fresh.clone());
            article.doc_id = fresh;
        }
    }
    order.sort_by(|lhs, rhs| by_id(&out.articles, lhs, rhs));
    let mut slots: Vec<Option<Article>> = std::mem::take(&mut out.articles).into_iter().map(Some).collect();
    out.articles = order.iter().map(|&i| slots[i].take().expect("a permutation")).collect();
    order
}
