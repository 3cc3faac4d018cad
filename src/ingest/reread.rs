//! Reading an article's record again from its file, for its body, once clustering has dropped it.

use super::format::{self, Ending};
use super::walk::Input;
use super::whole::read_one_input;
use super::{delimited, jsonl, warc, FieldMap};
use crate::article::Article;
use std::path::Path;

/// Reads an article's record again from its file, for its body: the record at its byte offset for JSON Lines,
/// else the file (the record-th article of a JSON array). The article is as read, not normalised. A record
/// that no longer has the article's id (the file changed during the run) is an error, never a silent swap.
pub fn reread(article: &Article, fields: &FieldMap) -> Result<Article, String> {
    let read = reread_record(article, fields)?;
    if !same_id(&article.doc_id, &read.doc_id) {
        return Err(format!(
            "{}: the record there now has id {:?}, not {:?} (the file changed during the run)",
            article.source, read.doc_id, article.doc_id
        ));
    }
    Ok(read)
}

/// Whether an id read again is the article's: equal, or the article's is it renamed to keep ids unique
/// (`id#2`, see [`super::canonical_order`]).
fn same_id(article: &str, read: &str) -> bool {
    article == read
        || article
            .strip_prefix(read)
            .and_then(|rest| rest.strip_prefix('#'))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn reread_record(article: &Article, fields: &FieldMap) -> Result<Article, String> {
    use std::io::{BufRead, Seek};
    let path = Path::new(&article.source.path);
    // The ending alone tells a table or an archive; the rest is found by the saved offset or position, so no
    // first line is read here (this runs once per article read again).
    match format::ending(&article.source.path) {
        Ending::Delimited => return delimited::reread(article, fields),
        Ending::Warc => return warc::reread(article),
        _ => {}
    }
    if let Some(offset) = article.byte_offset {
        let mut file =
            std::fs::File::open(path).map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
        file.seek(std::io::SeekFrom::Start(offset))
            .map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
        let mut line = Vec::new();
        std::io::BufReader::new(file)
            .read_until(b'\n', &mut line)
            .map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
        let text = String::from_utf8_lossy(&line);
        return jsonl::parse_line(
            text.trim_end_matches(['\n', '\r']),
            article.source.clone(),
            fields,
            &mut Vec::new(),
        )
        .map_err(|rejected| format!("{}: {}", rejected.location, rejected.reason));
    }
    let part = read_one_input(&Input::File(path.to_path_buf()), fields);
    part.articles
        .into_iter()
        .find(|a| a.source == article.source)
        .ok_or_else(|| format!("{}: the article is no longer in the file", article.source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_16_renamed_ids_are_the_same_record_and_others_are_not() {
        assert!(same_id("a", "a"));
        assert!(same_id("a#2", "a"));
        assert!(same_id("a#12", "a"));
        assert!(!same_id("a#", "a"));
        assert!(!same_id("a#x", "a"));
        assert!(!same_id("b", "a"));
        assert!(!same_id("a", "a#2"));
    }
}
