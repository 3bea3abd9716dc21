//! stub
impl super::Spec {
    /// md
    pub fn markdown(&self) -> String {
        String::new()
    }
}
