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
    use rayon::slice::ParallelSliceMut;
    let by_id = |articles: &[Article], lhs: &usize, rhs: &usize| {
        let (lhs, rhs) = (&articles[*lhs], &articles[*rhs]);
        (&lhs.doc_id, &lhs.source).cmp(&(&rhs.doc_id, &rhs.source))
    };
    // Stable sorts, so articles equal in id and source keep their input order, on any number of threads.
    let mut order: Vec<usize> = (0..out.articles.len()).collect();
    order.par_sort_by(|lhs, rhs| by_id(&out.articles, lhs, rhs));
    // Articles of one id are next to each other now; the second and later of them are renamed `id#n`, with the
    // first `n` from their place in the run that no article took already. The ids as read, in that order, are
    // looked up by binary search, and only the names given here are kept in a set: at a million articles,
    // copying every id into two hash tables was most of this step.
    let mut renames: Vec<(usize, String)> = Vec::new();
    {
        let sorted: Vec<&str> = order.iter().map(|&i| out.articles[i].doc_id.as_str()).collect();
        let mut given: std::collections::HashSet<String> = std::collections::HashSet::new();
        let taken = |name: &str, given: &std::collections::HashSet<String>| {
            sorted.binary_search(&name).is_ok() || given.contains(name)
        };
        let mut place = 0;
        for (k, &index) in order.iter().enumerate() {
            place = if k > 0 && sorted[k] == sorted[k - 1] { place + 1 } else { 1 };
            if place == 1 {
                continue;
            }
            let id = sorted[k];
            let mut n = place;
            let mut fresh = format!("{id}#{n}");
            while taken(&fresh, &given) {
                n += 1;
                fresh = format!("{id}#{n}");
            }
            given.insert(fresh.clone());
            renames.push((index, fresh));
        }
    }
    for (index, fresh) in renames {
        let article = &mut out.articles[index];
        out.warnings.push(Warning {
            location: article.source.to_string(),
            message: format!("duplicate id {:?} renamed to {:?}", article.doc_id, fresh),
        });
        article.doc_id = fresh;
    }
    order.par_sort_by(|lhs, rhs| by_id(&out.articles, lhs, rhs));
    let mut slots: Vec<Option<Article>> = std::mem::take(&mut out.articles).into_iter().map(Some).collect();
    out.articles = order.iter().map(|&i| slots[i].take().expect("a permutation")).collect();
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::SourceLocation;
    use rand::{Rng, SeedableRng};

    /// The renaming as it was first written, with every id in two hash tables: the reference.
    fn renamed_by_tables(ids: &[(String, usize)]) -> Vec<String> {
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by(|&l, &r| ids[l].cmp(&ids[r]));
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut taken: std::collections::HashSet<String> = ids.iter().map(|(id, _)| id.clone()).collect();
        let mut out: Vec<String> = ids.iter().map(|(id, _)| id.clone()).collect();
        for &index in &order {
            let count = seen.entry(ids[index].0.clone()).or_insert(0);
            *count += 1;
            if *count > 1 {
                let mut n = *count;
                let mut fresh = format!("{}#{}", ids[index].0, n);
                while taken.contains(&fresh) {
                    n += 1;
                    fresh = format!("{}#{}", ids[index].0, n);
                }
                taken.insert(fresh.clone());
                out[index] = fresh;
            }
        }
        out
    }

    /// Issue 17: renaming duplicate ids by runs and binary search gives the names the hash tables gave, ids that
    /// look like renamed ones (`a#2`) included.
    #[test]
    fn issue_17_duplicate_ids_are_renamed_as_before() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
        for round in 0..300 {
            let n = rng.random_range(1..30);
            let ids: Vec<(String, usize)> = (0..n)
                .map(|record| {
                    let base = ["a", "b", "a#2", "a#3", "b#2#2", "b#2"][rng.random_range(0..6)];
                    (base.to_string(), record)
                })
                .collect();
            let articles = ids
                .iter()
                .map(|(id, record)| {
                    Article::new(id.clone(), SourceLocation { path: "f.jsonl".into(), record: Some(*record) })
                })
                .collect();
            let mut out = Ingested { articles, ..Ingested::default() };
            canonical_order(&mut out);
            // Each article's name, by its record (its place in the input).
            let mut got = vec![String::new(); n];
            for article in &out.articles {
                got[article.source.record.unwrap()] = article.doc_id.clone();
            }
            assert_eq!(got, renamed_by_tables(&ids), "round {round}: {ids:?}");
        }
    }
}
