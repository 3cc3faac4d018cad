//! Diff: within one story, line up the sentences that state the same fact across outlets.
//!
//! [`sentences`] splits headlines and bodies, [`tokens`] reads their words, [`same_fact`] scores paraphrases,
//! [`facts`] scores whether two sentences tell one event (fitted by [`fit`]), [`align`] groups them into fact
//! rows, [`words`] shows the wording each outlet chose, [`disagree`] flags numbers, days and names that differ,
//! and [`quotes`] compares who is quoted saying what.

pub mod align;
pub mod calibrate;
pub mod context;
pub mod disagree;
pub mod events;
pub mod fact_model;
pub mod facts;
pub mod fit;
mod model;
pub mod quotes;
pub mod same_fact;
pub mod sentences;
pub mod tokens;
pub mod words;

use crate::article::Article;
use disagree::Disagreement;
use fact_model::FactModel;
use facts::{FactStory, Unit};
use quotes::QuoteGroup;
use same_fact::Idf;
use sentences::Sentence;
use std::collections::BTreeMap;
use tokens::Word;
use words::Segment;

/// One article of the diffed story, as sentences.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DiffArticle {
    pub doc_id: String,
    pub outlet: String,
    /// The article's headline; for an article without one, its lead sentence without the dateline
    /// ([`sentences::derived_headline`]), shown only.
    pub title: Option<String>,
    /// Whether `title` was derived from the body rather than given.
    pub title_derived: bool,
    pub url: Option<String>,
    pub date: Option<chrono::NaiveDate>,
    pub dateline: Option<String>,
    pub sentences: Vec<Sentence>,
}

/// How a fact is carried across the story's outlets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RowClass {
    /// The same words in every outlet that carries it: wire copy.
    Verbatim,
    /// Several outlets, in their own words that mean the same: each phrasing is a paraphrase of the reference.
    Paraphrase,
    /// Several outlets tell the same fact differently: other details, other wording, other numbers. The
    /// disagreement flags say where numbers, days or names differ.
    Retold,
    /// Only one outlet.
    Single,
}

impl RowClass {
    pub fn label(self) -> &'static str {
        match self {
            RowClass::Verbatim => "verbatim",
            RowClass::Paraphrase => "paraphrase",
            RowClass::Retold => "retold",
            RowClass::Single => "single",
        }
    }
}

/// One outlet's phrasing of a fact.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RowMember {
    /// Index into [`StoryDiff::articles`].
    pub article: usize,
    /// Sentence indexes in that article (two when the outlet split the fact).
    pub sentences: Vec<usize>,
    pub text: String,
    /// Word diff against the row's reference phrasing (empty for the reference itself).
    pub segments: Vec<Segment>,
    /// (reference words, this outlet's words) for each change.
    pub choices: Vec<(String, String)>,
    /// Numbers, days and names that differ from the reference phrasing.
    pub disagreements: Vec<Disagreement>,
    /// Probability that this phrasing tells the reference's fact, by the fact model (1 for the reference).
    pub score: f64,
    /// Paraphrase score against the reference phrasing, by the MSRP model (1 for the reference itself).
    pub paraphrase_score: f64,
    /// Other articles of the row with the same words (wire copy), by index.
    pub verbatim_with: Vec<usize>,
}

/// A fact and how each outlet phrased it, or did not.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FactRow {
    /// 1-based, in reading order.
    pub id: usize,
    pub class: RowClass,
    /// The article whose phrasing the others are compared with.
    pub reference: usize,
    /// One per carrying article, in article order.
    pub members: Vec<RowMember>,
    /// Articles that do not carry the fact.
    pub missing: Vec<usize>,
}

impl FactRow {
    pub fn member(&self, article: usize) -> Option<&RowMember> {
        self.members.iter().find(|m| m.article == article)
    }
}

