//! Sorting keyword starts and windows by rule, then by place, in linear time.
//!
//! The keyword pass reports occurrences by where they end, every rule's mixed together: a
//! line of assignments gives 32,000 starts per megabyte, and a comparison sort of them cost
//! 15% of the scan. A counting sort on the rule (its index is small) is linear and stable,
//! and leaves each rule's run in the order the pass reported it, which is nearly always the
//! order of its starts already; a run that is not is sorted on its own.

/// Below this many items, a comparison sort is cheaper than counting over every rule.
const COUNTING_FROM: usize = 256;

/// Sorts `items` by `key`'s `(rule, place)`, as `sort_unstable_by_key` would (items of an
/// equal key in any order); `rules` is more than every rule index.
pub(super) fn sort_by_rule_and_place<T: Copy>(
    items: &mut Vec<T>,
    rules: usize,
    key: impl Fn(&T) -> (usize, usize),
) {
    if items.len() < COUNTING_FROM {
        items.sort_unstable_by_key(&key);
        return;
    }
    // `first[rule]`: where the rule's run starts in the sorted order.
    let mut first = vec![0usize; rules + 1];
    for item in items.iter() {
        first[key(item).0 + 1] += 1;
    }
    for rule in 1..=rules {
        first[rule] += first[rule - 1];
    }
    let mut next = first.clone();
    let mut sorted = items.clone();
    for item in items.iter() {
        let rule = key(item).0;
        sorted[next[rule]] = *item;
        next[rule] += 1;
    }
    for rule in 0..rules {
        let run = &mut sorted[first[rule]..first[rule + 1]];
        if !run
            .windows(2)
            .all(|pair| key(&pair[0]).1 <= key(&pair[1]).1)
        {
            run.sort_unstable_by_key(|item| key(item).1);
        }
    }
    *items = sorted;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_a_comparison_sort_does() {
        let mut state = 0x853C_49E6_748F_EA9B_u64;
        let mut next = |below: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below) as usize
        };
        for len in [0, 1, 5, 255, 256, 257, 1000, 20_000] {
            for rules in [1, 7, 636] {
                // Places mostly rising, as the keyword pass reports them, with some out of
                // order (keywords of different lengths) and some equal.
                let mut place = 0;
                let items: Vec<(usize, usize, usize)> = (0..len)
                    .map(|tag| {
                        place += next(40);
                        let jitter = if next(10) == 0 { next(30) } else { 0 };
                        (next(rules as u64), place.saturating_sub(jitter), tag)
                    })
                    .collect();
                let mut expected = items.clone();
                expected.sort_by_key(|&(rule, place, _)| (rule, place));
                let mut got = items;
                sort_by_rule_and_place(&mut got, rules, |&(rule, place, _)| (rule, place));
                let keys = |v: &[(usize, usize, usize)]| -> Vec<(usize, usize)> {
                    v.iter().map(|&(r, p, _)| (r, p)).collect()
                };
                assert_eq!(keys(&got), keys(&expected), "{len} items, {rules} rules");
                let mut tags: Vec<usize> = got.iter().map(|item| item.2).collect();
                tags.sort_unstable();
                assert!(tags.iter().copied().eq(0..len), "every item kept once");
            }
        }
    }
}
