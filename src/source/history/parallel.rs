//! A pool of worker threads, each with its own `git2::Repository` (which is not `Sync`).

use git2::Repository;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

/// Runs `work` on items `0..count` on `threads` threads, each with its own repository and
/// state, and hands each result to `sink` on the calling thread (in completion order).
/// Each thread takes `batch` consecutive items at a time: neighbouring commits share most
/// trees, which then stay in that thread's object cache. The first error from `sink` (or
/// from opening the repository) stops the run.
pub(super) fn in_parallel<S, T, Init, Work, Sink>(
    git_dir: &Path,
    count: usize,
    batch: usize,
    threads: usize,
    init: Init,
    work: Work,
    mut sink: Sink,
) -> Result<(), String>
where
    T: Send,
    Init: Fn(usize) -> S + Sync,
    Work: Fn(&Repository, &mut S, usize) -> T + Sync,
    Sink: FnMut(usize, T) -> Result<(), String>,
{
    if count == 0 {
        return Ok(());
    }
    let batch = batch.max(1);
    let threads = threads.clamp(1, count.div_ceil(batch));
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let git_dir: PathBuf = git_dir.to_path_buf();
    std::thread::scope(|scope| {
        let (sender, receiver) =
            mpsc::sync_channel::<std::result::Result<Vec<(usize, T)>, String>>(threads * 4);
        for worker in 0..threads {
            let sender = sender.clone();
            let (next, stop, git_dir, init, work) = (&next, &stop, &git_dir, &init, &work);
            scope.spawn(move || {
                let repo = match Repository::open(git_dir) {
                    Ok(repo) => repo,
                    Err(e) => {
                        let _ =
                            sender.send(Err(format!("cannot open repository: {}", e.message())));
                        return;
                    }
                };
                let mut state = init(worker);
                while !stop.load(Ordering::Relaxed) {
                    let start = next.fetch_add(batch, Ordering::Relaxed);
                    if start >= count {
                        break;
                    }
                    let results = (start..count.min(start + batch))
                        .map(|index| (index, work(&repo, &mut state, index)))
                        .collect();
                    if sender.send(Ok(results)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut outcome = Ok(());
        'receive: for message in receiver.iter() {
            let step = message.and_then(|results: Vec<(usize, T)>| {
                for (index, result) in results {
                    sink(index, result)?;
                }
                Ok(())
            });
            if let Err(error) = step {
                stop.store(true, Ordering::Relaxed);
                outcome = Err(error);
                break 'receive;
            }
        }
        outcome
    })
}