/// Counts over a diffed story.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct DiffSummary {
    pub articles: usize,
    pub sentences: usize,
    /// Sentences in a row with at least one other outlet.
    pub aligned_sentences: usize,
    pub rows: usize,
    pub rows_by_class: BTreeMap<RowClass, usize>,
    pub quotes: usize,
    pub quotes_carried_by_one: usize,
    pub disagreements: usize,
    /// Sentences past [`MAX_DIFF_SENTENCES`] of an article, not compared.
    #[serde(skip_serializing_if = "is_zero")]
    pub sentences_not_compared: usize,
}

/// Sentences of one article the diff compares, at most; the rest are counted and left out. Sentence pairs are
/// compared across articles, so two articles of one line repeated 30,000 times (scraped junk that clusters as
/// copies) would make hundreds of millions of pairs. The longest article of the labelled corpora has 76
/// sentences (BASIL; NewsWCL50 67); at BASIL's median of 24 words a sentence, 500 sentences are a 12,000-word
/// feature. Two junk articles of 1,000 identical sentences each took 25.7 s to diff; 500 leaves a quarter of the
/// sentence pairs.
pub const MAX_DIFF_SENTENCES: usize = 500;

/// A story, diffed: its articles, its fact rows in reading order, and its quotes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoryDiff {
    pub articles: Vec<DiffArticle>,
    /// The article carrying the most shared facts; the terminal view compares the others with it.
    pub reference: usize,
    pub rows: Vec<FactRow>,
    pub quotes: Vec<QuoteGroup>,
    pub summary: DiffSummary,
    /// When the articles read as two events, which are which (articles of two events share no row).
    pub events: Option<events::EventSplit>,
}

/// One story made ready for alignment: its articles in (outlet, doc_id) order, each split into the headline and
/// the body's sentences, their words, and the word weights over the story's own sentences. Shared by the diff
/// and by `storydiff fit-facts`, so the fact model is fitted on exactly what the diff compares.
pub struct PreparedStory<'a> {
    pub articles: Vec<&'a Article>,
    pub split: Vec<sentences::SplitBody>,
    pub words: Vec<Vec<Vec<Word>>>,
    /// Whether sentence 0 of each article is its headline.
    pub headlines: Vec<bool>,
    pub idf: Idf,
    /// Sentences past [`MAX_DIFF_SENTENCES`], not compared.
    pub not_compared: usize,
}

/// Puts the articles in (outlet, doc_id) order, so nothing depends on the order they are given in, and splits
/// and reads them.
///
/// Word weights (IDF) come from the story's own sentences, so a story diffs the same whatever else is in the
/// input. Measured on BASIL's 100 stories: with IDF over the story, 19.4% of sentences align at the link bound;
/// with IDF over the whole corpus, 7.9%, because a story's own names and terms then weigh as rare words and
/// every one an outlet leaves out counts heavily against the pair (docs/EVALUATION.md, "Diff").
pub fn prepare_story<'a>(articles: &[&'a Article]) -> PreparedStory<'a> {
    let mut articles: Vec<&Article> = articles.to_vec();
    articles.sort_by(|a, b| (a.outlet_or_unknown(), &a.doc_id).cmp(&(b.outlet_or_unknown(), &b.doc_id)));
    let mut not_compared = 0;
    let split: Vec<sentences::SplitBody> = articles
        .iter()
        .map(|a| {
            let mut body = sentences::split_article(a.title.as_deref(), &a.paragraphs);
            not_compared += body.sentences.len().saturating_sub(MAX_DIFF_SENTENCES);
            body.sentences.truncate(MAX_DIFF_SENTENCES);
            body
        })
        .collect();
    let words: Vec<Vec<Vec<Word>>> = split
        .iter()
        .zip(&articles)
        .map(|(body, article)| {
            let profile = crate::text::language::profile(article.language.as_deref());
            body.sentences.iter().map(|s| tokens::words_in(&s.text, profile)).collect()
        })
        .collect();
    let idf = Idf::from_sentences(words.iter().flatten().map(Vec::as_slice));
    let headlines = split.iter().map(|b| b.sentences.first().is_some_and(|s| s.headline)).collect();
    PreparedStory { articles, split, words, headlines, idf, not_compared }
}

