//! Text exports: CSV fields that spreadsheets read as data, never as
//! formulas. Shared by the page's downloads and the CLI's files.
//!
//! A field is quoted when it holds a comma, a quote or a line break
//! (RFC 4180). A field that starts with `=`, `+`, `-`, `@`, a tab or a
//! carriage return is a formula to Excel, LibreOffice and Google Sheets
//! (an asset id such as `=1+2` or `+cmd|x` from an uploaded file, or a
//! strategy name from a link), so it gets a leading `'` and is quoted, as
//! OWASP's CSV injection guidance recommends. Numbers (`-12.5`, `-3.2%`,
//! `+1e-3`) are left as they are: they are data, and a spreadsheet reads
//! them as numbers.

/// One CSV field, guarded and quoted as the module docs say.
pub fn csv_field(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_number(s);
    let s = if formula { format!("'{s}") } else { s.to_string() };
    if formula || s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A CSV line of guarded fields, ending with a newline.
pub fn csv_line<S: AsRef<str>>(fields: &[S]) -> String {
    let mut line = fields.iter().map(|f| csv_field(f.as_ref())).collect::<Vec<_>>().join(",");
    line.push('\n');
    line
}

/// A plain number, possibly with a sign, thousands commas or a `%`.
fn is_number(s: &str) -> bool {
    let t = s.trim_end_matches('%').replace(',', "");
    !t.is_empty() && t.parse::<f64>().is_ok_and(f64::is_finite) && !t.contains(['i', 'I', 'n', 'N'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("Top 10, equal"), "\"Top 10, equal\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_line(&["a", "b,c"]), "a,\"b,c\"\n");
    }

    #[test]
    fn formulas_are_defused_and_numbers_kept() {
        assert_eq!(csv_field("=1+2"), "\"'=1+2\"");
        assert_eq!(csv_field("+cmd|' /C calc'!A0"), "\"'+cmd|' /C calc'!A0\"");
        assert_eq!(csv_field("@SUM(A1:A9)"), "\"'@SUM(A1:A9)\"");
        assert_eq!(csv_field("-2+3+cmd|x"), "\"'-2+3+cmd|x\"");
        assert_eq!(csv_field("\tx"), "\"'\tx\"");
        assert_eq!(csv_field("\r=x"), "\"'\r=x\"");
        assert_eq!(csv_field("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
        for n in ["-12.5", "-3.20%", "+1e-3", "-1,234.5", "0.5"] {
            assert_eq!(csv_field(n), if n.contains(',') { format!("\"{n}\"") } else { n.to_string() }, "{n}");
        }
        assert_eq!(csv_field("-inf"), "\"'-inf\"");
        assert_eq!(csv_field("-NaN"), "\"'-NaN\"");
    }
}
