//! The repository list of `leakward audit --repos LIST`.

/// The repositories of a list: one URL or path per line; blank lines and `#` comments
/// (a whole line, or after whitespace at the end of one) are left out.
///
/// ```
/// let list = "# the team's repositories\nhttps://git.example/a.git  # main\n\n../b\n";
/// assert_eq!(
///     leakward::audit::parse_list(list),
///     ["https://git.example/a.git", "../b"]
/// );
/// ```
pub fn parse_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let line = line.trim();
            if line.starts_with('#') {
                return "";
            }
            let end = line
                .char_indices()
                .find(|&(i, c)| c == '#' && line[..i].ends_with(char::is_whitespace))
                .map_or(line.len(), |(i, _)| i);
            line[..end].trim()
        })
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_blank_lines_are_left_out() {
        let text = "  \n#x\n  # y\na#b\nc # d\n\te\t\n";
        assert_eq!(parse_list(text), ["a#b", "c", "e"]);
    }
}
