//! Provider names in an assignment's name: `deepgram` in `deepgram_key`, `wandb` in
//! `WANDB_API_KEY`. A value assigned to such a name belongs to that provider, whose rules
//! know the shape of its keys.

use super::Rule;
use std::collections::HashMap;

/// Keywords that are words of any secret's name, or of platforms with more kinds of secret
/// than the rules know the shapes of: their presence in a name says nothing about the shape
/// of the value.
const NOT_PROVIDER_NAMES: &[&str] = &[
    "secret",
    "token",
    "password",
    "privatekey",
    "clientsecret",
    "accesstoken",
    "authtoken",
    "accountkey",
    "secretaccesskey",
    "accesskeysecret",
    "tokensecret",
    "presharedkey",
    "cleartextpassword",
    "masterauth",
    "unsealkey",
    "bottoken",
    "bootstraptoken",
    "runnertoken",
    "signing",
    "storage",
    "scale",
    "modal",
    "atlas",
    "bolt",
    "better",
    "lemon",
    "together",
    "elastic",
    "vault",
    "comet",
    "drone",
    "monday",
    "sanity",
    "google",
    "azure",
    "microsoft",
    "github",
    "gitlab",
    "bitbucket",
    "facebook",
    "instagram",
    "whatsapp",
    "twitter",
    "linkedin",
    "alibaba",
    "aliyun",
    "tencent",
    "oraclecloud",
    "ibmcloud",
    "bluemix",
    "atlassian",
    "salesforce",
    "dropbox",
    "okta",
    "zoom",
    "spotify",
    "discord",
    "paypal",
    "braintree",
    "coinbase",
    "yandex",
];

/// Most words of a name that one provider name may span (`weights`, `and`, `biases`).
const MAX_WORDS_PER_NAME: usize = 4;

/// The provider names of a rule set and, for each, the rules whose keyword it is.
#[derive(Debug)]
pub(crate) struct ProviderNames {
    rules_of: HashMap<Vec<u8>, Vec<usize>>,
}

impl ProviderNames {
    /// The names of `rules`: the keywords of specific rules that are plain words of four
    /// letters or more (`deepgram`, `wandb`), or of five letters or more once their separators
    /// are dropped (`gitea_` → `gitea`, `aws_secret` → `awssecret`), less
    /// [`NOT_PROVIDER_NAMES`].
    pub(crate) fn of(rules: &[Rule]) -> ProviderNames {
        let mut rules_of: HashMap<Vec<u8>, Vec<usize>> = HashMap::new();
        for (index, rule) in rules.iter().enumerate().filter(|(_, r)| !r.fallback) {
            for word in rule.keywords.iter().filter_map(|k| provider_name(k)) {
                let rules = rules_of.entry(word.into_bytes()).or_default();
                if !rules.contains(&index) {
                    rules.push(index);
                }
            }
        }
        ProviderNames { rules_of }
    }

    /// The rules of every provider that one word of `words` (an assignment's name split into
    /// words), or a few consecutive ones, spell: `WANDB_API_KEY` names `wandb`,
    /// `GITEA_TOKEN` names `giteatoken`, `AWS_SECRET_ACCESS_KEY` names `awssecret`, but
    /// `archive_token` does not name `hive`. Sorted, each once.
    pub(crate) fn rules_named_in(&self, words: &[&[u8]]) -> Vec<usize> {
        let mut rules = Vec::new();
        let mut spelt = Vec::new();
        for start in 0..words.len() {
            spelt.clear();
            for word in words.iter().skip(start).take(MAX_WORDS_PER_NAME) {
                spelt.extend(word.iter().map(u8::to_ascii_lowercase));
                if let Some(named) = self.rules_of.get(&spelt) {
                    rules.extend_from_slice(named);
                }
            }
        }
        rules.sort_unstable();
        rules.dedup();
        rules
    }
}

/// The provider name a keyword makes, if any (see [`ProviderNames::of`]).
fn provider_name(keyword: &str) -> Option<String> {
    let plain = keyword.bytes().all(|b| b.is_ascii_lowercase());
    let folded = String::from_utf8(fold(keyword.as_bytes())).ok()?;
    let word = folded.bytes().all(|b| b.is_ascii_lowercase())
        && keyword
            .bytes()
            .all(|b| b.is_ascii_lowercase() || matches!(b, b'_' | b'-' | b'.'));
    let long_enough = if plain { 4 } else { 5 };
    (word && folded.len() >= long_enough && !NOT_PROVIDER_NAMES.contains(&folded.as_str()))
        .then_some(folded)
}

/// `keyword` without its separators, lower-cased: `aws_secret` → `awssecret`.
fn fold(keyword: &[u8]) -> Vec<u8> {
    keyword
        .iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(u8::to_ascii_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{fold, provider_name, ProviderNames};
    use std::collections::HashMap;

    #[test]
    fn plain_words_and_separated_words_name_providers() {
        assert_eq!(provider_name("deepgram").as_deref(), Some("deepgram"));
        assert_eq!(provider_name("gitea_").as_deref(), Some("gitea"));
        assert_eq!(provider_name("aws_secret").as_deref(), Some("awssecret"));
        assert_eq!(fold(b"aws-secret"), b"awssecret");
    }

    #[test]
    fn a_name_is_matched_word_by_word() {
        let names = ProviderNames {
            rules_of: HashMap::from([
                (b"hive".to_vec(), vec![1]),
                (b"wandb".to_vec(), vec![2]),
                (b"awssecret".to_vec(), vec![3]),
            ]),
        };
        let words = |w: &[&'static str]| w.iter().map(|w| w.as_bytes()).collect::<Vec<_>>();
        assert_eq!(
            names.rules_named_in(&words(&["WANDB", "API", "KEY"])),
            vec![2]
        );
        assert_eq!(
            names.rules_named_in(&words(&["aws", "secret", "access"])),
            vec![3]
        );
        assert_eq!(names.rules_named_in(&words(&["hive", "secret"])), vec![1]);
        assert!(names
            .rules_named_in(&words(&["archive", "token"]))
            .is_empty());
    }

    #[test]
    fn value_prefixes_short_words_and_secret_words_do_not() {
        assert_eq!(provider_name("cury_"), None);
        assert_eq!(provider_name("ucat_"), None);
        assert_eq!(provider_name("AKIA"), None);
        assert_eq!(provider_name("sk-"), None);
        assert_eq!(provider_name("secret"), None);
        assert_eq!(provider_name("secret_access_key"), None);
        assert_eq!(provider_name("google"), None);
    }
}
