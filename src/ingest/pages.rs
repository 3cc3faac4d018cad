//! The web pages among the inputs, each read again with a note of what every extraction rule kept or dropped.

use super::walk::{collect_inputs, Input};
use super::{format, html, FieldMap, Ingested};
use crate::article::{SourceLocation, Warning};

/// One HTML file of the inputs and how its main text was chosen, or what to say instead: why it could not be
/// read, or that it is a WARC archive, whose pages are not explained.
#[derive(Debug)]
pub struct PageExplanation {
    pub location: String,
    pub explanation: Result<html::Explanation, String>,
}

/// Explains the extraction of every HTML file the paths name (folders walked as for reading). Other files,
/// stdin and the pages inside WARC archives are not explained.
pub fn explain_pages(paths: &[String], fields: &FieldMap) -> Vec<PageExplanation> {
    let mut inputs = Vec::new();
    let mut ignored = Ingested::default();
    for path in paths {
        collect_inputs(path, fields, &mut inputs, &mut ignored);
    }
    let mut pages = Vec::new();
    for input in inputs {
        let Input::File(path) = input else { continue };
        let location = path.display().to_string();
        if format::ending(&location) == format::Ending::Warc {
            let explanation = Err(
                "a WARC archive: the pages inside archives are not explained (save a page to explain it)"
                    .into(),
            );
            pages.push(PageExplanation { location, explanation });
            continue;
        }
        // Only now read, so that a crawl of gigabytes is not read whole to be passed over.
        let Ok(bytes) = std::fs::read(&path) else { continue };
        if !format::is_page(&location, &bytes) {
            continue;
        }
        let mut warnings: Vec<Warning> = Vec::new();
        let text = html::decode_page(&bytes, None, &location, &mut warnings);
        if format::whole_format(&location, &text) != format::Format::Html {
            continue;
        }
        let source = SourceLocation { path: location.clone(), record: None };
        let explanation = html::explain_html(&text, source)
            .map_err(|reason| format!("not read: {reason}"))
            .map(|mut explanation| {
                warnings.append(&mut explanation.warnings);
                explanation.warnings = warnings;
                explanation
            });
        pages.push(PageExplanation { location, explanation });
    }
    pages
}
