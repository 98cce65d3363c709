use std::collections::VecDeque;

/// A fixed-size ring of the most recent values.
pub struct Ring<T> {
    items: VecDeque<T>,
    capacity: usize,
}

impl<T: Clone> Ring<T> {
    /// Creates an empty ring that holds at most `capacity` values.
    pub fn new(capacity: usize) -> Self {
        Ring {
            items: VecDeque::with_capacity(capacity),
            capacity,
        }
    }

    /// Adds a value, dropping the oldest when the ring is full.
    pub fn push(&mut self, value: T) {
        if self.items.len() == self.capacity {
            self.items.pop_front();
        }
        self.items.push_back(value);
    }

    pub fn latest(&self) -> Option<T> {
        self.items.back().cloned()
    }
}
