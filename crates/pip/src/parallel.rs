//! Work on several items at once (the wheels of a resolution are downloaded, or built, side by
//! side: on a real link each connection has its own throughput).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// At most this many items at once.
const THREADS: usize = 8;

/// `f` of every item, in the items' order, computed on up to [`THREADS`] threads; the error of
/// the first item (in order) that failed, if any did.
pub fn try_map<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> crate::Result<R> + Sync,
) -> crate::Result<Vec<R>> {
    if items.len() <= 1 {
        return items.iter().map(&f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<crate::Result<R>>>> =
        Mutex::new(items.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..THREADS.min(items.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let result = f(item);
                    results
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .into_iter()
        .map(|result| result.expect("every item was computed"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::try_map;

    #[test]
    fn results_keep_the_items_order_and_the_first_error_wins() {
        let items: Vec<u32> = (0..50).collect();
        let doubled = try_map(&items, |n| Ok(n * 2)).unwrap();
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        let failed = try_map(&items, |n| match n {
            7 | 30 => Err(crate::Error::NotInstalled(n.to_string())),
            n => Ok(*n),
        });
        assert_eq!(failed.unwrap_err().to_string(), "7 is not installed");
        assert!(try_map(&[] as &[u32], |n| Ok(*n)).unwrap().is_empty());
    }

    #[test]
    fn items_run_side_by_side() {
        // Eight items that each wait for all the others: only concurrent work finishes.
        let barrier = std::sync::Barrier::new(8);
        let items: Vec<u32> = (0..8).collect();
        let done = try_map(&items, |n| {
            barrier.wait();
            Ok(*n)
        })
        .unwrap();
        assert_eq!(done.len(), 8);
    }
}
