//! Search (to be filled in).

use std::sync::Arc;

use super::Ctx;

/// Routes relative to the REST root.
pub fn routes() -> axum::Router<Arc<Ctx>> {
    axum::Router::new()
}
