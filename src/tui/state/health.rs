//! The server check: can each endpoint be reached, and does it serve every node's model?

/// One endpoint's answer to `GET /models`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointHealth {
    pub url: String,
    /// The served model ids, or what went wrong and what to do.
    pub models: Result<Vec<String>, Problem>,
}

/// A failure with its plain-language fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub hint: Option<String>,
}

/// A node whose model its endpoint does not serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingModel {
    pub node_id: String,
    pub node_name: String,
    pub model: String,
    pub endpoint: String,
}

/// A listed model's answer to a test message of a few tokens (the F2 check sends one per model
/// and settings; the check at startup does not, so it costs nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelAnswer {
    pub model: String,
    pub endpoint: String,
    /// The members whose calls it stands for.
    pub members: Vec<String>,
    /// How many milliseconds the answer took, or what went wrong and what to do.
    pub answered: Result<u64, Problem>,
}

/// The whole check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthReport {
    pub demo: bool,
    pub endpoints: Vec<EndpointHealth>,
    pub missing: Vec<MissingModel>,
    /// Empty when no test messages were sent.
    pub answers: Vec<ModelAnswer>,
}

impl HealthReport {
    /// True when every endpoint answered, every model is served and every test message was answered.
    pub fn is_healthy(&self) -> bool {
        self.endpoints.iter().all(|e| e.models.is_ok())
            && self.missing.is_empty()
            && self.answers.iter().all(|a| a.answered.is_ok())
    }

    /// The listed models that did not answer their test message.
    pub fn silent_models(&self) -> impl Iterator<Item = (&ModelAnswer, &Problem)> {
        self.answers.iter().filter_map(|a| a.answered.as_ref().err().map(|p| (a, p)))
    }

    pub fn unreachable(&self) -> impl Iterator<Item = (&str, &Problem)> {
        self.endpoints.iter().filter_map(|e| e.models.as_ref().err().map(|p| (e.url.as_str(), p)))
    }

    /// Models served by the endpoint of the missing nodes (candidates to assign).
    pub fn served_for_missing(&self) -> Vec<String> {
        let Some(endpoint) = self.missing.first().map(|m| m.endpoint.as_str()) else { return Vec::new() };
        self.endpoints
            .iter()
            .find(|e| e.url == endpoint)
            .and_then(|e| e.models.as_ref().ok())
            .cloned()
            .unwrap_or_default()
    }
}

/// The names of the nodes whose calls go to `url`.
pub fn users_of<'a>(hierarchy: &'a crate::config::Hierarchy, url: &str) -> Vec<&'a str> {
    hierarchy.nodes.iter().filter(|n| hierarchy.endpoint_of(n) == url).map(|n| n.name.as_str()).collect()
}

/// Where the check stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Health {
    #[default]
    Checking,
    Checked(HealthReport),
}

/// The health panel's own state: which served model is selected for assignment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HealthPanel {
    pub selected: usize,
}
