//! System calls beyond the seed's: disk usage. Shared by both flavours.

use crate::call::Call;

/// `GET /system/df`.
pub(crate) fn df() -> Call {
    Call::get("/system/df")
}
