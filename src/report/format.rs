//! How the book writes numbers and names. The template filters and the claim notes both go
//! through these functions, so a number reads the same wherever it appears: thousands
//! separators, a true minus sign, three significant figures unless the paper prints more, and
//! powers of ten written out (`1.13 × 10⁻⁵`) instead of `1.13e-5`.

/// The typographic minus; a hyphen before a number reads as a dash in running text.
const MINUS: char = '−';

/// `1234567` → `1,234,567` (and a negative with a true minus sign).
pub fn group(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let sign = if n < 0 {
        MINUS.to_string()
    } else {
        String::new()
    };
    format!("{sign}{}", group_digits(&digits))
}

/// Inserts separators into a run of ASCII digits.
fn group_digits(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A decimal string from `format!` made readable: grouped integer part, true minus sign.
fn tidy(s: &str) -> String {
    let (sign, body) = match s.strip_prefix('-') {
        Some(b) => (MINUS.to_string(), b),
        None => (String::new(), s),
    };
    let (int, frac) = body
        .split_once('.')
        .map_or((body, None), |(a, b)| (a, Some(b)));
    let mut out = format!("{sign}{}", group_digits(int));
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    // "−0.000" says nothing a plain zero does not.
    if out.starts_with(MINUS) && out.chars().all(|c| matches!(c, '0' | '.' | ',' | MINUS)) {
        out.remove(0);
    }
    out
}

/// What a number that is not finite is shown as.
fn non_finite(x: f64) -> Option<String> {
    if x.is_nan() {
        Some("—".into())
    } else if x.is_infinite() {
        Some(if x > 0.0 {
            "∞".into()
        } else {
            format!("{MINUS}∞")
        })
    } else {
        None
    }
}

/// `digits` decimals, grouped: `1795.53` → `1,795.5` with one decimal.
pub fn fixed(x: f64, digits: usize) -> String {
    non_finite(x).unwrap_or_else(|| tidy(&format!("{x:.digits$}")))
}

/// The paper's number as printed (shortest exact form), grouped: `50000000` → `50,000,000`.
pub fn printed(x: f64) -> String {
    non_finite(x).unwrap_or_else(|| tidy(&format!("{x}")))
}

/// `sig` significant figures, never rounding away integer digits: `0.48712` → `0.487`,
/// `393.51` → `394`, `131072` → `131,072`.
pub fn sig(x: f64, sig: usize) -> String {
    if let Some(s) = non_finite(x) {
        return s;
    }
    if x == 0.0 {
        return "0".into();
    }
    let magnitude = x.abs().log10().floor() as i64;
    let decimals = (sig.max(1) as i64 - 1 - magnitude).max(0) as usize;
    fixed(x, decimals)
}

/// Unicode superscript of an exponent (`-5` → `⁻⁵`).
fn superscript(e: i64) -> String {
    let digits = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut out = String::new();
    if e < 0 {
        out.push('⁻');
    }
    for c in e.unsigned_abs().to_string().chars() {
        out.push(digits[c.to_digit(10).unwrap_or(0) as usize]);
    }
    out
}

/// Scientific notation as a reader writes it: `1.13 × 10⁻⁵`. `sig` = None keeps the shortest
/// exact mantissa (how the paper printed its constants).
pub fn sci(x: f64, sig: Option<usize>) -> String {
    if let Some(s) = non_finite(x) {
        return s;
    }
    if x == 0.0 {
        return "0".into();
    }
    let text = match sig {
        Some(s) => format!("{x:.prec$e}", prec = s.max(1) - 1),
        None => format!("{x:e}"),
    };
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let mantissa = tidy(mantissa);
    if exp == 0 {
        mantissa
    } else {
        format!("{mantissa} × 10{}", superscript(exp))
    }
}

/// A coefficient: plain between 0.01 and 10,000, else with a power of ten. `sig` = None: as
/// printed (shortest exact representation).
pub fn coefficient(x: f64, sig_figs: Option<usize>) -> String {
    let a = x.abs();
    if (0.01..10_000.0).contains(&a) || x == 0.0 {
        match sig_figs {
            Some(s) => sig(x, s),
            None => tidy(&format!("{x}")),
        }
    } else {
        sci(x, sig_figs)
    }
}

/// A polynomial in N from its ascending coefficients: `3.03 × 10⁻⁸ N² − 1.13 × 10⁻⁵ N + 0.291`.
/// Exact zeros are left out (the paper's equations have no linear term).
pub fn polynomial(coefficients: &[f64], sig_figs: Option<usize>) -> String {
    let mut out = String::new();
    for (k, &c) in coefficients.iter().enumerate().rev() {
        if c == 0.0 {
            continue;
        }
        let var = match k {
            0 => String::new(),
            1 => " N".to_string(),
            _ => format!(" N{}", superscript(k as i64)),
        };
        let body = format!("{}{var}", coefficient(c.abs(), sig_figs));
        if out.is_empty() {
            out = if c < 0.0 {
                format!("{MINUS}{body}")
            } else {
                body
            };
        } else {
            out.push_str(if c < 0.0 { " − " } else { " + " });
            out.push_str(&body);
        }
    }
    if out.is_empty() { "0".into() } else { out }
}

/// Groups the integers of four or more digits inside free text (error notes written by the
/// benchmark: "a 8589934592-element tensor", "from N = 65536"), leaving decimals, identifiers
/// and hexadecimal revisions alone.
pub fn group_in_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let run: String = chars[start..i].iter().collect();
        let before = start.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i).copied();
        let after2 = chars.get(i + 1).copied();
        let glued_before = before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '_'));
        let glued_after = after.is_some_and(|c| c.is_alphanumeric() || c == '_')
            || (after == Some('.') && after2.is_some_and(|c| c.is_ascii_digit()));
        if run.len() >= 4 && !glued_before && !glued_after {
            out.push_str(&group_digits(&run));
        } else {
            out.push_str(&run);
        }
    }
    out
}