impl StoryDiff {
    /// Whether a row member's text opens with its article's headline.
    pub fn opens_with_headline(&self, member: &RowMember) -> bool {
        member.sentences.first().is_some_and(|&s| self.articles[member.article].sentences[s].headline)
    }
}

/// Diffs the articles of one story with the shipped fact model.
pub fn diff_story(articles: &[&Article]) -> StoryDiff {
    diff_story_with(articles, FactModel::shipped())
}

/// Diffs the articles of one story with a given fact model (`diff --fact-model`, for cross-validation).
pub fn diff_story_with(articles: &[&Article], model: &FactModel) -> StoryDiff {
    let prepared = prepare_story(articles);
    let PreparedStory { articles, split, words, headlines, idf, not_compared } = &prepared;
    let story = FactStory::new(words, headlines, idf);
    let events = events::find(words, model.event_split_ratio);
    let event_of = events.as_ref().map_or_else(|| vec![None; words.len()], |e| e.event_of(words.len()));
    let alignment = align::group(&story, words, model, &event_of);
    let groups = &alignment.groups;

    let diff_articles: Vec<DiffArticle> = articles
        .iter()
        .zip(split)
        .map(|(a, body)| DiffArticle {
            doc_id: a.doc_id.clone(),
            outlet: a.outlet_or_unknown().to_string(),
            title: Some(sentences::display_headline(a)).filter(|h| !h.is_empty()),
            title_derived: a.title.as_deref().is_none_or(|t| t.trim().is_empty()),
            url: a.url.clone(),
            date: a.date,
            dateline: body.dateline.clone(),
            sentences: body.sentences.clone(),
        })
        .collect();

    let mut shared_per_article = vec![0usize; articles.len()];
    for group in groups.iter().filter(|g| g.iter().any(|u| u.article != g[0].article)) {
        for unit in group {
            shared_per_article[unit.article] += 1;
        }
    }
    let reference =
        (0..articles.len()).max_by_key(|&a| (shared_per_article[a], std::cmp::Reverse(a))).unwrap_or(0);

    let mut rows: Vec<(f64, Unit, FactRow)> = groups
        .iter()
        .map(|group| {
            let row = build_row(group, &diff_articles, &story, &alignment, words, reference, &event_of);
            let first = group
                .iter()
                .map(|u| (u.sentence as f64 / diff_articles[u.article].sentences.len().max(1) as f64, *u))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                .expect("groups are not empty");
            (first.0, first.1, row)
        })
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let rows: Vec<FactRow> =
        rows.into_iter().enumerate().map(|(i, (_, _, row))| FactRow { id: i + 1, ..row }).collect();

    let all_quotes: Vec<quotes::Quote> = split
        .iter()
        .enumerate()
        .flat_map(|(a, body)| {
            let texts: Vec<String> = body
                .sentences
                .iter()
                .map(|s| if s.headline { String::new() } else { s.text.clone() })
                .collect();
            quotes::extract(a, &texts)
        })
        .collect();
    let quote_groups = quotes::compare(&all_quotes, articles.len());

    let mut summary = DiffSummary {
        articles: articles.len(),
        sentences: split.iter().map(|b| b.sentences.len()).sum(),
        rows: rows.len(),
        quotes: quote_groups.len(),
        quotes_carried_by_one: quote_groups.iter().filter(|g| g.carried_by_one()).count(),
        sentences_not_compared: *not_compared,
        ..DiffSummary::default()
    };
    for row in &rows {
        *summary.rows_by_class.entry(row.class).or_insert(0) += 1;
        if row.class != RowClass::Single {
            summary.aligned_sentences += row.members.iter().map(|m| m.sentences.len()).sum::<usize>();
        }
        summary.disagreements += row.members.iter().map(|m| m.disagreements.len()).sum::<usize>();
    }
    StoryDiff { articles: diff_articles, reference, rows, quotes: quote_groups, summary, events }
}

