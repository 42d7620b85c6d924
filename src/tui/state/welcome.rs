//! The welcome: shown on the very first start (and from the help), it draws the team, says in
//! three sentences what happens when you ask, and offers three places to start.

/// A place to start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WelcomeChoice {
    /// Switch to the scripted offline demo.
    #[default]
    Demo,
    /// Open the server check.
    Server,
    /// Open the model picker in the Prompts tab.
    Models,
}

impl WelcomeChoice {
    /// The choices, in the order they are listed.
    pub const ALL: [WelcomeChoice; 3] = [WelcomeChoice::Demo, WelcomeChoice::Server, WelcomeChoice::Models];

    /// Its name; the first letter is its key.
    pub fn label(self) -> &'static str {
        match self {
            WelcomeChoice::Demo => "Demo",
            WelcomeChoice::Server => "Server",
            WelcomeChoice::Models => "Models",
        }
    }

    /// What choosing it does.
    pub fn what(self) -> &'static str {
        match self {
            WelcomeChoice::Demo => "try it now with scripted answers, no server needed",
            WelcomeChoice::Server => "check that your server answers",
            WelcomeChoice::Models => "choose which model each member uses",
        }
    }

    /// The choice `delta` places on, round the list.
    pub fn step(self, delta: isize) -> WelcomeChoice {
        let at = Self::ALL.iter().position(|c| *c == self).unwrap_or(0) as isize;
        Self::ALL[(at + delta).rem_euclid(Self::ALL.len() as isize) as usize]
    }
}

/// The welcome overlay's own state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WelcomeState {
    pub selected: WelcomeChoice,
}
