//! stub
impl super::Spec {
    /// c
    pub fn c_header(&self) -> String {
        String::new()
    }
}
