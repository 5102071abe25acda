//! How large a message the decoder accepts.

/// Bounds on what a peer can make the decoder buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes in the start line plus headers, including the empty line.
    pub max_head_len: usize,
    /// Most headers in one message.
    pub max_headers: usize,
    /// Most bytes in a body.
    pub max_body_len: usize,
}

impl Limits {
    /// 16 KiB of head: AirPlay heads are a few hundred bytes.
    pub const DEFAULT_MAX_HEAD_LEN: usize = 16 * 1024;
    /// 64 headers.
    pub const DEFAULT_MAX_HEADERS: usize = 64;
    /// 8 MiB of body: `/info` plists and pairing messages are a few KiB; artwork sent
    /// over the control connection stays well below this.
    pub const DEFAULT_MAX_BODY_LEN: usize = 8 * 1024 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_head_len: Self::DEFAULT_MAX_HEAD_LEN,
            max_headers: Self::DEFAULT_MAX_HEADERS,
            max_body_len: Self::DEFAULT_MAX_BODY_LEN,
        }
    }
}
