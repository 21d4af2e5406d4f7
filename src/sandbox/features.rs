//! Hosted feature service routes (to be filled in).

use std::sync::Arc;

use super::Ctx;

/// Routes under `/server/rest`.
pub fn routes() -> axum::Router<Arc<Ctx>> {
    axum::Router::new()
}
