//! JSON Lines and JSON arrays of article objects, with the field names news exports commonly use.

use super::columns::{Field, FieldMap};
use super::fields::{date_from_timestamp, date_from_url, outlet_from_url, parse_date};
use super::{split_paragraphs, Ingested};
use crate::article::{Article, Rejected, SourceLocation, Warning};
use serde_json::{Map, Value};

pub fn read_json_lines(display: &str, text: &str, fields: &FieldMap, out: &mut Ingested) {
    // One pretty-printed object over many lines: its first line alone is not JSON, the whole text is.
    let first = text.lines().find(|line| !line.trim().is_empty()).unwrap_or("");
    if serde_json::from_str::<Value>(first).is_err() {
        if let Ok(value @ Value::Object(_)) = serde_json::from_str::<Value>(text) {
            let location = SourceLocation { path: display.to_string(), record: Some(1) };
            push_record(value, location, fields, out);
            return;
        }
    }
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let location = SourceLocation { path: display.to_string(), record: Some(line_number) };
        match parse_line(line, location, fields, &mut out.warnings) {
            Ok(article) => out.articles.push(article),
            Err(rejected) => out.rejected.push(rejected),
        }
    }
}

/// One JSON Lines record: an article, or the reason it is not one.
pub fn parse_line(
    line: &str,
    location: SourceLocation,
    fields: &FieldMap,
    warnings: &mut Vec<Warning>,
) -> Result<Article, Rejected> {
    match serde_json::from_str::<Value>(line) {
        Ok(value) => article_from_record(value, location.clone(), fields, warnings)
            .map_err(|reason| Rejected { location: location.to_string(), reason }),
        Err(err) => Err(Rejected { location: location.to_string(), reason: format!("invalid JSON: {err}") }),
    }
}

pub fn read_json_array(display: &str, text: &str, fields: &FieldMap, out: &mut Ingested) {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(records)) => {
            for (index, value) in records.into_iter().enumerate() {
                let location = SourceLocation { path: display.to_string(), record: Some(index + 1) };
                push_record(value, location, fields, out);
            }
        }
        Ok(_) => out.rejected.push(Rejected {
            location: display.to_string(),
            reason: "JSON is not an array of articles".into(),
        }),
        Err(err) => out
            .rejected
            .push(Rejected { location: display.to_string(), reason: format!("invalid JSON: {err}") }),
    }
}

fn push_record(value: Value, location: SourceLocation, fields: &FieldMap, out: &mut Ingested) {
    match article_from_record(value, location.clone(), fields, &mut out.warnings) {
        Ok(article) => out.articles.push(article),
        Err(reason) => out.rejected.push(Rejected { location: location.to_string(), reason }),
    }
}

/// Takes the first field present (and not null or empty) among the names for `field`, matched without regard to
/// case, removing it from the record.
fn take_field(record: &mut Map<String, Value>, fields: &FieldMap, field: Field) -> Option<(String, Value)> {
    for name in fields.names(field) {
        let Some(key) = record.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned() else { continue };
        let value = record.remove(&key).expect("the key was just found");
        let empty = matches!(&value, Value::String(s) if s.trim().is_empty());
        if !value.is_null() && !empty {
            return Some((key, value));
        }
    }
    None
}

fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        // NewsAPI-style `"source": {"id": ..., "name": ...}`.
        Value::Object(map) => map.get("name").and_then(as_text),
        _ => None,
    }
}

/// A body given as text, or as a list of paragraphs (as some scrapers write it).
fn body_text(value: &Value) -> Option<String> {
    match value {
        Value::Array(items) => {
            let paragraphs: Vec<String> = items.iter().filter_map(as_text).collect();
            (!paragraphs.is_empty()).then(|| paragraphs.join("\n\n"))
        }
        other => as_text(other),
    }
}

