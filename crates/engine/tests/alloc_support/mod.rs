//! A counting global allocator for the memory tests: it tracks the bytes
//! allocated now and the peak since [`reset_peak`]. A test binary that uses
//! it installs it and holds only its memory test, so nothing else allocates
//! meanwhile:
//!
//! ```ignore
//! mod alloc_support;
//! #[global_allocator]
//! static ALLOC: alloc_support::Counting = alloc_support::Counting::IN_PLACE;
//! ```

// Each test binary uses one of the two ways to count a realloc.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counted.
pub struct Counting {
    realloc_in_place: bool,
}

impl Counting {
    /// A `realloc` counts as the block growing or shrinking where it is (as
    /// the system allocator does for large blocks).
    pub const IN_PLACE: Counting = Counting { realloc_in_place: true };
    /// A `realloc` counts as a new block, a copy and a free (`GlobalAlloc`'s
    /// default): both blocks are in the peak.
    pub const COPYING: Counting = Counting { realloc_in_place: false };
}

/// Bytes allocated now.
pub fn current() -> usize {
    CURRENT.load(Relaxed)
}

/// The most bytes allocated at once since the last [`reset_peak`].
pub fn peak() -> usize {
    PEAK.load(Relaxed)
}

/// Starts a new peak from what is allocated now, and returns that.
pub fn reset_peak() -> usize {
    let now = current();
    PEAK.store(now, Relaxed);
    now
}

fn grew(bytes: usize) {
    PEAK.fetch_max(CURRENT.fetch_add(bytes, Relaxed) + bytes, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !self.realloc_in_place {
            // GlobalAlloc's default realloc.
            let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
            let new_ptr = unsafe { self.alloc(new_layout) };
            if !new_ptr.is_null() {
                unsafe {
                    std::ptr::copy_nonoverlapping(ptr, new_ptr, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
            }
            return new_ptr;
        }
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}
