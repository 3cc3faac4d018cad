//! Fitting the same-fact model on labelled sentence pairs, and cross-validating it.

use super::same_fact::{pair_features, Features, Idf, Model, FEATURE_NAMES};
use super::tokens::{words, Word};

/// Ridge penalty on the standardised weights. 10-fold CV accuracy on MSRP train: 0.7797 at 0.1, 0.7841 at 1,
/// 0.7797 at 10 (`storydiff calibrate`).
const L2_PENALTY: f64 = 1.0;

/// Newton steps for the logistic fit; the log-likelihood stops changing after about six on MSRP.
const NEWTON_STEPS: usize = 25;

/// One line of a pair file: its line number, the optional 0/1 label in the first column, and the sentences.
#[derive(Debug, Clone, PartialEq)]
pub struct SentencePair {
    pub line: usize,
    pub label: Option<bool>,
    pub lhs: String,
    pub rhs: String,
}

/// A line of a pair file that could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct PairLineError {
    pub line: usize,
    pub reason: String,
}

/// Reads tab-separated pairs: the last two columns are the sentences; a first column of `0` or `1` is the label.
/// The first line is a header and skipped, unless it already looks like a labelled pair.
pub fn read_pairs(text: &str) -> (Vec<SentencePair>, Vec<PairLineError>) {
    let mut pairs = Vec::new();
    let mut errors = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        let line = line.trim_start_matches('\u{feff}').trim_end_matches('\r');
        let columns: Vec<&str> = line.split('\t').collect();
        let label = match columns[0].trim() {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        };
        if index == 0 && !(label.is_some() && columns.len() >= 3) {
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        if columns.len() < 2 {
            errors.push(PairLineError {
                line: line_number,
                reason: "expected two tab-separated sentences".into(),
            });
            continue;
        }
        let n = columns.len();
        pairs.push(SentencePair {
            line: line_number,
            label: if n >= 3 { label } else { None },
            lhs: columns[n - 2].to_string(),
            rhs: columns[n - 1].to_string(),
        });
    }
    (pairs, errors)
}

/// The words of both sentences of a pair.
pub type PairWords = (Vec<Word>, Vec<Word>);

/// Words of every pair, and the IDF over all their sentences.
pub fn prepare(pairs: &[SentencePair]) -> (Vec<PairWords>, Idf) {
    let tokenised: Vec<PairWords> = pairs.iter().map(|p| (words(&p.lhs), words(&p.rhs))).collect();
    let idf = Idf::from_sentences(tokenised.iter().flat_map(|(l, r)| [l.as_slice(), r.as_slice()]));
    (tokenised, idf)
}

pub fn features_of(tokenised: &[PairWords], idf: &Idf) -> Vec<Features> {
    use rayon::prelude::*;
    tokenised.par_iter().map(|(l, r)| pair_features(l, r, idf)).collect()
}

/// Accuracy and F1 (of the "same" class) of predictions.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Scores {
    pub pairs: usize,
    pub accuracy: f64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

pub fn scores(predicted: &[bool], labels: &[bool]) -> Scores {
    let mut tp = 0.0;
    let mut fp = 0.0;
    let mut fneg = 0.0;
    let mut correct = 0.0;
    for (&p, &l) in predicted.iter().zip(labels) {
        correct += f64::from(p == l);
        tp += f64::from(p && l);
        fp += f64::from(p && !l);
        fneg += f64::from(!p && l);
    }
    let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let recall = if tp + fneg > 0.0 { tp / (tp + fneg) } else { 0.0 };
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    Scores { pairs: labels.len(), accuracy: correct / labels.len().max(1) as f64, precision, recall, f1 }
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting (a is small and positive definite here).
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs())).unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        let diagonal = a[col][col];
        if diagonal.abs() < 1e-12 {
            continue;
        }
        for row in col + 1..n {
            let factor = a[row][col] / diagonal;
            if factor != 0.0 {
                let (upper, lower) = a.split_at_mut(row);
                for (target, source) in lower[0][col..].iter_mut().zip(&upper[col][col..]) {
                    *target -= factor * source;
                }
                b[row] -= factor * b[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let mut sum = b[row];
        for k in row + 1..n {
            sum -= a[row][k] * x[k];
        }
        x[row] = if a[row][row].abs() < 1e-12 { 0.0 } else { sum / a[row][row] };
    }
    x
}

/// A logistic model on standardised features.
#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    pub means: Vec<f64>,
    pub scales: Vec<f64>,
    pub weights: Vec<f64>,
    pub bias: f64,
}

/// Fits a logistic model (L2-penalised, Newton's method) on standardised features.
pub fn fit_logistic(features: &[Vec<f64>], labels: &[bool], l2_penalty: f64) -> Logistic {
    let d = features.first().map_or(0, Vec::len);
    let n = features.len().max(1) as f64;
    let mut means = vec![0.0; d];
    let mut scales = vec![1.0; d];
    for i in 0..d {
        means[i] = features.iter().map(|f| f[i]).sum::<f64>() / n;
        let variance = features.iter().map(|f| (f[i] - means[i]).powi(2)).sum::<f64>() / n;
        scales[i] = if variance > 1e-12 { variance.sqrt() } else { 1.0 };
    }
    let rows: Vec<Vec<f64>> = features
        .iter()
        .map(|f| std::iter::once(1.0).chain((0..d).map(|i| (f[i] - means[i]) / scales[i])).collect())
        .collect();
    let mut w = vec![0.0; d + 1];
    for _ in 0..NEWTON_STEPS {
        let mut gradient = vec![0.0; d + 1];
        let mut hessian = vec![vec![0.0; d + 1]; d + 1];
        for (x, &y) in rows.iter().zip(labels) {
            let z: f64 = x.iter().zip(&w).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let residual = p - f64::from(y);
            let curvature = (p * (1.0 - p)).max(1e-9);
            for i in 0..=d {
                gradient[i] += residual * x[i];
                for j in 0..=d {
                    hessian[i][j] += curvature * x[i] * x[j];
                }
            }
        }
        for i in 1..=d {
            gradient[i] += l2_penalty * w[i];
            hessian[i][i] += l2_penalty;
        }
        let step = solve(hessian, gradient);
        for i in 0..=d {
            w[i] -= step[i];
        }
    }
    Logistic { means, scales, weights: w[1..].to_vec(), bias: w[0] }
}

