//! The sandbox's organisations (to be filled in).

use super::Dataset;
use super::model::State;

/// Builds the state for `dataset`; `base` is `http://host:port` for service URLs.
pub fn build(_dataset: &Dataset, _base: &str) -> State {
    State::default()
}
