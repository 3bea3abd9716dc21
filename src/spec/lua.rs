//! stub
impl super::Spec {
    /// lua
    pub fn wireshark_lua(&self, _port: u16) -> String {
        String::new()
    }
}
