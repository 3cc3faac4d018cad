//! The spill file: first-pass term counts kept on disk until the document frequencies are known.

use crate::article::Warning;
use crate::features::{TermCounts, TermKey};
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Bytes gathered before each write to the spill file. Writes happen only in whole buffers, so after a failed
/// write the file's first `written` bytes are exactly the buffers written before it, and the rest is still in
/// memory: nothing is lost on a full disk.
const WRITE_BUFFER: usize = 1 << 20;

/// Why the spill file failed the run: its counts could not be read back.
#[derive(Debug, thiserror::Error)]
#[error("cannot read back the temporary file of term counts in {dir}: {source}")]
pub struct SpillError {
    pub dir: String,
    #[source]
    pub source: io::Error,
}

/// What the spill writes to: a temporary file, or in tests one that fails on cue.
pub(super) trait SpillFile: Read + Write + Seek + Send {}

impl<F: Read + Write + Seek + Send> SpillFile for F {}

/// First-pass term counts kept in a temporary file until the document frequencies are known: at about 2 KB an
/// article they would be the largest part of memory. In memory when no temporary file can be made, and from
/// the moment a write to it fails (a full disk): the whole buffers written are read back and the run goes on.
pub(super) enum CountSpill {
    File {
        file: Box<dyn SpillFile>,
        /// Where the file is, for messages.
        dir: PathBuf,
        /// Encoded counts not written yet.
        pending: Vec<u8>,
        /// Bytes written to the file, all of them whole records.
        written: u64,
        /// Articles in the file and in `pending`.
        articles: usize,
    },
    Memory(Vec<TermCounts>),
}

impl CountSpill {
    /// A spill file in `dir` (the system's temporary folder when `None`); in memory, with a warning in
    /// `warnings`, when no file can be made there.
    pub(super) fn new(dir: Option<&Path>, warnings: &mut Vec<Warning>) -> Self {
        let dir = dir.map(Path::to_path_buf).unwrap_or_else(std::env::temp_dir);
        match tempfile::tempfile_in(&dir) {
            Ok(file) => Self::on(Box::new(file), dir),
            Err(err) => {
                warnings.push(Warning {
                    location: dir.display().to_string(),
                    message: format!(
                        "cannot make a temporary file in {}: {err}; term counts are kept in memory",
                        dir.display()
                    ),
                });
                CountSpill::Memory(Vec::new())
            }
        }
    }

    /// Counts kept in memory only.
    pub(super) fn in_memory() -> Self {
        CountSpill::Memory(Vec::new())
    }

    pub(super) fn on(file: Box<dyn SpillFile>, dir: PathBuf) -> Self {
        CountSpill::File { file, dir, pending: Vec::with_capacity(WRITE_BUFFER), written: 0, articles: 0 }
    }

    /// Adds one article's counts. A failed write moves everything to memory; `Err` only when what was
    /// written cannot be read back.
    pub(super) fn push(&mut self, counts: &[(TermKey, f32)]) -> Result<(), SpillError> {
        match self {
            CountSpill::File { pending, articles, .. } => {
                pending.extend_from_slice(&(counts.len() as u32).to_le_bytes());
                for &(key, tf) in counts {
                    pending.extend_from_slice(&key.to_le_bytes());
                    pending.extend_from_slice(&tf.to_bits().to_le_bytes());
                }
                *articles += 1;
                if pending.len() >= WRITE_BUFFER {
                    self.write_pending()?;
                }
                Ok(())
            }
            CountSpill::Memory(all) => {
                all.push(counts.to_vec());
                Ok(())
            }
        }
    }

    /// Writes the pending buffer; on failure, moves everything to memory.
    fn write_pending(&mut self) -> Result<(), SpillError> {
        let CountSpill::File { file, pending, written, .. } = self else { return Ok(()) };
        match file.write_all(pending).and_then(|_| file.flush()) {
            Ok(()) => {
                *written += pending.len() as u64;
                pending.clear();
                Ok(())
            }
            Err(_) => self.fall_back_to_memory(),
        }
    }

    /// Reads the whole records written so far back into memory, with the pending ones, and keeps going there.
    fn fall_back_to_memory(&mut self) -> Result<(), SpillError> {
        let CountSpill::File { file, dir, pending, written, articles } = self else { return Ok(()) };
        let fail = |source| SpillError { dir: dir.display().to_string(), source };
        // A failed write may have left part of a buffer after `written`: reading stops before it.
        file.seek(SeekFrom::Start(0)).map_err(fail)?;
        let mut all = Vec::with_capacity(*articles);
        let mut reader = BufReader::new((&mut *file).take(*written));
        while let Some(counts) = read_counts(&mut reader).map_err(fail)? {
            all.push(counts);
        }
        let mut rest = pending.as_slice();
        while let Some(counts) = read_counts(&mut rest).map_err(fail)? {
            all.push(counts);
        }
        if all.len() != *articles {
            let message = format!("{} of {} articles' counts read back", all.len(), articles);
            return Err(fail(io::Error::new(io::ErrorKind::InvalidData, message)));
        }
        *self = CountSpill::Memory(all);
        Ok(())
    }

