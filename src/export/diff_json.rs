//! A diffed story as JSON: articles, fact rows with each member's sentences and word differences, quotes.

use crate::diff::StoryDiff;
use serde_json::{json, Value};
use std::io::{self, Write};

/// The JSON value of a diffed story; articles are named by `doc_id` everywhere.
pub fn diff_json_value(diff: &StoryDiff) -> Value {
    let id = |article: usize| diff.articles[article].doc_id.as_str();
    let outlet = |article: usize| diff.articles[article].outlet.as_str();
    let articles: Vec<Value> = diff
        .articles
        .iter()
        .map(|a| {
            json!({
                "doc_id": a.doc_id, "outlet": a.outlet, "title": a.title, "title_derived": a.title_derived,
                "url": a.url, "date": a.date,
                "dateline": a.dateline, "sentences": a.sentences.len(),
            })
        })
        .collect();
    let facts: Vec<Value> = diff
        .rows
        .iter()
        .map(|row| {
            let members: Vec<Value> = row
                .members
                .iter()
                .map(|m| {
                    let sentences: Vec<Value> = m
                        .sentences
                        .iter()
                        .map(|&s| {
                            let sentence = &diff.articles[m.article].sentences[s];
                            if sentence.headline {
                                json!({"index": s, "text": sentence.text, "headline": true})
                            } else {
                                json!({"index": s, "text": sentence.text})
                            }
                        })
                        .collect();
                    let choices: Vec<Value> =
                        m.choices.iter().map(|(lhs, rhs)| json!({"reference": lhs, "outlet": rhs})).collect();
                    let disagreements: Vec<Value> = m
                        .disagreements
                        .iter()
                        .map(|d| json!({"kind": d.kind, "reference": d.lhs, "outlet": d.rhs}))
                        .collect();
                    json!({
                        "doc_id": id(m.article), "outlet": outlet(m.article), "sentences": sentences,
                        "text": m.text, "word_diff": m.segments, "word_choices": choices,
                        "disagreements": disagreements, "score": (m.score * 1000.0).round() / 1000.0,
                        "paraphrase_score": (m.paraphrase_score * 1000.0).round() / 1000.0,
                        "verbatim_with": m.verbatim_with.iter().map(|&a| id(a)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let missing: Vec<&str> = row.missing.iter().map(|&a| id(a)).collect();
            json!({
                "id": row.id, "class": row.class, "reference": id(row.reference), "members": members,
                "missing": missing,
            })
        })
        .collect();
    let quotes: Vec<Value> = diff
        .quotes
        .iter()
        .enumerate()
        .map(|(index, group)| {
            let members: Vec<Value> = group
                .members
                .iter()
                .map(|m| {
                    json!({
                        "doc_id": id(m.quote.article), "outlet": outlet(m.quote.article),
                        "sentence": m.quote.sentence, "text": m.quote.text, "speaker": m.quote.speaker,
                        "speaker_name": m.quote.speaker_name, "form": m.form,
                    })
                })
                .collect();
            let missing: Vec<&str> = group.missing_from.iter().map(|&a| id(a)).collect();
            json!({
                "id": format!("Q{}", index + 1), "members": members, "missing": missing,
                "carried_by_one": group.carried_by_one(), "speaker_conflict": group.speaker_conflict,
            })
        })
        .collect();
    // Two events found in one story: each group's articles by doc_id; facts are lined up within a group only.
    let events: Value = diff.events.as_ref().map_or(Value::Null, |split| {
        let groups: Vec<Vec<&str>> =
            split.groups.iter().map(|g| g.iter().map(|&a| id(a)).collect()).collect();
        json!({"groups": groups, "ratio": (split.ratio * 1000.0).round() / 1000.0})
    });
    json!({
        "articles": articles,
        "events": events,
        "reference": diff.articles.get(diff.reference).map(|a| a.doc_id.as_str()),
        "summary": diff.summary,
        "facts": facts,
        "quotes": quotes,
    })
}

pub fn write_diff_json(diff: &StoryDiff, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &diff_json_value(diff))?;
    writeln!(out)
}
