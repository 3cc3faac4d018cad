//! Scoring a clustering against a gold one: B-cubed, pairwise, adjusted Rand index, NMI, computed as the
//! reference scorer (`shared/tools/score_clusters.py`) computes them.

use serde::Serialize;
use std::collections::HashMap;

/// Clustering quality, every field as the reference scorer names it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Scores {
    pub n_docs: usize,
    pub n_gold_clusters: usize,
    pub n_pred_clusters: usize,
    pub bcubed_precision: f64,
    pub bcubed_recall: f64,
    pub bcubed_f1: f64,
    pub pairwise_precision: f64,
    pub pairwise_recall: f64,
    pub pairwise_f1: f64,
    pub ari: f64,
    pub nmi: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum GoldError {
    #[error("{path}:{line}: expected doc_id<TAB>cluster_id")]
    Malformed { path: String, line: usize },
    #[error("{path}:{line}: doc_id {id:?} listed twice")]
    Duplicate { path: String, line: usize, id: String },
    #[error("{path}: no documents")]
    Empty { path: String },
}

/// Reads `doc_id<TAB>cluster_id` lines in file order; blank lines and `#` comments are skipped. Exactly as the
/// reference scorer reads them: a header line is not special (it counts as one more, always-correct singleton),
/// so the two agree on the same files.
pub fn read_assignments(path: &str, text: &str) -> Result<Vec<(String, String)>, GoldError> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split('\t');
        let (Some(doc), Some(cluster)) = (parts.next(), parts.next()) else {
            return Err(GoldError::Malformed { path: path.into(), line: index + 1 });
        };
        if !seen.insert(doc.to_string()) {
            return Err(GoldError::Duplicate { path: path.into(), line: index + 1, id: doc.into() });
        }
        out.push((doc.to_string(), cluster.to_string()));
    }
    if out.is_empty() {
        return Err(GoldError::Empty { path: path.into() });
    }
    Ok(out)
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn pairs(k: usize) -> f64 {
    (k as f64) * (k as f64 - 1.0) / 2.0
}

/// Scores `predicted` against `gold`. The universe is gold's documents: one missing from `predicted` counts as a
/// singleton; predicted documents absent from gold are ignored (their number is returned).
pub fn score(gold: &[(String, String)], predicted: &HashMap<String, String>) -> (Scores, usize) {
    let n = gold.len();
    let gold_ids: std::collections::HashSet<&str> = gold.iter().map(|(d, _)| d.as_str()).collect();
    let extra = predicted.keys().filter(|d| !gold_ids.contains(d.as_str())).count();
    let mut gold_size: HashMap<&str, usize> = HashMap::new();
    let mut pred_size: HashMap<(bool, &str), usize> = HashMap::new();
    let mut cells: HashMap<(&str, (bool, &str)), usize> = HashMap::new();
    for (doc, g) in gold {
        let p = match predicted.get(doc) {
            Some(p) => (true, p.as_str()),
            None => (false, doc.as_str()),
        };
        *gold_size.entry(g).or_insert(0) += 1;
        *pred_size.entry(p).or_insert(0) += 1;
        *cells.entry((g, p)).or_insert(0) += 1;
    }
    let nf = n as f64;
    let mut b_p = 0.0;
    let mut b_r = 0.0;
    let mut together_both = 0.0;
    let mut mutual_information = 0.0;
    let mut cell_list: Vec<_> = cells.iter().collect();
    cell_list.sort();
    for ((g, p), &count) in cell_list {
        let c = count as f64;
        b_p += c * c / pred_size[p] as f64;
        b_r += c * c / gold_size[g] as f64;
        together_both += pairs(count);
        mutual_information += c / nf * (c * nf / (gold_size[g] as f64 * pred_size[p] as f64)).ln();
    }
    b_p /= nf;
    b_r /= nf;
    let together_pred: f64 = pred_size.values().map(|&k| pairs(k)).sum();
    let together_gold: f64 = gold_size.values().map(|&k| pairs(k)).sum();
    let pw_p = if together_pred > 0.0 { together_both / together_pred } else { 1.0 };
    let pw_r = if together_gold > 0.0 { together_both / together_gold } else { 1.0 };
    let expected = if n > 1 { together_gold * together_pred / pairs(n) } else { 0.0 };
    let max_index = (together_gold + together_pred) / 2.0;
    let ari = if max_index == expected { 1.0 } else { (together_both - expected) / (max_index - expected) };
    let entropy = |sizes: &mut dyn Iterator<Item = usize>| -> f64 {
        sizes.map(|v| v as f64 / nf).map(|q| -q * q.ln()).sum()
    };
    let h_gold = entropy(&mut gold_size.values().copied());
    let h_pred = entropy(&mut pred_size.values().copied());
    let nmi = if h_gold == 0.0 && h_pred == 0.0 {
        1.0
    } else if h_gold + h_pred > 0.0 {
        mutual_information / ((h_gold + h_pred) / 2.0)
    } else {
        0.0
    };
    let scores = Scores {
        n_docs: n,
        n_gold_clusters: gold_size.len(),
        n_pred_clusters: pred_size.len(),
        bcubed_precision: b_p,
        bcubed_recall: b_r,
        bcubed_f1: f1(b_p, b_r),
        pairwise_precision: pw_p,
        pairwise_recall: pw_r,
        pairwise_f1: f1(pw_p, pw_r),
        ari,
        nmi,
    };
    (scores, extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(rows: &[(&str, &str)]) -> Vec<(String, String)> {
        rows.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn perfect_clustering_scores_one() {
        let g = gold(&[("a", "1"), ("b", "1"), ("c", "2")]);
        let p: HashMap<String, String> = [("a", "x"), ("b", "x"), ("c", "y")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let (s, extra) = score(&g, &p);
        assert_eq!(extra, 0);
        assert_eq!((s.bcubed_f1, s.pairwise_f1, s.ari, s.nmi), (1.0, 1.0, 1.0, 1.0));
    }

    #[test]
    fn matches_hand_computed_bcubed_and_pairwise() {
        // gold {a,b,c} {d}; predicted {a,b} {c,d}.
        let g = gold(&[("a", "1"), ("b", "1"), ("c", "1"), ("d", "2")]);
        let p: HashMap<String, String> = [("a", "x"), ("b", "x"), ("c", "y"), ("d", "y")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let (s, _) = score(&g, &p);
        // B-cubed precision: a,b: 2/2; c: 1/2; d: 1/2 -> 3/4. Recall: a,b: 2/3; c: 1/3; d: 1 -> (2/3+2/3+1/3+1)/4.
        assert!((s.bcubed_precision - 0.75).abs() < 1e-12);
        assert!((s.bcubed_recall - (2.0 / 3.0 + 2.0 / 3.0 + 1.0 / 3.0 + 1.0) / 4.0).abs() < 1e-12);
        assert!((s.pairwise_precision - 0.5).abs() < 1e-12);
        assert!((s.pairwise_recall - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn missing_prediction_is_a_singleton() {
        let g = read_assignments("g.tsv", "# comment\na\t1\nb\t1\n").unwrap();
        let (s, _) = score(&g, &HashMap::new());
        assert_eq!(s.n_pred_clusters, 2);
        assert!((s.bcubed_recall - 0.5).abs() < 1e-12);
    }

    #[test]
    fn duplicate_gold_id_is_an_error() {
        assert!(matches!(read_assignments("g", "a\t1\na\t2\n"), Err(GoldError::Duplicate { line: 2, .. })));
    }
}
