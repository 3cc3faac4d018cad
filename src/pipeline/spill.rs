//! The spill file: first-pass term counts kept on disk until the document frequencies are known.

use crate::features::{TermCounts, TermKey};
use std::io::{BufReader, BufWriter, Read, Seek, Write};

/// First-pass term counts kept in a temporary file until the document frequencies are known: at about 2 KB an
/// article they would be the largest part of memory. In memory when no temporary file can be made.
pub(super) enum CountSpill {
    File { writer: BufWriter<std::fs::File>, articles: usize },
    Memory(Vec<TermCounts>),
}

impl CountSpill {
    pub(super) fn new() -> Self {
        match tempfile::tempfile() {
            Ok(file) => CountSpill::File { writer: BufWriter::with_capacity(1 << 20, file), articles: 0 },
            Err(_) => CountSpill::Memory(Vec::new()),
        }
    }

    pub(super) fn push(&mut self, counts: &[(TermKey, f32)]) {
        match self {
            CountSpill::File { writer, articles } => {
                let mut bytes = Vec::with_capacity(4 + 8 * counts.len());
                bytes.extend_from_slice(&(counts.len() as u32).to_le_bytes());
                for &(key, tf) in counts {
                    bytes.extend_from_slice(&key.to_le_bytes());
                    bytes.extend_from_slice(&tf.to_bits().to_le_bytes());
                }
                if writer.write_all(&bytes).is_err() {
                    self.fall_back_to_memory(Some(counts));
                    return;
                }
                *articles += 1;
            }
            CountSpill::Memory(all) => all.push(counts.to_vec()),
        }
    }

    /// Reads what was written so far back into memory (a full disk, say) and keeps going there.
    fn fall_back_to_memory(&mut self, pending: Option<&[(TermKey, f32)]>) {
        let mut all = Vec::new();
        self.for_each_chunk(usize::MAX, |_, chunk| all.extend(chunk.iter().cloned()));
        if let Some(counts) = pending {
            all.push(counts.to_vec());
        }
        *self = CountSpill::Memory(all);
    }

    /// Hands the counts back in order, `chunk` articles at a time, with the position of the chunk's first.
    pub(super) fn for_each_chunk(&mut self, chunk: usize, mut each: impl FnMut(usize, &[TermCounts])) {
        match self {
            CountSpill::Memory(all) => {
                for (n, part) in all.chunks(chunk.max(1)).enumerate() {
                    each(n * chunk, part);
                }
            }
            CountSpill::File { writer, articles } => {
                let total = *articles;
                let read_back = writer.flush().and_then(|_| {
                    let file = writer.get_mut();
                    file.rewind()?;
                    let mut reader = BufReader::with_capacity(1 << 20, file.try_clone()?);
                    let mut start = 0;
                    while start < total {
                        let size = chunk.min(total - start);
                        let mut part = Vec::with_capacity(size);
                        for _ in 0..size {
                            part.push(read_counts(&mut reader)?);
                        }
                        each(start, &part);
                        start += size;
                    }
                    file.seek(std::io::SeekFrom::End(0))?;
                    Ok(())
                });
                if let Err(err) = read_back {
                    panic!("storydiff: cannot read back its temporary file: {err}");
                }
            }
        }
    }
}

fn read_counts(reader: &mut impl Read) -> std::io::Result<TermCounts> {
    let mut word = [0u8; 4];
    reader.read_exact(&mut word)?;
    let len = u32::from_le_bytes(word) as usize;
    let mut bytes = vec![0u8; 8 * len];
    reader.read_exact(&mut bytes)?;
    Ok(bytes
        .chunks_exact(8)
        .map(|pair| {
            let key = u32::from_le_bytes(pair[..4].try_into().expect("4 bytes"));
            let tf = f32::from_bits(u32::from_le_bytes(pair[4..].try_into().expect("4 bytes")));
            (key, tf)
        })
        .collect())
}
