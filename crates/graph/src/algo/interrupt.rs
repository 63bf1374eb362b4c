//! Stopping a long search from outside: the shell's Ctrl-C sets a flag, and every algorithm
//! that may run for seconds on a large graph looks at it and gives up with [`Interrupted`]:
//! at every step that costs a learning plan ([`Interrupt::check`]), every [`Poll::EVERY`]
//! steps of a tight loop ([`Interrupt::poll`]).

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A flag another thread may set to stop a search. The default is never set.
///
/// Cheap to clone (one `Arc`); two are equal when they share the flag (or neither has one), so
/// options that carry one still compare by what they ask.
#[derive(Debug, Clone, Default)]
pub struct Interrupt(Option<Arc<AtomicBool>>);

impl Interrupt {
    /// A flag no one sets: the search always runs to its end.
    pub fn never() -> Interrupt {
        Interrupt(None)
    }

    /// Stops a search once `flag` is set (by a signal handler, another thread, …).
    pub fn on(flag: Arc<AtomicBool>) -> Interrupt {
        Interrupt(Some(flag))
    }

    pub fn is_set(&self) -> bool {
        self.0.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))
    }

    /// `Err(Interrupted)` once the flag is set.
    pub fn check(&self) -> Result<(), Interrupted> {
        if self.is_set() {
            Err(Interrupted)
        } else {
            Ok(())
        }
    }

    /// A counter that looks at the flag every [`Poll::EVERY`] steps of a loop.
    pub fn poll(&self) -> Poll<'_> {
        Poll {
            flag: self.0.as_deref(),
            steps: 0,
        }
    }
}

impl PartialEq for Interrupt {
    fn eq(&self, other: &Interrupt) -> bool {
        match (&self.0, &other.0) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for Interrupt {}

/// Looks at an [`Interrupt`] every [`Poll::EVERY`] calls of [`Poll::step`]: a relaxed load
/// is cheap, but the innermost loops run millions of times a second.
#[derive(Debug)]
pub struct Poll<'a> {
    flag: Option<&'a AtomicBool>,
    steps: u32,
}

impl Poll<'_> {
    /// Steps between two looks at the flag: that many steps of a tight loop (a node visited,
    /// an edge scanned) take well under a millisecond even in a debug build.
    pub const EVERY: u32 = 64;

    /// One step of the loop: `Err(Interrupted)` if the flag is set when it is looked at.
    #[inline]
    pub fn step(&mut self) -> Result<(), Interrupted> {
        self.steps = self.steps.wrapping_add(1);
        match self.flag {
            Some(flag)
                if self.steps.is_multiple_of(Self::EVERY) && flag.load(Ordering::Relaxed) =>
            {
                Err(Interrupted)
            }
            _ => Ok(()),
        }
    }
}

/// A search stopped because its [`Interrupt`] was set; it has no partial answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interrupted;

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}