    /// Hands the counts back in order, `chunk` articles at a time, with the position of the chunk's first.
    pub(super) fn for_each_chunk(
        &mut self,
        chunk: usize,
        mut each: impl FnMut(usize, &[TermCounts]),
    ) -> Result<(), SpillError> {
        if let CountSpill::File { pending, .. } = self {
            if !pending.is_empty() {
                self.write_pending()?;
            }
        }
        match self {
            CountSpill::Memory(all) => {
                for (n, part) in all.chunks(chunk.max(1)).enumerate() {
                    each(n * chunk, part);
                }
                Ok(())
            }
            CountSpill::File { file, dir, articles, .. } => {
                let fail = |source| SpillError { dir: dir.display().to_string(), source };
                file.seek(SeekFrom::Start(0)).map_err(fail)?;
                let mut reader = BufReader::with_capacity(1 << 20, &mut *file);
                let (total, mut start) = (*articles, 0);
                while start < total {
                    let size = chunk.min(total - start);
                    let mut part = Vec::with_capacity(size);
                    for _ in 0..size {
                        let truncated =
                            || io::Error::new(io::ErrorKind::UnexpectedEof, "the file ends early");
                        part.push(
                            read_counts(&mut reader).map_err(fail)?.ok_or_else(truncated).map_err(fail)?,
                        );
                    }
                    each(start, &part);
                    start += size;
                }
                Ok(())
            }
        }
    }
}

/// One article's counts, or `None` at the end of the input.
fn read_counts(reader: &mut impl Read) -> io::Result<Option<TermCounts>> {
    let mut word = [0u8; 4];
    match reader.read_exact(&mut word) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(err) => return Err(err),
    }
    let len = u32::from_le_bytes(word) as usize;
    let mut bytes = vec![0u8; 8 * len];
    reader.read_exact(&mut bytes)?;
    Ok(Some(
        bytes
            .chunks_exact(8)
            .map(|pair| {
                let key = u32::from_le_bytes(pair[..4].try_into().expect("4 bytes"));
                let tf = f32::from_bits(u32::from_le_bytes(pair[4..].try_into().expect("4 bytes")));
                (key, tf)
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real temporary file that refuses writes past `room` bytes (a full disk), and reads when told to fail.
    struct FullDisk {
        file: std::fs::File,
        room: u64,
        used: u64,
        reads_fail: bool,
    }

    impl Read for FullDisk {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.reads_fail {
                return Err(io::Error::other("input/output error"));
            }
            self.file.read(buf)
        }
    }

    impl Write for FullDisk {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let left = self.room.saturating_sub(self.used) as usize;
            if left == 0 {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "no space left on device"));
            }
            // Part of the buffer goes in, as on a real disk filling up.
            let n = self.file.write(&buf[..buf.len().min(left)])?;
            self.used += n as u64;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            self.file.flush()
        }
    }

    impl Seek for FullDisk {
        fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
            self.file.seek(pos)
        }
    }

    fn counts(n: usize) -> Vec<TermCounts> {
        (0..n).map(|i| (0..40).map(|k| ((i * 40 + k) as TermKey, (k % 3 + 1) as f32)).collect()).collect()
    }

    fn read_all(spill: &mut CountSpill) -> Result<Vec<TermCounts>, SpillError> {
        let mut all = Vec::new();
        spill.for_each_chunk(1000, |start, chunk| {
            assert_eq!(start, all.len());
            all.extend(chunk.iter().cloned());
        })?;
        Ok(all)
    }

    fn full_disk(room: u64, reads_fail: bool) -> CountSpill {
        let file = FullDisk { file: tempfile::tempfile().unwrap(), room, used: 0, reads_fail };
        CountSpill::on(Box::new(file), PathBuf::from("/spill/here"))
    }

    #[test]
    fn issue_16_counts_come_back_in_order_from_the_file() {
        let expected = counts(9000);
        let mut spill = full_disk(u64::MAX, false);
        for c in &expected {
            spill.push(c).unwrap();
        }
        assert!(matches!(spill, CountSpill::File { .. }));
        assert_eq!(read_all(&mut spill).unwrap(), expected);
        assert_eq!(read_all(&mut spill).unwrap(), expected, "read twice, as the second pass does");
    }

    #[test]
    fn issue_16_a_full_disk_moves_the_counts_to_memory_with_none_lost() {
        let expected = counts(9000);
        // Room for one and a half write buffers: the second write fails halfway.
        let mut spill = full_disk(WRITE_BUFFER as u64 * 3 / 2, false);
        for c in &expected {
            spill.push(c).unwrap();
        }
        assert!(matches!(spill, CountSpill::Memory(_)), "the failed write moved the counts to memory");
        assert_eq!(read_all(&mut spill).unwrap(), expected);
    }

    #[test]
    fn issue_16_counts_that_cannot_be_read_back_fail_cleanly_naming_the_folder() {
        let mut spill = full_disk(WRITE_BUFFER as u64 * 3 / 2, true);
        let error =
            counts(9000).iter().map(|c| spill.push(c)).find_map(Result::err).expect("an error, no panic");
        assert!(error.to_string().contains("/spill/here"), "{error}");
        let mut unread = full_disk(u64::MAX, true);
        unread.push(&counts(1)[0]).unwrap();
        let error = read_all(&mut unread).unwrap_err();
        assert!(error
            .to_string()
            .starts_with("cannot read back the temporary file of term counts in /spill/here"));
    }
}
