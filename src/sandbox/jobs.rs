//! Export, publish and job status (to be filled in).

use std::sync::Arc;

use super::Ctx;
use super::params::Params;
use super::reply::{ApiError, ApiResult};
use super::user_content::UserCall;

fn todo() -> ApiResult {
    Err(ApiError::server_error("not implemented yet"))
}

/// content/users/{u}/export
pub fn export(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}
/// content/users/{u}/publish
pub fn publish(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}
/// content/users/{u}/createService
pub fn create_service(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}
/// items/{id}/status
pub fn status(_ctx: &Arc<Ctx>, _call: &UserCall, _p: &Params) -> ApiResult {
    todo()
}