/// The book's name for a model.
pub fn model_name(model: &str) -> String {
    match model {
        "llama" => "LLaMA".into(),
        "mamba" => "Mamba".into(),
        "random" => "random scores".into(),
        other => other.into(),
    }
}

/// The book's short name for an implementation path: ssmbench's own names for its kernels
/// ("materialised", "flash", "fused scan"), Hugging Face's names for its paths.
pub fn path_name(stack: &str, model: &str, variant: &str) -> String {
    match (stack, model, variant) {
        ("ssmbench", "llama", "eager") => "materialised".into(),
        ("ssmbench", "llama", "fused") => "flash".into(),
        ("ssmbench", "mamba", "fused") => "fused scan".into(),
        (_, _, v) => v.into(),
    }
}

/// The stack's short name.
pub fn stack_name(stack: &str) -> String {
    match stack {
        "hf" => "HF".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_written_by_hand() {
        assert_eq!(group(131_072), "131,072");
        assert_eq!(group(-1_000), "−1,000");
        assert_eq!(group(999), "999");
        assert_eq!(sig(2.0543, 3), "2.05");
        assert_eq!(sig(0.48712, 3), "0.487");
        assert_eq!(sig(393.51, 3), "394");
        assert_eq!(sig(131_072.0, 3), "131,072");
        assert_eq!(sig(0.99826, 4), "0.9983");
        assert_eq!(sig(-0.00123, 3), "−0.00123");
        assert_eq!(sig(f64::INFINITY, 3), "∞");
        assert_eq!(fixed(1795.53, 1), "1,795.5");
        assert_eq!(fixed(-0.0001, 2), "0.00");
        assert_eq!(sci(-1.13e-5, Some(3)), "−1.13 × 10⁻⁵");
        assert_eq!(sci(5.9e-7, None), "5.9 × 10⁻⁷");
    }

    #[test]
    fn polynomials_carry_their_signs_in_the_operator() {
        assert_eq!(
            polynomial(&[0.291, -1.13e-5, 3.03e-8], Some(3)),
            "3.03 × 10⁻⁸ N² − 1.13 × 10⁻⁵ N + 0.291"
        );
        assert_eq!(
            polynomial(&[0.12, 0.0, 5.9e-7], None),
            "5.9 × 10⁻⁷ N² + 0.12"
        );
        assert_eq!(polynomial(&[-3.0, 0.016], None), "0.016 N − 3");
    }

    #[test]
    fn long_integers_in_notes_are_grouped_but_not_revisions_or_decimals() {
        assert_eq!(
            group_in_text("a 8589934592-element tensor; from N = 65536 (budget 4 s)"),
            "a 8,589,934,592-element tensor; from N = 65,536 (budget 4 s)"
        );
        assert_eq!(
            group_in_text("rev e5a16a11c378 at 1234.5"),
            "rev e5a16a11c378 at 1234.5"
        );
    }
}
