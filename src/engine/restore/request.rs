//! What a restore is asked to do (the validated form the CLI and the Restore tab build), the
//! plan made before anything is written, and what a finished restore reports.

use std::path::PathBuf;

use crate::engine::PortalConnection;
use crate::formats::run_report::RunItemStatus;

/// What happens to an item that already exists on the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConflictPolicy {
    /// Leave it alone: nothing that exists is touched (the default).
    #[default]
    Skip,
    /// Update it in place (found by id, or by the `source-<old id>` type keyword an earlier
    /// restore left): properties, data, thumbnail, metadata, resources. Its id and every
    /// reference to it survive. The original utility's `--overwrite`.
    Update,
    /// Create a new item beside it (the report says so).
    Copy,
}

impl ConflictPolicy {
    /// The name the CLI flag and the report use: `skip`, `update`, `copy`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Skip => "skip",
            Self::Update => "update",
            Self::Copy => "copy",
        }
    }

    /// The policy named `name` (as [`name`](Self::name) spells it).
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Skip, Self::Update, Self::Copy]
            .into_iter()
            .find(|p| p.name() == name)
    }
}

/// How a restore behaves; the defaults are the safe ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreOptions {
    /// What to do with items that already exist.
    pub policy: ConflictPolicy,
    /// Keep the backed-up properties (description, tags, extent ...); off takes the target's
    /// defaults (title and type are always kept). The original utility's `--keep-metadata`.
    pub keep_metadata: bool,
    /// Restore into this folder of the signed-in user (created if missing); `None` restores
    /// into the folder each item was backed up from (created if missing).
    pub target_folder: Option<String>,
    /// Restore sharing (access and the groups that exist on the target).
    pub sharing: bool,
    /// Stop after the plan: nothing is written to the portal.
    pub dry_run: bool,
    /// Items restored at the same time (within one dependency level).
    pub workers: usize,
    /// Where the JSON run report goes; default beside the first input.
    pub report: Option<PathBuf>,
}

impl Default for RestoreOptions {
    fn default() -> Self {
        RestoreOptions {
            policy: ConflictPolicy::Skip,
            keep_metadata: true,
            target_folder: None,
            sharing: true,
            dry_run: false,
            workers: 4,
            report: None,
        }
    }
}

/// A validated restore request.
#[derive(Debug, Clone)]
pub struct RestoreRequest {
    /// Target portal and sign-in.
    pub connection: PortalConnection,
    /// Backup files (`.zip`, `.contentexport`) or folders holding them.
    pub inputs: Vec<PathBuf>,
    /// The backed-up item ids to restore; `None` restores everything the inputs hold.
    pub items: Option<Vec<String>>,
    /// Run options.
    pub options: RestoreOptions,
}

/// What the plan does with one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlannedAction {
    /// Create it (a new id unless the target keeps ids).
    Create,
    /// Update the existing item `target_id` in place.
    Update {
        /// The existing item on the target.
        target_id: String,
    },
    /// Create a new item beside the existing `existing_id`.
    Copy {
        /// The existing item on the target that is left alone.
        existing_id: String,
    },
    /// Leave it alone.
    Skip {
        /// Why (exists and the policy is skip, not selected, cannot be restored ...).
        reason: String,
    },
}

impl PlannedAction {
    /// The word the plan table shows: `create`, `update`, `copy`, `skip`.
    pub fn word(&self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update { .. } => "update",
            Self::Copy { .. } => "copy",
            Self::Skip { .. } => "skip",
        }
    }
}

/// One item of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedItem {
    /// The id the item had when it was backed up.
    pub old_id: String,
    /// Title.
    pub title: String,
    /// Item type.
    pub item_type: String,
    /// The backup file it comes from.
    pub source: PathBuf,
    /// What happens to it.
    pub action: PlannedAction,
    /// Target folder title (`None`: the owner's root folder).
    pub folder: Option<String>,
    /// Target owner (the signed-in user).
    pub owner: String,
    /// Dependency level: 0 has no dependency among the restored items (layers), then maps,
    /// then apps. Items run level by level.
    pub level: usize,
    /// Old ids referenced in its data or resources that will be rewritten to the new ids.
    pub rewrites: Vec<String>,
    /// Things the user should know (missing groups, references outside the restored set ...).
    pub warnings: Vec<String>,
}

/// The plan: every item of the inputs, in the order they will be restored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RestorePlan {
    /// The target portal's base URL.
    pub target_portal: String,
    /// Items in execution order (dependencies first).
    pub items: Vec<PlannedItem>,
    /// Warnings about the whole restore (unreadable inputs, duplicates ...).
    pub warnings: Vec<String>,
}

/// How one item's restore ended.
#[derive(Debug, Clone, PartialEq)]
pub struct RestoredItem {
    /// The backed-up id.
    pub old_id: String,
    /// The id on the target, when an item was created or updated.
    pub new_id: Option<String>,
    /// Title.
    pub title: String,
    /// Item type.
    pub item_type: String,
    /// The action carried out (`create`, `update`, `copy`, `skip`).
    pub action: String,
    /// OK / PARTIAL / FAILED / SKIPPED.
    pub status: RunItemStatus,
    /// Why it is partial, failed or skipped (empty when OK).
    pub reason: String,
    /// The restored item's page in the portal.
    pub item_page: Option<String>,
    /// Seconds spent on it.
    pub seconds: f64,
}

/// What a finished restore reports.
#[derive(Debug, Clone, PartialEq)]
pub struct RestoreSummary {
    /// The plan that was made (and, unless dry run, carried out).
    pub plan: RestorePlan,
    /// Every item's result in plan order (empty for a dry run).
    pub items: Vec<RestoredItem>,
    /// The JSON report written (`None` for a dry run).
    pub report: Option<PathBuf>,
    /// Whether the run was cancelled (items not reached are SKIPPED).
    pub cancelled: bool,
}

impl RestoreSummary {
    /// How many items ended with `status`.
    pub fn count(&self, status: RunItemStatus) -> usize {
        self.items.iter().filter(|i| i.status == status).count()
    }

    /// Whether every item is OK or skipped by the plan.
    pub fn all_ok(&self) -> bool {
        !self.cancelled
            && self
                .items
                .iter()
                .all(|i| matches!(i.status, RunItemStatus::Ok | RunItemStatus::Skipped))
    }
}