pub(super) fn article_from_record(
    value: Value,
    location: SourceLocation,
    fields: &FieldMap,
    warnings: &mut Vec<Warning>,
) -> Result<Article, String> {
    let Value::Object(mut record) = value else {
        return Err("record is not a JSON object".into());
    };
    let doc_id = take_field(&mut record, fields, Field::Id)
        .and_then(|(_, v)| as_text(&v))
        .filter(|id| !id.trim().is_empty())
        .unwrap_or_else(|| location.to_string());
    let mut article = Article::new(doc_id, location.clone());
    article.title = take_field(&mut record, fields, Field::Title)
        .and_then(|(_, v)| as_text(&v))
        .filter(|t| !t.trim().is_empty());
    let body =
        take_field(&mut record, fields, Field::Body).and_then(|(_, v)| body_text(&v)).unwrap_or_default();
    article.paragraphs = split_paragraphs(&body);
    article.url = take_field(&mut record, fields, Field::Url)
        .and_then(|(_, v)| as_text(&v))
        .filter(|u| !u.trim().is_empty());
    article.outlet = take_field(&mut record, fields, Field::Outlet)
        .and_then(|(_, v)| as_text(&v))
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .or_else(|| article.url.as_deref().and_then(outlet_from_url));
    article.language = take_field(&mut record, fields, Field::Language)
        .and_then(|(_, v)| as_text(&v))
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());
    if let Some((field, value)) = take_field(&mut record, fields, Field::Date) {
        let parsed = match &value {
            Value::Number(n) => n.as_i64().and_then(date_from_timestamp),
            other => as_text(other).and_then(|s| parse_date(&s)),
        };
        if parsed.is_none() {
            warnings.push(Warning {
                location: location.to_string(),
                message: format!("unparseable {field} {value}; article kept undated"),
            });
        }
        article.date = parsed;
    }
    if article.date.is_none() {
        article.date = article.url.as_deref().and_then(date_from_url);
    }
    article.extra = record;
    if article.paragraphs.is_empty() && article.title.is_none() {
        return Err("no title and no body".into());
    }
    Ok(article)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Ingested {
        let mut out = Ingested::default();
        read_json_lines("in.jsonl", text, &FieldMap::default(), &mut out);
        out
    }

    #[test]
    fn usual_field_names_and_passthrough() {
        let out = read(concat!(
            r#"{"doc_id": 7, "headline": "H", "text": "P1\nP2", "link": "https://www.bbc.com/news/x", "publishedAt": "2016-10-11T10:00:00Z", "cluster_id": "c9"}"#,
            "\n"
        ));
        assert!(out.rejected.is_empty());
        let article = &out.articles[0];
        assert_eq!(article.doc_id, "7");
        assert_eq!(article.title.as_deref(), Some("H"));
        assert_eq!(article.paragraphs, vec!["P1", "P2"]);
        assert_eq!(article.outlet.as_deref(), Some("bbc.com"));
        assert_eq!(article.date, chrono::NaiveDate::from_ymd_opt(2016, 10, 11));
        assert_eq!(article.extra.get("cluster_id"), Some(&Value::from("c9")));
    }

    #[test]
    fn bad_line_is_rejected_with_its_line_number_and_the_rest_read() {
        let out = read("{\"id\":\"a\",\"body\":\"x\"}\n{broken\n\n{\"id\":\"b\",\"body\":\"y\"}\n");
        assert_eq!(out.articles.len(), 2);
        assert_eq!(out.rejected.len(), 1);
        assert!(out.rejected[0].location == "in.jsonl:2", "{:?}", out.rejected);
    }

    #[test]
    fn record_without_text_is_rejected_and_bad_date_warned() {
        let out = read(
            "{\"id\":\"a\",\"url\":\"https://x.com\"}\n{\"id\":\"b\",\"body\":\"x\",\"date\":\"soon\"}\n",
        );
        assert_eq!(out.rejected[0].reason, "no title and no body");
        assert_eq!(out.articles[0].date, None);
        assert_eq!(out.warnings.len(), 1);
    }

    #[test]
    fn source_object_and_id_fallback_to_location() {
        let out = read("{\"source\":{\"id\":null,\"name\":\"Reuters\"},\"body\":\"x\"}\n");
        assert_eq!(out.articles[0].outlet.as_deref(), Some("Reuters"));
        assert_eq!(out.articles[0].doc_id, "in.jsonl:1");
    }
}
