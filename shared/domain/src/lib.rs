//! The award rules.
