//! Values computed once per key by whichever thread asks first; a thread asking for the same key
//! meanwhile waits for that answer (the resolver and its prefetching threads ask each project
//! page once between them). A failure is not kept: the next asker tries again.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use super::lock;

type Slot<V> = Arc<Mutex<Option<V>>>;

pub(crate) struct Memo<K, V> {
    slots: Mutex<HashMap<K, Slot<V>>>,
}

impl<K: Eq + Hash + Clone, V: Clone> Memo<K, V> {
    pub(crate) fn new() -> Self {
        Memo {
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// The value of `key`, computed by `compute` if nobody has yet.
    pub(crate) fn get_or_try(
        &self,
        key: &K,
        compute: impl FnOnce() -> crate::Result<V>,
    ) -> crate::Result<V> {
        let slot = lock(&self.slots).entry(key.clone()).or_default().clone();
        let mut value = lock(&slot);
        if let Some(value) = &*value {
            return Ok(value.clone());
        }
        let computed = compute()?;
        *value = Some(computed.clone());
        Ok(computed)
    }
}
