//! The randomness measure on a labelled set built outside the repository (real repositories'
//! values are never committed): `scripts/randomness-labels.py` writes the set, this prints
//! precision and recall and writes every verdict next to it. Not part of the suite:
//!
//! ```sh
//! LEAKWARD_LABELS=/tmp/labels.tsv cargo test --test randomness_eval -- --ignored --nocapture
//! ```

use leakward::scan::{is_public_value, judge, Verdict};
use std::collections::BTreeMap;
use std::fmt::Write as _;

#[test]
#[ignore = "needs a labelled set: LEAKWARD_LABELS=path (see scripts/randomness-labels.py)"]
fn precision_and_recall_on_a_labelled_set() {
    let path = std::env::var("LEAKWARD_LABELS").expect("LEAKWARD_LABELS names the labelled set");
    let text = std::fs::read_to_string(&path).expect("the labelled set is readable");
    // Per group (the label file's second column up to its first ':'): tp, fp, tn, fn.
    let mut groups: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    let mut verdicts = String::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let [label, source, context, value] = fields[..] else {
            continue;
        };
        let random = label == "1";
        let line_text = format!("{context}{value}");
        let start = context.len();
        let verdict = judge(value.as_bytes());
        let public = is_public_value(line_text.as_bytes(), start, line_text.len());
        let predicted = verdict == Verdict::Random && !public;
        // Hash and lockfile contexts are their own group, outside the totals: what rejects them
        // is the context (in a scan, mostly that no generic rule captures them at all).
        let group = if label == "h" {
            "hash-context".to_string()
        } else {
            source.split(':').next().unwrap_or(source).to_string()
        };
        let counts = groups.entry(group).or_default();
        let slot = match (predicted, random) {
            (true, true) => 0,
            (true, false) => 1,
            (false, false) => 2,
            (false, true) => 3,
        };
        counts[slot] += 1;
        let shown = if public {
            "Public".to_string()
        } else {
            format!("{verdict:?}")
        };
        writeln!(verdicts, "{label}\t{shown}\t{source}\t{value}").unwrap();
    }
    std::fs::write(format!("{path}.verdicts"), verdicts).unwrap();
    let mut total = [0usize; 4];
    println!("group\ttp\tfp\ttn\tfn");
    for (group, counts) in &groups {
        println!(
            "{group}\t{}\t{}\t{}\t{}",
            counts[0], counts[1], counts[2], counts[3]
        );
        if group != "hash-context" {
            for (t, c) in total.iter_mut().zip(counts) {
                *t += c;
            }
        }
    }
    let [tp, fp, tn, fne] = total.map(|c| c as f64);
    println!(
        "all but hash-context\ttp {tp} fp {fp} tn {tn} fn {fne}\tprecision {:.4}\trecall {:.4}",
        tp / (tp + fp),
        tp / (tp + fne)
    );
}
