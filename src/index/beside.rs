//! Reading the index beside a batch's write transaction, on connections of their own, and key lists passed to
//! SQLite as one array (`rarray`) for one-statement lookups.

use super::store::Sql;
use rusqlite::types::Value;
use rusqlite::Connection;
use std::rc::Rc;

/// `values` as the argument of `rarray(?)`.
pub fn as_array(values: impl IntoIterator<Item = i64>) -> Rc<Vec<Value>> {
    Rc::new(values.into_iter().map(Value::from).collect())
}

/// A read-only connection of its own to the index at `path`, set up as the writer's for reading (memory map,
/// `rarray`).
fn open_reader(path: &str) -> Sql<Connection> {
    let connection = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    rusqlite::vtab::array::load_module(&connection)?;
    connection.pragma_update(None, "mmap_size", super::MMAP_BYTES)?;
    Ok(connection)
}

/// Two read-only connections of their own to the index, opened at first use and kept for the search: each
/// connection maps the file afresh, so reopening them per lookup faulted the same B-tree pages in again and
/// unmapped them at every close.
pub struct Readers {
    path: String,
    pair: Option<[Connection; 2]>,
}

impl Readers {
    pub fn new(path: &str) -> Self {
        Readers { path: path.to_string(), pair: None }
    }

    /// `read` over each half of `keys` (sorted), on the two connections and two threads. They read the index as
    /// of its last commit: what the batch's transaction has written or taken out since is not seen, and the
    /// caller accounts for it.
    pub fn on_two<T: Send>(
        &mut self,
        keys: &[i64],
        read: impl Fn(&Connection, &[i64]) -> Sql<T> + Sync,
    ) -> Sql<[T; 2]> {
        if self.pair.is_none() {
            self.pair = Some([open_reader(&self.path)?, open_reader(&self.path)?]);
        }
        let [lhs_reader, rhs_reader] = self.pair.as_mut().expect("opened above");
        let (lhs, rhs) = keys.split_at(keys.len() / 2);
        let read_half = |connection: &mut Connection, half: &[i64]| -> Sql<T> {
            let reader = connection.transaction()?;
            read(&reader, half)
        };
        let (lhs, rhs) = std::thread::scope(|scope| {
            let other = scope.spawn(|| read_half(rhs_reader, rhs));
            (read_half(lhs_reader, lhs), other.join().expect("a reading thread panicked"))
        });
        Ok([lhs?, rhs?])
    }
}
