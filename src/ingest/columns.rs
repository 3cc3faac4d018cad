//! Which input field (JSON key or CSV column) holds each part of an article: the usual names, or the user's.

/// The parts of an article read from a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Id,
    Title,
    Body,
    Url,
    Outlet,
    Date,
    Language,
}

impl Field {
    const ALL: [Field; 7] =
        [Field::Id, Field::Title, Field::Body, Field::Url, Field::Outlet, Field::Date, Field::Language];

    pub fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Title => "title",
            Field::Body => "body",
            Field::Url => "url",
            Field::Outlet => "outlet",
            Field::Date => "date",
            Field::Language => "language",
        }
    }

    /// The names news exports commonly use, tried in order (matched without regard to case, so the UCI News
    /// Aggregator's `TITLE`, `URL`, `PUBLISHER` and `TIMESTAMP` columns need no mapping).
    fn usual_names(self) -> &'static [&'static str] {
        match self {
            Field::Id => &["id", "doc_id"],
            Field::Title => &["title", "headline"],
            Field::Body => &["body", "text", "content"],
            Field::Url => &["url", "link"],
            Field::Outlet => &["outlet", "source", "publisher", "site"],
            Field::Date => &["date", "published", "publishedAt", "pubDate", "timestamp"],
            Field::Language => &["language", "lang", "locale"],
        }
    }
}

/// The field names to read, with the user's overrides (`--field body=Text`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMap {
    overrides: Vec<(Field, String)>,
}

impl FieldMap {
    /// Parses `PART=NAME` overrides, such as `body=Text`; an error names the bad one.
    pub fn parse<S: AsRef<str>>(specs: &[S]) -> Result<Self, String> {
        let mut overrides = Vec::new();
        for spec in specs {
            let spec = spec.as_ref();
            let Some((part, name)) = spec.split_once('=') else {
                return Err(format!("--field {spec:?}: expected PART=NAME, such as body=Text"));
            };
            let Some(field) = Field::ALL.into_iter().find(|f| f.name() == part.trim()) else {
                let parts: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
                return Err(format!(
                    "--field {spec:?}: unknown part {part:?}; the parts are {}",
                    parts.join(", ")
                ));
            };
            if name.trim().is_empty() {
                return Err(format!("--field {spec:?}: the field name is empty"));
            }
            overrides.retain(|(f, _)| *f != field);
            overrides.push((field, name.trim().to_string()));
        }
        Ok(FieldMap { overrides })
    }

    /// The names to try for `field`: the override alone when there is one, else the usual names.
    pub fn names(&self, field: Field) -> Vec<&str> {
        match self.overrides.iter().find(|(f, _)| *f == field) {
            Some((_, name)) => vec![name.as_str()],
            None => field.usual_names().to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_replace_the_usual_names_and_bad_specs_are_named() {
        let map = FieldMap::parse(&["body=Text", "outlet = Source Name"]).unwrap();
        assert_eq!(map.names(Field::Body), vec!["Text"]);
        assert_eq!(map.names(Field::Outlet), vec!["Source Name"]);
        assert_eq!(map.names(Field::Title), vec!["title", "headline"]);
        assert!(FieldMap::parse(&["body"]).unwrap_err().contains("PART=NAME"));
        assert!(FieldMap::parse(&["text=Body"]).unwrap_err().contains("unknown part \"text\""));
        assert!(FieldMap::parse(&["body="]).unwrap_err().contains("empty"));
    }
}