fn build_row(
    group: &[Unit],
    articles: &[DiffArticle],
    story: &FactStory,
    alignment: &align::Alignment,
    words: &[Vec<Vec<Word>>],
    reference: usize,
    event_of: &[Option<usize>],
) -> FactRow {
    let mut by_article: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for unit in group {
        by_article.entry(unit.article).or_default().push(unit.sentence);
    }
    let row_reference = if by_article.contains_key(&reference) {
        reference
    } else {
        *by_article.keys().next().expect("groups are not empty")
    };
    let text_of = |article: usize, sentences: &[usize]| -> String {
        sentences.iter().map(|&s| articles[article].sentences[s].text.as_str()).collect::<Vec<_>>().join(" ")
    };
    let words_of = |article: usize, sentences: &[usize]| -> Vec<Word> {
        sentences.iter().flat_map(|&s| words[article][s].iter().cloned()).collect()
    };
    // The best-matching pair of sentences between a member and the reference, as the fact model judges it.
    let fact_probability = |article: usize, sentences: &[usize]| -> f64 {
        let lhs = &by_article[&row_reference];
        lhs.iter()
            .flat_map(|&l| sentences.iter().map(move |&r| (l, r)))
            .map(|(l, r)| {
                alignment.score(Unit { article: row_reference, sentence: l }, Unit { article, sentence: r })
            })
            .fold(0.0, f64::max)
    };
    let reference_text = text_of(row_reference, &by_article[&row_reference]);
    let reference_words = words_of(row_reference, &by_article[&row_reference]);
    let mut verbatim = by_article.len() > 1;
    let mut paraphrase = by_article.len() > 1;
    let members: Vec<RowMember> = by_article
        .iter()
        .map(|(&article, sentences)| {
            let text = text_of(article, sentences);
            if article == row_reference {
                return RowMember {
                    article,
                    sentences: sentences.clone(),
                    text,
                    segments: Vec::new(),
                    choices: Vec::new(),
                    disagreements: Vec::new(),
                    score: 1.0,
                    paraphrase_score: 1.0,
                    verbatim_with: Vec::new(),
                };
            }
            if words::verbatim_ratio(&reference_text, &text) < words::VERBATIM_RATIO {
                verbatim = false;
            }
            let segments = words::word_diff(&reference_text, &text);
            let choices = words::word_choices(&segments);
            let member_words = words_of(article, sentences);
            let paraphrase_score = align::domain_score(&reference_words, &member_words, story.idf());
            if paraphrase_score < same_fact::same_fact_threshold() {
                paraphrase = false;
            }
            let disagreements =
                disagree::disagreements(&reference_words, &member_words, &choices, paraphrase_score);
            RowMember {
                article,
                sentences: sentences.clone(),
                text,
                segments,
                choices,
                disagreements,
                score: fact_probability(article, sentences),
                paraphrase_score,
                verbatim_with: Vec::new(),
            }
        })
        .collect();
    let mut members = members;
    for i in 0..members.len() {
        for j in i + 1..members.len() {
            if words::verbatim_ratio(&members[i].text, &members[j].text) >= words::VERBATIM_RATIO {
                let (lhs, rhs) = (members[i].article, members[j].article);
                members[i].verbatim_with.push(rhs);
                members[j].verbatim_with.push(lhs);
            }
        }
    }
    for member in &mut members {
        member.verbatim_with.sort_unstable();
    }
    let class = match (by_article.len(), verbatim, paraphrase) {
        (1, _, _) => RowClass::Single,
        (_, true, _) => RowClass::Verbatim,
        (_, _, true) => RowClass::Paraphrase,
        _ => RowClass::Retold,
    };
    // An article of the other event (see [`events`]) does not leave this fact out: it reports something else.
    let missing = (0..articles.len())
        .filter(|a| {
            !by_article.contains_key(a) && by_article.keys().all(|&m| events::may_align(event_of, m, *a))
        })
        .collect();
    FactRow { id: 0, class, reference: row_reference, members, missing }
}

/// For `skip_serializing_if`: counts of zero are left out of JSON.
pub(crate) fn is_zero(n: &usize) -> bool {
    *n == 0
}