/// Fits the paraphrase model, then picks the decision threshold that maximises accuracy on the same training
/// pairs.
pub fn fit(features: &[Features], labels: &[bool]) -> Model {
    let rows: Vec<Vec<f64>> = features.iter().map(|f| f.to_vec()).collect();
    let fitted = fit_logistic(&rows, labels, L2_PENALTY);
    let array = |values: &[f64]| -> Features {
        let mut out = [0.0; FEATURE_NAMES.len()];
        out.copy_from_slice(values);
        out
    };
    let mut model = Model {
        means: array(&fitted.means),
        scales: array(&fitted.scales),
        weights: array(&fitted.weights),
        bias: fitted.bias,
        threshold: 0.5,
    };
    model.threshold = best_threshold(&model, features, labels);
    model
}

/// The decision threshold with the best training accuracy, searched in steps of 0.01.
fn best_threshold(model: &Model, features: &[Features], labels: &[bool]) -> f64 {
    let scored: Vec<f64> = features.iter().map(|f| model.score(f)).collect();
    let mut best = (0.5, 0usize);
    for step in 20..=80 {
        let threshold = step as f64 / 100.0;
        let correct = scored.iter().zip(labels).filter(|(s, l)| (**s >= threshold) == **l).count();
        if correct > best.1 {
            best = (threshold, correct);
        }
    }
    best.0
}

/// K-fold cross-validation (pair i in fold i mod k): fit on the other folds, predict the held-out one.
pub fn cross_validate(features: &[Features], labels: &[bool], folds: usize) -> Scores {
    let mut predicted = vec![false; labels.len()];
    for fold in 0..folds {
        let (train_features, train_labels): (Vec<Features>, Vec<bool>) = features
            .iter()
            .zip(labels)
            .enumerate()
            .filter(|(i, _)| i % folds != fold)
            .map(|(_, (f, l))| (*f, *l))
            .unzip();
        let model = fit(&train_features, &train_labels);
        for (i, f) in features.iter().enumerate().filter(|(i, _)| i % folds == fold) {
            predicted[i] = model.score(f) >= model.threshold;
        }
    }
    scores(&predicted, labels)
}

/// Rust source for `src/diff/model.rs`, with where the numbers came from.
pub fn model_source(model: &Model, provenance: &str) -> String {
    let array = |values: &Features| -> String {
        let items: Vec<String> = values.iter().map(|v| format!("{v:.6}")).collect();
        format!("[{}]", items.join(", "))
    };
    let names: Vec<String> = FEATURE_NAMES.iter().map(|n| format!("//   {n}")).collect();
    format!(
        "//! The same-fact model's fitted numbers (generated; do not edit by hand).\n//!\n//! {provenance}\n\n\
         // Feature order:\n{}\n\n#[rustfmt::skip]\npub const MEANS: [f64; {d}] = {};\n#[rustfmt::skip]\n\
         pub const SCALES: [f64; {d}] = {};\n#[rustfmt::skip]\npub const WEIGHTS: [f64; {d}] = {};\n\
         pub const BIAS: f64 = {:.6};\npub const THRESHOLD: f64 = {:.2};\n",
        names.join("\n"),
        array(&model.means),
        array(&model.scales),
        array(&model.weights),
        model.bias,
        model.threshold,
        d = FEATURE_NAMES.len(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_skipped_labels_read_last_two_columns_are_sentences() {
        let text = "\u{feff}Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\tA cat sat.\tThe cat sat.\n\
                    0\t3\t4\tPrices rose.\tPrices fell.\nbroken line\n";
        let (pairs, errors) = read_pairs(text);
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].label, Some(true));
        assert_eq!(pairs[1].lhs, "Prices rose.");
        assert_eq!(
            errors,
            vec![PairLineError { line: 4, reason: "expected two tab-separated sentences".into() }]
        );
        let (pairs, _) = read_pairs("1\t1\t2\tA.\tB.\n");
        assert_eq!(pairs.len(), 1, "a first line that is already a pair is not a header");
    }

    #[test]
    fn logistic_fit_separates_a_separable_feature() {
        let mut features = Vec::new();
        let mut labels = Vec::new();
        for i in 0..200 {
            let mut f = [0.0; FEATURE_NAMES.len()];
            f[0] = i as f64 / 200.0;
            f[1] = ((i * 7919) % 13) as f64;
            features.push(f);
            labels.push(i >= 100);
        }
        let model = fit(&features, &labels);
        let cv = cross_validate(&features, &labels, 5);
        assert!(cv.accuracy > 0.95, "{cv:?}");
        assert!(model.weights[0] > 0.0);
    }
}
