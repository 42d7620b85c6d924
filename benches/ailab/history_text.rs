//! Text for the generated record: English-like prose over a Zipf-distributed vocabulary (a few
//! words everywhere, most rare), so full-text search meets realistic posting lists.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A vocabulary and the prose made from it.
pub struct Text {
    words: Vec<String>,
}

impl Text {
    pub fn new() -> Text {
        Text { words: vocabulary() }
    }

    pub fn word<'a>(&'a self, rng: &mut StdRng) -> &'a str {
        // Zipf-like: a few words are everywhere, most are rare.
        let u: f64 = rng.random();
        &self.words[((self.words.len() as f64) * u.powf(2.6)) as usize % self.words.len()]
    }

    pub fn sentence(&self, rng: &mut StdRng, out: &mut String) {
        let n = rng.random_range(8..20);
        for i in 0..n {
            let word = self.word(rng);
            if i == 0 {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(chars.as_str());
                }
            } else {
                out.push(' ');
                out.push_str(word);
            }
        }
        out.push_str(". ");
    }

    pub fn prose(&self, rng: &mut StdRng, words: usize) -> String {
        let mut out = String::with_capacity(words * 7);
        let mut sentences = 0;
        while out.len() < words * 6 {
            self.sentence(rng, &mut out);
            sentences += 1;
            if sentences % 4 == 0 {
                out.push_str("\n\n");
            }
        }
        out.trim_end().to_string()
    }
}

/// About 3,000 words: common English, the lab's usual subjects, and a long tail of rare ones.
pub fn vocabulary() -> Vec<String> {
    const COMMON: &str = "the of and to a in is that it for as with on this be are by can or from an which \
        you not we more at but have one their so if has they its these also when all each into other how \
        what some than then them only may way most such use both because between over about after first \
        two new well where much through could while should many those like just very does make time part";
    const SUBJECTS: &str = "quantum tunnelling barrier electron flash memory charge transistor wave function \
        probability photosynthesis chlorophyll light energy glucose carbon climate ocean current heat \
        economy inflation interest rate market supply demand bees dance hive pollen language grammar \
        learning model network gradient training data evidence history empire trade route river city \
        music rhythm harmony melody poem metaphor ethics justice fairness freedom proof theorem prime \
        number algorithm sorting graph path cache latency protocol server client request garden soil \
        compost nitrogen volcano magma plate tectonic earthquake vaccine immune antibody virus cell";
    let mut words: Vec<String> = COMMON.split_whitespace().map(str::to_string).collect();
    words.extend(SUBJECTS.split_whitespace().map(str::to_string));
    const ONSETS: &[&str] =
        &["b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "st", "tr", "pl"];
    const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ea", "io"];
    const CODAS: &[&str] = &["", "n", "r", "s", "t", "l", "nd", "ct"];
    let mut rng = StdRng::seed_from_u64(7);
    while words.len() < 3000 {
        let syllables = rng.random_range(2..4);
        let mut word = String::new();
        for _ in 0..syllables {
            word.push_str(ONSETS[rng.random_range(0..ONSETS.len())]);
            word.push_str(VOWELS[rng.random_range(0..VOWELS.len())]);
        }
        word.push_str(CODAS[rng.random_range(0..CODAS.len())]);
        words.push(word);
    }
    words
}
